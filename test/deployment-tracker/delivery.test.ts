import { Logger } from "@aws-lambda-powertools/logger";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { deliver, isRetryableStatus } from "../../functions/deployment-tracker/delivery.js";
import {
  DeliveryFailedError,
  DeliveryRejectedError,
} from "../../functions/deployment-tracker/errors.js";
import type { DeploymentRecord } from "../../functions/deployment-tracker/types.js";
import { API_KEY, captureLogs, ENDPOINT, fetchAnswering } from "./helpers.js";

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
