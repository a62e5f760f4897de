import { isThrottlingError } from "../shared/aws-errors.js";
import { ECS_BUCKET_OF_COMMAND, type EcsBucket, EcsBuckets, Pacing } from "./constants.js";

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

/** What a {@link QuotaPacer} is built from: a bucket, the share of it, and how fast time runs. */
export interface QuotaPacerOptions {
  /** The ECS bucket (burst and sustained per second). */
  readonly bucket: EcsBucket;
  /** Share (0 < share <= 1) of the bucket this pacer may use. */
  readonly share: number;
  /**
   * How much faster than real time the bucket refills (tests run ECS's seconds faster).
   * @default 1
   */
  readonly timeScale?: number;
  /** @default Pacing (constants.ts) */
  readonly slowdown?: number;
  readonly minFactor?: number;
  readonly recoveryPerCall?: number;
  readonly jitter?: number;
  /** Uniform in [0, 1). @default Math.random */
  readonly random?: () => number;
  /** @default realSleep */
  readonly sleep?: Sleep;
  /** Milliseconds of a clock. @default Date.now */
  readonly now?: () => number;
}

/**
 * A token bucket at a share of an ECS bucket (burst and sustained), that slows down when
 * ECS throttles its calls anyway and recovers slowly while they are accepted.
 */
export interface QuotaPacer extends Pacer {
  /** A call drawn from this bucket was throttled: halve the rate, forget the burst. */
  throttled(): void;
  /** A call was accepted: recover a little towards the full share. */
  accepted(): void;
  /** The current sustained rate, calls per second of real time. */
  rate(): number;
  /** Milliseconds until `calls` more calls may go out at the current rate. */
  delayFor(calls: number): number;
}

/** Creates a {@link QuotaPacer}; kept at module scope it paces across warm invocations. */
export function createQuotaPacer(options: QuotaPacerOptions): QuotaPacer {
  const {
    bucket,
    share,
    timeScale = 1,
    slowdown = Pacing.SLOWDOWN,
    minFactor = Pacing.MIN_FACTOR,
    recoveryPerCall = Pacing.RECOVERY_PER_CALL,
    jitter = Pacing.JITTER,
    random = Math.random,
    sleep = realSleep,
    now = Date.now,
  } = options;
  if (!(share > 0 && share <= 1)) throw new RangeError(`share must be in (0, 1], got ${share}`);
  if (!(timeScale > 0)) throw new RangeError(`timeScale must be > 0, got ${timeScale}`);
  if (!(jitter >= 0 && jitter < 1)) throw new RangeError(`jitter must be in [0, 1), got ${jitter}`);
  const capacity = Math.max(1, Math.floor(bucket.burst * share));
  const fullRate = bucket.perSecond * share * timeScale;
  let factor = 1;
  let tokens = capacity;
  let updatedAt = now();
  const rate = () => fullRate * factor;
  const refill = () => {
    const at = now();
    tokens = Math.min(capacity, tokens + ((at - updatedAt) / 1000) * rate());
    updatedAt = at;
  };
  return {
    async wait() {
      refill();
      // Take the token now (possibly into debt) so concurrent callers queue behind each other.
      tokens -= 1;
      if (tokens >= 0) return;
      // Past the burst, a call costs 1 ± jitter tokens (1 on average): the waits vary.
      tokens -= jitter * (2 * random() - 1);
      await sleep((Math.max(0, -tokens) / rate()) * 1000);
    },
    throttled() {
      refill();
      factor = Math.max(minFactor, factor * slowdown);
      // ECS's bucket is empty: whatever burst this pacer thinks it has is not there.
      tokens = Math.min(tokens, 0);
    },
    accepted() {
      refill();
      factor = Math.min(1, factor + recoveryPerCall);
    },
    rate,
    delayFor(calls) {
      refill();
      const missing = calls - Math.max(0, tokens);
      return missing <= 0 ? 0 : (missing / rate()) * 1000;
    },
  };
}

/** One {@link QuotaPacer} per ECS bucket, for one account and region. */
export type BucketPacers = Readonly<Record<keyof typeof EcsBuckets, QuotaPacer>>;

/** Pacers at `share` of each of ECS's buckets. */
export function createBucketPacers(
  share: number,
  options: Omit<QuotaPacerOptions, "bucket" | "share"> = {},
): BucketPacers {
  const pacers = {} as Record<keyof typeof EcsBuckets, QuotaPacer>;
  for (const [name, bucket] of Object.entries(EcsBuckets)) {
    pacers[name as keyof typeof EcsBuckets] = createQuotaPacer({ ...options, bucket, share });
  }
  return pacers;
}

/** The part of an SDK client a pacing middleware is added to. */
interface MiddlewareClient {
  readonly middlewareStack: {
    addRelativeTo(
      middleware: (
        next: (args: unknown) => Promise<unknown>,
        context: { commandName?: string },
      ) => (args: unknown) => Promise<unknown>,
      options: { relation: "after"; toMiddleware: string; name: string },
    ): void;
  };
}

/**
 * Paces every attempt of a client's ECS calls, retries included, through the pacer of the
 * call's bucket, and tells the pacer whether ECS accepted or throttled it. It sits inside
 * the SDK's retry middleware, which stays the only layer that retries.
 */
export function withBucketPacing<Client>(client: Client, pacers: BucketPacers): Client {
  (client as unknown as MiddlewareClient).middlewareStack.addRelativeTo(
    (next, context) => async (args) => {
      const bucket =
        context.commandName === undefined ? undefined : ECS_BUCKET_OF_COMMAND[context.commandName];
      const pacer = bucket === undefined ? undefined : pacers[bucket];
      if (pacer === undefined) return next(args);
      await pacer.wait();
      try {
        const result = await next(args);
        pacer.accepted();
        return result;
      } catch (error) {
        if (isThrottlingError(error)) pacer.throttled();
        throw error;
      }
    },
    { relation: "after", toMiddleware: "retryMiddleware", name: "ecsBucketPacing" },
  );
  return client;
}
