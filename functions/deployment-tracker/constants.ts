/** `runtime` of every record (the original CloudFormation tracker's value). */
export const RUNTIME = "ecs";

/** Prefix of ECS deployment ids (`ecs-svc/1234567890123456789`). */
export const DEPLOYMENT_ID_PREFIX = "ecs-svc/";

/** Attempts per AWS call, the first included (the SDK's adaptive retry strategy: `retryOptions`). */
export const AWS_MAX_ATTEMPTS = 5;

/** Page size of ListServiceDeployments (the API maximum); one page is read. */
export const SERVICE_DEPLOYMENTS_PAGE_SIZE = 100;

/** Most image ids one ECR BatchGetImage call accepts. */
export const ECR_BATCH_LIMIT = 100;

/** Backoff between delivery attempts: exponential with jitter (each delay × a random 1–2). */
export const DELIVERY_BACKOFF = { minDelayMs: 500, maxDelayMs: 8_000, factor: 2 } as const;

/** HTTP statuses whose `Retry-After` header is honoured (RFC 9110 §10.2.3). */
export const RETRY_AFTER_STATUSES = [429, 503] as const;

/**
 * Time kept back at the end of an invocation: no delivery attempt starts unless it can
 * end (its timeout) this long before the deadline, so the failure is logged and returned.
 */
export const DELIVERY_TIME_RESERVE_MS = 1_000;

/** HTTP header that carries the per-event idempotency key. */
export const IDEMPOTENCY_HEADER = "Idempotency-Key";

/** At most this many characters of a receiver's error response are logged. */
export const MAX_LOGGED_RESPONSE_CHARS = 500;
