/** The endpoint records are POSTed to when the module's `endpoint_url` is left at its default. */
export const DEFAULT_ENDPOINT_URL = "https://app.cardinalhq.io/_/chip/workloads";

/** Names of the environment variables the Terraform module sets. */
export const ENV = {
  endpointUrl: "ENDPOINT_URL",
  allowInsecureLoopbackEndpoint: "ALLOW_INSECURE_LOOPBACK_ENDPOINT",
  apiKeySecretArn: "API_KEY_SECRET_ARN",
  apiKeyHeader: "API_KEY_HEADER",
  requestTimeoutMs: "REQUEST_TIMEOUT_MS",
  deliveryMaxAttempts: "DELIVERY_MAX_ATTEMPTS",
  secretCacheTtlSeconds: "SECRET_CACHE_TTL_SECONDS",
} as const;

/** Defaults for the optional environment variables, with their accepted ranges. */
export const DEFAULTS = {
  apiKeyHeader: "x-cardinalhq-api-key",
  requestTimeoutMs: { value: 10_000, min: 100, max: 300_000 },
  deliveryMaxAttempts: { value: 4, min: 1, max: 10 },
  secretCacheTtlSeconds: { value: 300, min: 0, max: 86_400 },
} as const;

/** The EventBridge event this function handles. */
export const TRACKED_EVENT = {
  source: "aws.ecs",
  detailType: "ECS Deployment State Change",
} as const;

/** `detail.eventName` values of `ECS Deployment State Change` events. */
export const DEPLOYMENT_EVENT_NAME = {
  inProgress: "SERVICE_DEPLOYMENT_IN_PROGRESS",
  completed: "SERVICE_DEPLOYMENT_COMPLETED",
  failed: "SERVICE_DEPLOYMENT_FAILED",
} as const;

/** The event names that produce a record, with the status written to `properties.status`. */
export const RECORDED_STATUS = {
  SERVICE_DEPLOYMENT_COMPLETED: "COMPLETED",
  SERVICE_DEPLOYMENT_FAILED: "FAILED",
} as const;

/** `runtime` of every record (the seed's value). */
export const RUNTIME = "ecs";

/** Prefix of ECS deployment ids (`ecs-svc/1234567890123456789`). */
export const DEPLOYMENT_ID_PREFIX = "ecs-svc/";

/** Retry settings of the AWS SDK clients (attempts per call, adaptive client-side rate limiting). */
export const AWS_CLIENT_RETRY = { maxAttempts: 5, retryMode: "adaptive" } as const;

/** Page size of ListServiceDeployments (the API maximum); one page is read. */
export const SERVICE_DEPLOYMENTS_PAGE_SIZE = 100;

/** Most image ids one ECR BatchGetImage call accepts. */
export const ECR_BATCH_LIMIT = 100;

/** Backoff between delivery attempts: exponential with jitter (each delay × a random 1–2). */
export const DELIVERY_BACKOFF = { minDelayMs: 500, maxDelayMs: 8_000, factor: 2 } as const;

/** HTTP header that carries the per-event idempotency key. */
export const IDEMPOTENCY_HEADER = "Idempotency-Key";

/** At most this many characters of a receiver's error response are logged. */
export const MAX_LOGGED_RESPONSE_CHARS = 500;
