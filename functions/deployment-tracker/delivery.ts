import type { Logger } from "@aws-lambda-powertools/logger";
import {
  DELIVERY_BACKOFF,
  DELIVERY_TIME_RESERVE_MS,
  IDEMPOTENCY_HEADER,
  MAX_LOGGED_RESPONSE_CHARS,
  RETRY_AFTER_STATUSES,
} from "./constants.js";
import { DeliveryFailedError, DeliveryRejectedError } from "./errors.js";
import type { DeploymentRecord } from "./types.js";

/** Backoff between attempts: `min × factor^(n-1)` after the n-th attempt, × random 1–2, capped at max. */
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
  /**
   * The milliseconds the invocation has left (Lambda's `context.getRemainingTimeInMillis`).
   * No attempt starts that could not end, with {@link DELIVERY_TIME_RESERVE_MS} to spare,
   * before then. @default - no deadline
   */
  readonly remainingTimeMs?: () => number;
  /** Waits between attempts. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default Math.random */
  readonly random?: () => number;
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
    /** How long the endpoint asked us to wait (`Retry-After`), if it did. */
    readonly retryAfterMs?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "RetryableAttemptError";
  }
}

/**
 * The wait a `Retry-After` header asks for, in milliseconds: delay-seconds or an
 * HTTP-date (RFC 9110 §10.2.3); a date in the past is no wait. Undefined when absent or
 * unreadable.
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP-date names its weekday; Date.parse would also take "1.5" or "2026".
  if (!/^[A-Za-z]{3},? /.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The backoff after the n-th failed attempt (1-based). */
function backoffDelay(attempt: number, backoff: Backoff, random: () => number): number {
  const jitter = 1 + random();
  const delay = Math.round(jitter * backoff.minDelayMs * backoff.factor ** (attempt - 1));
  return Math.min(delay, backoff.maxDelayMs);
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

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
 * exponential backoff and jitter on network errors, timeouts, 408, 429 and 5xx. A 429 or
 * 503 with `Retry-After` is retried after that delay, or after the backoff when that is
 * longer. When the next attempt would not end before the invocation's deadline, delivery
 * stops at once, so the invocation fails cleanly and Lambda retries the event later.
 *
 * @throws {DeliveryRejectedError} on any other non-2xx status (not retried).
 * @throws {DeliveryFailedError} when every attempt failed, or the time left ran out.
 */
export async function deliver(
  record: DeploymentRecord,
  options: DeliveryOptions,
): Promise<DeliveryResult> {
  const { url, logger } = options;
  const doFetch = options.fetch ?? globalThis.fetch;
  const backoff = options.backoff ?? DELIVERY_BACKOFF;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
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
      throw new RetryableAttemptError(reason, undefined, undefined, { cause: error });
    }
    if (response.status >= 200 && response.status < 300) {
      await response.body?.cancel().catch(() => undefined);
      return { status: response.status, attempts };
    }
    const snippet = await readSnippet(response, options.apiKey);
    if (isRetryableStatus(response.status)) {
      const retryAfterMs = (RETRY_AFTER_STATUSES as readonly number[]).includes(response.status)
        ? parseRetryAfter(response.headers.get("retry-after"))
        : undefined;
      throw new RetryableAttemptError(
        `endpoint answered HTTP ${response.status}`,
        response.status,
        retryAfterMs,
      );
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

  const failed = (reason: string, cause: unknown) =>
    new DeliveryFailedError(
      `Delivery to ${url.origin}${url.pathname} failed after ${attempts} attempt(s): ${reason}`,
      attempts,
      { cause },
    );
  const maxAttempts = Math.max(1, options.maxAttempts);
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof RetryableAttemptError)) throw error;
      const retriesLeft = maxAttempts - attempts;
      logger.warn("Delivery attempt failed", {
        attempt: attempts,
        retriesLeft,
        reason: error.message,
        ...(error.status !== undefined && { httpStatus: error.status }),
        ...(error.retryAfterMs !== undefined && { retryAfterMs: error.retryAfterMs }),
      });
      if (retriesLeft <= 0) throw failed(error.message, error);
      // Never sooner than the backoff, nor than the endpoint asked.
      const waitMs = Math.max(backoffDelay(attempts, backoff, random), error.retryAfterMs ?? 0);
      const leftMs = options.remainingTimeMs?.();
      if (leftMs !== undefined && waitMs + options.timeoutMs + DELIVERY_TIME_RESERVE_MS > leftMs) {
        throw failed(
          `${error.message}; the next attempt, in ${waitMs} ms, would not end within the ${leftMs} ms the invocation has left`,
          error,
        );
      }
      await sleep(waitMs);
    }
  }
}
