import type { Logger } from "@aws-lambda-powertools/logger";
import pRetry from "p-retry";
import { DELIVERY_BACKOFF, IDEMPOTENCY_HEADER, MAX_LOGGED_RESPONSE_CHARS } from "./constants.js";
import { DeliveryFailedError, DeliveryRejectedError } from "./errors.js";
import type { DeploymentRecord } from "./types.js";

/** Backoff between attempts (p-retry: `min × factor^n`, × random 1–2, capped at max). */
export interface Backoff {
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  readonly factor: number;
}

/** Options of {@link deliver}. */
export interface DeliveryOptions {
  readonly url: URL;
  readonly apiKey: string;
  readonly apiKeyHeader: string;
  readonly idempotencyKey: string;
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  readonly logger: Logger;
  /** @default DELIVERY_BACKOFF */
  readonly backoff?: Backoff;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

/** Outcome of a successful delivery. */
export interface DeliveryResult {
  readonly status: number;
  readonly attempts: number;
}

/** A failed attempt worth another try (network error, timeout, 408, 429, 5xx). */
class RetryableAttemptError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "RetryableAttemptError";
  }
}

/** Whether an HTTP status is worth another attempt. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

async function readSnippet(response: Response, apiKey: string): Promise<string> {
  try {
    const text = (await response.text()).slice(0, MAX_LOGGED_RESPONSE_CHARS);
    return apiKey ? text.split(apiKey).join("[redacted]") : text;
  } catch {
    return "";
  }
}

/**
 * POSTs the record as JSON with the API key and an `Idempotency-Key` header (the same on
 * every attempt and every Lambda retry), a timeout per attempt, and retries with
 * exponential backoff and jitter on network errors, timeouts, 408, 429 and 5xx.
 *
 * @throws {DeliveryRejectedError} on any other non-2xx status (not retried).
 * @throws {DeliveryFailedError} when every attempt failed.
 */
export async function deliver(
  record: DeploymentRecord,
  options: DeliveryOptions,
): Promise<DeliveryResult> {
  const { url, logger } = options;
  const doFetch = options.fetch ?? globalThis.fetch;
  const backoff = options.backoff ?? DELIVERY_BACKOFF;
  const body = JSON.stringify(record);
  let attempts = 0;

  const attempt = async (): Promise<DeliveryResult> => {
    attempts += 1;
    let response: Response;
    try {
      response = await doFetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          [options.apiKeyHeader]: options.apiKey,
          [IDEMPOTENCY_HEADER]: options.idempotencyKey,
        },
        body,
        // A redirect would resend the API key elsewhere and turn POST into GET: refuse it.
        redirect: "manual",
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      const name = (error as Error)?.name;
      const reason =
        name === "TimeoutError" || name === "AbortError"
          ? `timed out after ${options.timeoutMs} ms`
          : `network error: ${String(((error as Error)?.cause as Error | undefined)?.message ?? (error as Error)?.message)}`;
      throw new RetryableAttemptError(reason, undefined, { cause: error });
    }
    if (response.status >= 200 && response.status < 300) {
      await response.body?.cancel().catch(() => undefined);
      return { status: response.status, attempts };
    }
    const snippet = await readSnippet(response, options.apiKey);
    if (isRetryableStatus(response.status)) {
      throw new RetryableAttemptError(`endpoint answered HTTP ${response.status}`, response.status);
    }
    logger.error("Endpoint rejected the record", {
      httpStatus: response.status,
      response: snippet,
    });
    throw new DeliveryRejectedError(
      `Endpoint ${url.origin}${url.pathname} rejected the record with HTTP ${response.status}`,
      response.status,
    );
  };

  try {
    return await pRetry(attempt, {
      retries: Math.max(0, options.maxAttempts - 1),
      minTimeout: backoff.minDelayMs,
      maxTimeout: backoff.maxDelayMs,
      factor: backoff.factor,
      randomize: true,
      shouldRetry: ({ error }) => error instanceof RetryableAttemptError,
      onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
        if (error instanceof RetryableAttemptError) {
          logger.warn("Delivery attempt failed", {
            attempt: attemptNumber,
            retriesLeft,
            reason: error.message,
            ...(error.status !== undefined && { httpStatus: error.status }),
          });
        }
      },
    });
  } catch (error) {
    if (error instanceof DeliveryRejectedError) throw error;
    throw new DeliveryFailedError(
      `Delivery to ${url.origin}${url.pathname} failed after ${attempts} attempt(s): ${(error as Error)?.message}`,
      attempts,
      { cause: error },
    );
  }
}
