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
  function pacerOn(share: number, timeScale = 1, jitter = 0, random = Math.random) {
    let clock = 0;
    const waits: number[] = [];
    const pacer = createQuotaPacer({
      bucket: EcsBuckets.TASK_DEFINITION_MODIFY,
      share,
      timeScale,
      jitter,
      random,
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

  it("varies each wait past the burst by up to the jitter, and keeps the mean rate", async () => {
    // Prepare: waits of a pacer at 0.5/s, with the default jitter.
    const { pacer, waits, elapsed } = pacerOn(0.5, 1, Pacing.JITTER);
    for (let i = 0; i < 10; i++) await pacer.wait();
    const burst = elapsed();

    // Act
    const calls = 2000;
    for (let i = 0; i < calls; i++) await pacer.wait();

    // Assess: each gap within 2 s ± 30%, not all the same, 2 s on average.
    const gaps = waits;
    expect(burst).toBe(0);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(2000 * (1 - Pacing.JITTER) - 1e-6);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(2000 * (1 + Pacing.JITTER) + 1e-6);
    expect(new Set(gaps.map((g) => Math.round(g))).size).toBeGreaterThan(100);
    expect(elapsed() / calls).toBeCloseTo(2000, -2);
    expect(Math.abs(elapsed() / calls - 2000)).toBeLessThan(2000 * 0.02);
  });

  it("waits exactly the interval with the lowest and highest draw at jitter's bounds", async () => {
    // Prepare: draws of 0 then just below 1.
    const draws = [0, 0.999_999];
    const { pacer, waits } = pacerOn(0.5, 1, 0.3, () => draws.shift() ?? 0.5);
    for (let i = 0; i < 10; i++) await pacer.wait();

    // Act
    await pacer.wait();
    await pacer.wait();

    // Assess: 0.7 then about 1.3 of the 2 s interval.
    expect(waits[0]).toBeCloseTo(1400, 6);
    expect(waits[1]).toBeCloseTo(2600, 1);
  });

  it("refuses a jitter outside [0, 1)", () => {
    // Act / Assess
    expect(() => pacerOn(0.5, 1, 1)).toThrow(RangeError);
    expect(() => pacerOn(0.5, 1, -0.1)).toThrow(RangeError);
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
