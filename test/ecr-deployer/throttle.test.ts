import { describe, expect, it, vi } from "vitest";
import { createPacer } from "../../functions/ecr-deployer/throttle.js";

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
