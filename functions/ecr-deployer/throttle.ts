import { Throttle } from "./constants.js";

/** Waits for the given number of milliseconds (injectable so tests do not wait). */
export type Sleep = (ms: number) => Promise<void>;

/** The real sleep. */
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Spaces calls out to a sustained rate. */
export interface Pacer {
  /** Resolves when the next call may be made. */
  wait(): Promise<void>;
}

/**
 * Creates a pacer that lets at most `perSecond` calls through per second, evenly spaced.
 * Kept at module scope, it also paces across warm invocations (the ECS quotas are per
 * account and region, not per invocation).
 */
export function createPacer(
  perSecond: number,
  sleep: Sleep = realSleep,
  now: () => number = Date.now,
): Pacer {
  const interval = 1000 / perSecond;
  let next = 0;
  return {
    async wait() {
      const current = now();
      const at = Math.max(current, next);
      next = at + interval;
      if (at > current) await sleep(at - current);
    },
  };
}

const THROTTLING_NAMES = new Set([
  "ThrottlingException",
  "Throttling",
  "ThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
]);

/** Whether an AWS error means "slow down". */
export function isThrottling(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { name, message, $retryable } = error as {
    name?: unknown;
    message?: unknown;
    $retryable?: { throttling?: boolean };
  };
  return (
    (typeof name === "string" && THROTTLING_NAMES.has(name)) ||
    $retryable?.throttling === true ||
    (typeof message === "string" && /rate exceeded/i.test(message))
  );
}

/** Options of {@link retryOnThrottle}. */
export interface RetryOptions {
  readonly sleep?: Sleep;
  /** @default Throttle.RETRY_ATTEMPTS */
  readonly attempts?: number;
  readonly random?: () => number;
}

/**
 * Calls `fn`, and when it is throttled (after the SDK's own adaptive retries), waits with
 * exponential backoff and full jitter and calls it again. Other errors are thrown at once.
 */
export async function retryOnThrottle<T>(
  fn: () => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const sleep = options.sleep ?? realSleep;
  const attempts = options.attempts ?? Throttle.RETRY_ATTEMPTS;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!isThrottling(error) || attempt >= attempts) throw error;
      const ceiling = Math.min(
        Throttle.RETRY_MAX_DELAY_MS,
        Throttle.RETRY_BASE_DELAY_MS * 2 ** (attempt - 1),
      );
      await sleep(Math.round(random() * ceiling));
    }
  }
}
