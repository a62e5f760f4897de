import { Logger } from "@aws-lambda-powertools/logger";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  deliver,
  isRetryableStatus,
  parseRetryAfter,
} from "../../functions/deployment-tracker/delivery.js";
import {
  DeliveryFailedError,
  DeliveryRejectedError,
} from "../../functions/deployment-tracker/errors.js";
import type { DeploymentRecord } from "../../functions/deployment-tracker/types.js";
import {
  API_KEY,
  captureLogs,
  ENDPOINT,
  fetchAnswering,
  type Receiver,
  startReceiver,
} from "./helpers.js";

const record: DeploymentRecord = { runtime: "ecs", scope: "us-west-2/prod", workloads: [] };
const logger = new Logger({ serviceName: "test", logLevel: "DEBUG" });

function options(fetch: typeof globalThis.fetch, maxAttempts = 4) {
  return {
    url: new URL(ENDPOINT),
    apiKey: API_KEY,
    apiKeyHeader: "x-cardinalhq-api-key",
    idempotencyKey: "event-1",
    timeoutMs: 200,
    maxAttempts,
    logger,
    fetch,
    backoff: { minDelayMs: 1, maxDelayMs: 2, factor: 1 },
  };
}

describe("deliver", () => {
  let logs: ReturnType<typeof captureLogs>;

  beforeEach(() => {
    logs = captureLogs();
  });

  afterEach(() => logs.restore());

  it("returns after one POST with the JSON body, API key and idempotency headers when the endpoint answers 200", async () => {
    // Prepare
    const receiver = fetchAnswering(200);

    // Act
    const result = await deliver(record, options(receiver.fetch));

    // Assess
    expect(result).toEqual({ status: 200, attempts: 1 });
    expect(receiver.calls).toHaveLength(1);
    expect(receiver.calls[0]?.url).toBe(ENDPOINT);
    expect(receiver.calls[0]?.init.method).toBe("POST");
    expect(receiver.calls[0]?.init.headers).toEqual({
      "content-type": "application/json",
      "x-cardinalhq-api-key": API_KEY,
      "Idempotency-Key": "event-1",
    });
    expect(receiver.calls[0]?.body).toEqual(record);
  });

  it.each([429, 500, 502, 503, 504, 408])(
    "retries with the same idempotency key when the endpoint answers %i",
    async (status) => {
      // Prepare
      const receiver = fetchAnswering(status, status, 201);

      // Act
      const result = await deliver(record, options(receiver.fetch));

      // Assess
      expect(result).toEqual({ status: 201, attempts: 3 });
      const keys = receiver.calls.map(
        (c) => (c.init.headers as Record<string, string>)["Idempotency-Key"],
      );
      expect(keys).toEqual(["event-1", "event-1", "event-1"]);
    },
  );

  it.each([400, 401, 403, 404, 409, 422])(
    "throws DeliveryRejectedError without retrying when the endpoint answers %i",
    async (status) => {
      // Prepare
      const receiver = fetchAnswering(status);

      // Act
      const act = deliver(record, options(receiver.fetch));

      // Assess
      await expect(act).rejects.toBeInstanceOf(DeliveryRejectedError);
      await expect(act).rejects.toMatchObject({ retryable: false, status });
      expect(receiver.calls).toHaveLength(1);
    },
  );

  it("throws DeliveryFailedError after maxAttempts when the endpoint keeps answering 503", async () => {
    // Prepare
    const receiver = fetchAnswering(503);

    // Act
    const act = deliver(record, options(receiver.fetch, 3));

    // Assess
    await expect(act).rejects.toBeInstanceOf(DeliveryFailedError);
    await expect(act).rejects.toMatchObject({ retryable: true, attempts: 3 });
    expect(receiver.calls).toHaveLength(3);
  });

  it("retries network errors", async () => {
    // Prepare
    const fetch = vi
      .fn()
      .mockRejectedValueOnce(
        new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED") }),
      )
      .mockResolvedValueOnce(new Response(null, { status: 204 }));

    // Act
    const result = await deliver(record, options(fetch as unknown as typeof globalThis.fetch));

    // Assess
    expect(result).toEqual({ status: 204, attempts: 2 });
  });

  it("throws DeliveryFailedError when every attempt times out", async () => {
    // Prepare
    const fetch = vi.fn(
      (_url: unknown, init?: RequestInit) =>
        new Promise<Response>((_resolve, reject) => {
          init?.signal?.addEventListener("abort", () => reject(init.signal?.reason));
        }),
    );

    // Act
    const act = deliver(record, {
      ...options(fetch as unknown as typeof globalThis.fetch, 2),
      timeoutMs: 20,
    });

    // Assess
    await expect(act).rejects.toThrow(/timed out after 20 ms/);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it("throws DeliveryRejectedError for a redirect instead of following it", async () => {
    // Prepare
    const receiver = fetchAnswering(302);

    // Act
    const act = deliver(record, options(receiver.fetch));

    // Assess
    await expect(act).rejects.toBeInstanceOf(DeliveryRejectedError);
    expect(receiver.calls[0]?.init.redirect).toBe("manual");
  });

  it("never writes the API key to the logs, even when the endpoint echoes it", async () => {
    // Prepare
    const fetch = vi.fn(async () => new Response(`bad key ${API_KEY}`, { status: 401 }));

    // Act
    await deliver(record, options(fetch as unknown as typeof globalThis.fetch)).catch(
      () => undefined,
    );

    // Assess
    expect(logs.text()).toContain("Endpoint rejected the record");
    expect(logs.text()).not.toContain(API_KEY);
  });
});

describe("isRetryableStatus", () => {
  it.each([
    [408, true],
    [429, true],
    [500, true],
    [599, true],
    [400, false],
    [404, false],
    [301, false],
  ])("returns for %i %s", (status, expected) => {
    // Act & Assess
    expect(isRetryableStatus(status)).toBe(expected);
  });
});

describe("deliver with Retry-After, to a local receiver", () => {
  let logs: ReturnType<typeof captureLogs>;
  let receiver: Receiver | undefined;
  /** The waits deliver asked for; each returns at once. */
  let waits: number[];
  const sleep = async (ms: number) => {
    waits.push(ms);
  };
  const to = (r: Receiver, overrides: Partial<Parameters<typeof deliver>[1]> = {}) => ({
    ...options(globalThis.fetch),
    url: new URL(r.url),
    // A real HTTP round trip on a busy machine can take longer than the 200 ms of the
    // stubbed-fetch tests: a timed-out first attempt would hide the Retry-After under test.
    timeoutMs: 2000,
    sleep,
    random: () => 0,
    ...overrides,
  });

  beforeEach(() => {
    logs = captureLogs();
    waits = [];
  });

  afterEach(async () => {
    logs.restore();
    await receiver?.close();
    receiver = undefined;
    vi.useRealTimers();
  });

  it.each([429, 503])(
    "waits the seconds of Retry-After after a %i, then delivers",
    async (status) => {
      // Prepare
      receiver = await startReceiver({ status, headers: { "retry-after": "2" } }, { status: 200 });

      // Act
      const result = await deliver(record, to(receiver));

      // Assess
      expect(result).toEqual({ status: 200, attempts: 2 });
      expect(waits).toEqual([2000]);
      expect(receiver.requests.map((r) => r.headers["idempotency-key"])).toEqual([
        "event-1",
        "event-1",
      ]);
      expect(logs.entries().find((e) => e.message === "Delivery attempt failed")).toMatchObject({
        httpStatus: status,
        retryAfterMs: 2000,
      });
    },
  );

  it("waits until the HTTP-date of Retry-After", async () => {
    // Prepare: only Date is faked, so sockets and their timers stay real
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-12-01T10:00:00Z"));
    receiver = await startReceiver(
      { status: 503, headers: { "retry-after": "Tue, 01 Dec 2026 10:00:07 GMT" } },
      { status: 200 },
    );

    // Act
    const result = await deliver(record, to(receiver));

    // Assess
    expect(result.attempts).toBe(2);
    expect(waits).toEqual([7000]);
  });

  it("never retries sooner than the backoff would", async () => {
    // Prepare: a backoff of 3 s, a Retry-After of 1 s
    receiver = await startReceiver(
      { status: 429, headers: { "retry-after": "1" } },
      { status: 200 },
    );

    // Act
    await deliver(
      record,
      to(receiver, { backoff: { minDelayMs: 3000, maxDelayMs: 8000, factor: 2 } }),
    );

    // Assess
    expect(waits).toEqual([3000]);
  });

  it.each([
    ["a 500", { status: 500, headers: { "retry-after": "5" } }],
    ["an unreadable value", { status: 429, headers: { "retry-after": "soon" } }],
    ["no header", { status: 429 }],
  ])("waits the backoff alone for %s", async (_label, answer) => {
    // Prepare: backoff min 1 ms × (1 + random 0)
    receiver = await startReceiver(answer, { status: 200 });

    // Act
    await deliver(record, to(receiver));

    // Assess
    expect(waits).toEqual([1]);
  });

  it("fails at once, without waiting, when Retry-After is longer than the invocation has left", async () => {
    // Prepare: 4 s left; 10 s asked
    receiver = await startReceiver({ status: 429, headers: { "retry-after": "10" } });

    // Act
    const act = deliver(record, to(receiver, { remainingTimeMs: () => 4000 }));

    // Assess
    await expect(act).rejects.toBeInstanceOf(DeliveryFailedError);
    await expect(act).rejects.toMatchObject({ retryable: true, attempts: 1 });
    await expect(act).rejects.toThrow(/in 10000 ms, would not end within the 4000 ms/);
    expect(waits).toEqual([]);
    expect(receiver.requests).toHaveLength(1);
  });

  it("waits Retry-After when the wait, the attempt's timeout and the reserve fit in the time left", async () => {
    // Prepare: 2 s + 2 s timeout + 1 s reserve = 5 s
    receiver = await startReceiver(
      { status: 429, headers: { "retry-after": "2" } },
      { status: 204 },
    );

    const other = await startReceiver(
      { status: 429, headers: { "retry-after": "2" } },
      { status: 204 },
    );

    // Act
    const fits = await deliver(record, to(receiver, { remainingTimeMs: () => 5000 }));
    const tooShort = await deliver(record, to(other, { remainingTimeMs: () => 4999 })).catch(
      (e: unknown) => e,
    );
    await other.close();

    // Assess
    expect(fits).toEqual({ status: 204, attempts: 2 });
    expect(tooShort).toBeInstanceOf(DeliveryFailedError);
    expect(other.requests).toHaveLength(1);
  });

  it("reads the time left before each wait", async () => {
    // Prepare: the clock of the invocation runs down by 1.5 s per read
    receiver = await startReceiver({ status: 503, headers: { "retry-after": "1" } });
    let left = 5000;

    // Act
    const remainingTimeMs = () => {
      const now = left;
      left -= 1500;
      return now;
    };
    const act = deliver(record, to(receiver, { remainingTimeMs, timeoutMs: 200 }));

    // Assess: 5000 → waits; 3500 → waits; 2000 < 1000 + 200 + 1000 + … → stops
    await expect(act).rejects.toThrow(/within the 2000 ms/);
    expect(waits).toEqual([1000, 1000]);
    expect(receiver.requests).toHaveLength(3);
  });

  it("really waits: the next request arrives no sooner than Retry-After", async () => {
    // Prepare
    receiver = await startReceiver(
      { status: 429, headers: { "retry-after": "1" } },
      { status: 200 },
    );

    // Act
    await deliver(record, { ...to(receiver), sleep: undefined });

    // Assess
    const [first, second] = receiver.requests;
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(1000);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-12-01T10:00:00Z");

  it.each([
    ["120", 120_000],
    ["0", 0],
    [" 3 ", 3000],
    ["Tue, 01 Dec 2026 10:01:00 GMT", 60_000],
    ["Tue, 01 Dec 2026 09:00:00 GMT", 0],
    ["-1", undefined],
    ["1.5", undefined],
    ["2026", 2_026_000],
    ["", undefined],
    ["soon", undefined],
    [null, undefined],
  ])("returns for %j %s ms", (value, expected) => {
    // Act & Assess
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});
