import { describe, expect, it, vi } from "vitest";
import { EcsBuckets, Pacing } from "../../functions/ecr-deployer/constants.js";
import { createPacer, createQuotaPacer } from "../../functions/ecr-deployer/throttle.js";

describe("createPacer", () => {
  it("spaces calls evenly at the given rate", async () => {
    // Prepare
    let clock = 0;
    const waits: number[] = [];
    const pacer = createPacer(
      5,
      async (ms) => {
        waits.push(ms);
        clock += ms;
      },
      () => clock,
    );

    // Act
    for (let i = 0; i < 4; i++) await pacer.wait();

    // Assess
    expect(waits).toEqual([200, 200, 200]);
  });

  it("does not wait when calls are already further apart than the interval", async () => {
    // Prepare
    let clock = 0;
    const sleep = vi.fn(async () => {});
    const pacer = createPacer(1, sleep, () => clock);

    // Act
    await pacer.wait();
    clock += 5000;
    await pacer.wait();

    // Assess
    expect(sleep).not.toHaveBeenCalled();
  });
});

describe("createQuotaPacer", () => {
  /** A pacer on a clock that only moves when it sleeps. */
  function pacerOn(share: number, timeScale = 1) {
    let clock = 0;
    const waits: number[] = [];
    const pacer = createQuotaPacer({
      bucket: EcsBuckets.TASK_DEFINITION_MODIFY,
      share,
      timeScale,
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
      now: () => clock,
    });
    return { pacer, waits, elapsed: () => clock };
  }

  it("lets the share of the burst through at once, then the share of the sustained rate", async () => {
    // Prepare
    const { pacer, waits, elapsed } = pacerOn(0.5);

    // Act
    for (let i = 0; i < 14; i++) await pacer.wait();

    // Assess: 10 of the burst of 20 at once, then one per 2 s (half of 1/s).
    expect(waits.slice(0, 1)).toEqual([2000]);
    expect(elapsed()).toBe(4 * 2000);
  });

  it("runs the same schedule faster by the time scale", async () => {
    // Prepare
    const { pacer, elapsed } = pacerOn(0.5, 100);

    // Act
    for (let i = 0; i < 14; i++) await pacer.wait();

    // Assess
    expect(elapsed()).toBeCloseTo(80, 6);
  });

  it("halves its rate and forgets the burst when throttled, then recovers by a fiftieth per accepted call", async () => {
    // Prepare
    const { pacer } = pacerOn(0.5);

    // Act
    pacer.throttled();
    const halved = pacer.rate();
    pacer.throttled();
    const quartered = pacer.rate();
    for (let i = 0; i < 10; i++) pacer.accepted();

    // Assess
    expect(halved).toBeCloseTo(0.25, 9);
    expect(quartered).toBeCloseTo(0.125, 9);
    expect(pacer.rate()).toBeCloseTo(0.5 * (0.25 + 10 * Pacing.RECOVERY_PER_CALL), 9);
    expect(pacer.delayFor(1)).toBeGreaterThan(0);
  });

  it("never slows below the minimum factor of its share", () => {
    // Prepare
    const { pacer } = pacerOn(1);

    // Act
    for (let i = 0; i < 20; i++) pacer.throttled();

    // Assess
    expect(pacer.rate()).toBeCloseTo(Pacing.MIN_FACTOR, 9);
  });

  it.each([0, 1.5, Number.NaN])("refuses a share of %d", (share) => {
    // Act / Assess
    expect(() => pacerOn(share)).toThrow(RangeError);
  });
});
