import { AdaptiveRetryStrategy } from "@smithy/core/retry";

/**
 * Returns a function that gives one client per region, created on first use and then
 * reused, so connections and credentials are shared across invocations.
 *
 * @example
 * const ecsIn = regionalClients((region) => new ECSClient({ region }));
 * await ecsIn("eu-west-1").send(...);
 */
export function regionalClients<Client>(
  create: (region: string) => Client,
): (region: string) => Client {
  const cache = new Map<string, Client>();
  return (region: string): Client => {
    let client = cache.get(region);
    if (client === undefined) {
      client = create(region);
      cache.set(region, client);
    }
    return client;
  };
}

/**
 * What can replace the SDK's waiting between attempts: its jittered exponential
 * `backoff`, and the `rateLimiter` that slows the client down once it was throttled.
 * Tests replace both to run fast; attempts and classification stay the SDK's.
 */
export type RetryTiming = Pick<
  NonNullable<ConstructorParameters<typeof AdaptiveRetryStrategy>[1]>,
  "backoff" | "rateLimiter"
>;

/** The retry options of an AWS SDK client: see {@link retryOptions}. */
export interface RetryOptions {
  readonly maxAttempts: number;
  readonly retryStrategy: AdaptiveRetryStrategy;
}

/**
 * The one retry layer of every AWS call: the SDK's adaptive retry strategy (exponential
 * backoff with jitter, throttling backoff from 1 s, and client-side rate limiting once a
 * call was throttled), `maxAttempts` attempts in total, the first included. It retries
 * throttling and transient errors only; access denied and other refusals go back to the
 * caller at once. Nothing around the client retries again.
 *
 * @param timing - replaces the SDK's waiting (tests use none, to run fast).
 */
export function retryOptions(maxAttempts: number, timing?: RetryTiming): RetryOptions {
  return { maxAttempts, retryStrategy: new AdaptiveRetryStrategy(maxAttempts, timing) };
}
