import { describe, expect, it, vi } from "vitest";
import {
  createPacer,
  isThrottling,
  retryOnThrottle,
} from "../../functions/ecr-deployer/throttle.js";
import { throttlingError } from "./support.js";

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

describe("retryOnThrottle", () => {
  it("returns the result when a throttled call succeeds on retry", async () => {
    // Prepare
    const fn = vi.fn().mockRejectedValueOnce(throttlingError()).mockResolvedValueOnce("ok");
    const sleep = vi.fn(async () => {});

    // Act
    const result = await retryOnThrottle(fn, { sleep, random: () => 1 });

    // Assess
    expect(result).toBe("ok");
    expect(sleep).toHaveBeenCalledWith(1000);
  });

  it("throws at once when the error is not throttling", async () => {
    // Prepare
    const error = Object.assign(new Error("bad"), { name: "InvalidParameterException" });
    const fn = vi.fn().mockRejectedValue(error);

    // Act
    const run = retryOnThrottle(fn, { sleep: async () => {} });

    // Assess
    await expect(run).rejects.toBe(error);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it("throws the throttling error after the last attempt", async () => {
    // Prepare
    const fn = vi.fn().mockRejectedValue(throttlingError());

    // Act
    const run = retryOnThrottle(fn, { sleep: async () => {}, attempts: 3 });

    // Assess
    await expect(run).rejects.toThrow("Rate exceeded");
    expect(fn).toHaveBeenCalledTimes(3);
  });
});

describe("isThrottling", () => {
  it.each([
    ["ThrottlingException", throttlingError(), true],
    [
      "a ClientException saying Rate exceeded",
      Object.assign(new Error("Rate exceeded"), { name: "ClientException" }),
      true,
    ],
    [
      "TooManyRequestsException",
      Object.assign(new Error("x"), { name: "TooManyRequestsException" }),
      true,
    ],
    ["another error", new Error("other"), false],
    ["undefined", undefined, false],
  ])("returns whether %s is throttling", (_label, error, expected) => {
    // Prepare / Act
    const throttled = isThrottling(error);

    // Assess
    expect(throttled).toBe(expected);
  });
});
