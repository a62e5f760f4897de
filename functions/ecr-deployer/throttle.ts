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
 * account and region, not per invocation). Retries are the SDK client's (see
 * `retryOptions`); a pacer only spaces first attempts.
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
