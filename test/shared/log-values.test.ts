import { Logger } from "@aws-lambda-powertools/logger";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  CappedLogFormatter,
  capLogValue,
  capString,
  LogLimits,
} from "../../functions/shared/log-values.js";
import { printedLines } from "../support/output.js";

const hundredKb = "x".repeat(100 * 1024);

describe("capString", () => {
  it("returns a short string as it is", () => {
    // Act / Assess
    expect(capString("team/app", 16)).toBe("team/app");
  });

  it("cuts a long string and says how many characters were cut", () => {
    // Act
    const capped = capString("abcdefghij", 4);

    // Assess
    expect(capped).toBe("abcd…(+6 chars)");
  });

  it("never leaves half of a surrogate pair at the cut", () => {
    // Act
    const capped = capString(`abc${"😀".repeat(10)}`, 4);

    // Assess: "abc" and the whole first emoji would be 5 code units; the high half is dropped
    expect(capped.startsWith("abc…")).toBe(true);
    expect(capped).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });
});

describe("capLogValue", () => {
  const caps = { chars: 8, items: 3, keys: 2, depth: 2 };

  it("keeps the first items of an array and counts the rest", () => {
    // Act
    const capped = capLogValue(
      Array.from({ length: 10_000 }, (_, i) => i),
      caps,
    );

    // Assess
    expect(capped).toEqual([0, 1, 2, "…(+9997 more)"]);
  });

  it("keeps the first keys of an object and counts the rest", () => {
    // Act
    const capped = capLogValue({ a: 1, b: 2, c: 3, d: 4 }, caps);

    // Assess
    expect(capped).toEqual({ a: 1, b: 2, "…": "+2 more keys" });
  });

  it("cuts nesting, cycles, strings and keys", () => {
    // Prepare
    const cyclic: Record<string, unknown> = { name: "a-very-long-name" };
    cyclic.self = cyclic;

    // Act
    const capped = capLogValue({ deep: { deeper: { deepest: [1] } }, cyclic }, caps);

    // Assess
    expect(capped).toEqual({
      deep: { deeper: { deepest: "[Array(1)]" } },
      cyclic: { name: "a-very-l…(+8 chars)", self: "[Circular]" },
    });
  });

  it("prints errors, bigints, dates, maps and sets as JSON can", () => {
    // Prepare
    const error = new TypeError("m".repeat(20));

    // Act
    const capped = capLogValue(
      {
        error,
        big: 10n ** 30n,
        at: new Date("2026-01-01T00:00:00Z"),
        sets: [new Set([1, 2, 3, 4]), new Map([["k", "v"]])],
      },
      { chars: 9, items: 3, keys: 5, depth: 3 },
    ) as Record<string, unknown>;

    // Assess
    expect(capped.error).toMatchObject({ name: "TypeError", message: "mmmmmmmmm…(+11 chars)" });
    expect(capped.big).toBe("100000000…(+22 chars)");
    expect(capped.at).toBe("2026-01-0…(+15 chars)");
    expect(capped.sets).toEqual([[1, 2, 3, "…(+1 more)"], { k: "v" }]);
    expect(() => JSON.stringify(capped)).not.toThrow();
  });
});

describe("CappedLogFormatter", () => {
  beforeEach(() => {
    vi.stubEnv("POWERTOOLS_DEV", "");
    vi.stubEnv("POWERTOOLS_LOG_LEVEL", "DEBUG");
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  const capped = () => new Logger({ serviceName: "svc", logFormatter: new CappedLogFormatter() });

  it("writes an ordinary line exactly as the Powertools formatter does", async () => {
    // Prepare
    const extra = { cluster: "prod", services: ["a", "b"], counts: { skipped: 2 } };

    // Act
    const [ours] = (await printedLines(() => capped().info("Push planned", extra))).lines;
    const [theirs] = (
      await printedLines(() => new Logger({ serviceName: "svc" }).info("Push planned", extra))
    ).lines;

    // Assess: same keys in the same order, same values (the timestamp aside)
    const strip = (line = "") => ({ ...JSON.parse(line), timestamp: undefined });
    expect(Object.keys(JSON.parse(ours ?? ""))).toEqual(Object.keys(JSON.parse(theirs ?? "")));
    expect(strip(ours)).toEqual(strip(theirs));
  });

  it("keeps every line under 8 KB whatever it is given", async () => {
    // Prepare: hostile input of every shape (sizes the Logger's own merging still handles fast)
    const logger = capped();
    logger.appendKeys({ repository: hundredKb, tag: hundredKb });
    const error = new Error(hundredKb, { cause: new Error(hundredKb) });

    // Act
    const { lines } = await printedLines(() => {
      logger.info(hundredKb);
      logger.info("many", { services: Array.from({ length: 10_000 }, () => "s".repeat(1000)) });
      logger.warn(
        "wide",
        Object.fromEntries(
          Array.from({ length: 200 }, (_, i) => [`${"k".repeat(1000)}${i}`, hundredKb]),
        ),
      );
      let deep: Record<string, unknown> = { leaf: hundredKb };
      for (let i = 0; i < 200; i++) deep = { [`level${i}`]: deep, sibling: [hundredKb, hundredKb] };
      logger.debug("deep", { deep });
      logger.error("failed", { error });
      logger.error("failed", error);
    });

    // Assess
    expect(lines).toHaveLength(6);
    for (const line of lines) {
      expect(Buffer.byteLength(line, "utf8")).toBeLessThanOrEqual(LogLimits.MAX_LINE_BYTES);
      expect(Buffer.byteLength(line, "utf8")).toBeLessThan(8 * 1024);
      const entry = JSON.parse(line) as Record<string, unknown>;
      expect(entry.service).toBe("svc");
      expect(String(entry.repository)).toMatch(/^x+…\(\+\d+ chars\)$/);
    }
    const [, , , , withKey, asError] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(withKey?.error).toMatchObject({ name: "Error", message: expect.stringContaining("…") });
    expect(asError?.error).toMatchObject({ name: "Error", message: expect.stringContaining("…") });
  });

  it("cuts a long value less when the line has room for it", async () => {
    // Act
    const [line] = (
      await printedLines(() => capped().info("one long value", { value: "v".repeat(2000) }))
    ).lines;

    // Assess: the first caps (1024 characters) already fit
    expect(JSON.parse(line ?? "").value).toBe(`${"v".repeat(1024)}…(+976 chars)`);
  });
});
