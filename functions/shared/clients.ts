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

/** How the SDK waits between attempts (the SDK's jittered exponential backoff by default). */
export type RetryBackoff = NonNullable<
  NonNullable<ConstructorParameters<typeof AdaptiveRetryStrategy>[1]>["backoff"]
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
 * @param backoff - replaces the SDK's backoff delays (tests use none, to run fast).
 */
export function retryOptions(maxAttempts: number, backoff?: RetryBackoff): RetryOptions {
  return {
    maxAttempts,
    retryStrategy: new AdaptiveRetryStrategy(maxAttempts, backoff ? { backoff } : undefined),
  };
}
