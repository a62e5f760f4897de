/**
 * The contract between the deployment tracker and what deploys and operates it (its
 * construct, the module's variables, the CLI): environment variable names, defaults and
 * limits, the event it handles, its name suffix. Dependency-free, so the construct and
 * the CLI import it without pulling in the function's code; nothing else spells these.
 */

/** What the module appends to `name_prefix` for the tracker's function (and its rule). */
export const NAME_SUFFIX = "deployment-tracker";

/** Names of the environment variables the construct sets. */
export const EnvVar = {
  ENDPOINT_URL: "ENDPOINT_URL",
  /** `true` allows a plain-http endpoint on a loopback host (local tests and the demo). */
  ALLOW_INSECURE_LOOPBACK_ENDPOINT: "ALLOW_INSECURE_LOOPBACK_ENDPOINT",
  API_KEY_SECRET_ARN: "API_KEY_SECRET_ARN",
  API_KEY_HEADER: "API_KEY_HEADER",
  REQUEST_TIMEOUT_MS: "REQUEST_TIMEOUT_MS",
  DELIVERY_MAX_ATTEMPTS: "DELIVERY_MAX_ATTEMPTS",
  SECRET_CACHE_TTL_SECONDS: "SECRET_CACHE_TTL_SECONDS",
} as const;

/** Defaults for unset variables; integers with the bounds they must stay within. */
export const Defaults = {
  /** The original CloudFormation tracker's receiver: Cardinal's workloads API. */
  ENDPOINT_URL: "https://app.cardinalhq.io/_/chip/workloads",
  /** The original CloudFormation tracker's API key header. */
  API_KEY_HEADER: "x-cardinalhq-api-key",
  REQUEST_TIMEOUT_MS: { value: 10_000, min: 100, max: 300_000 },
  DELIVERY_MAX_ATTEMPTS: { value: 4, min: 1, max: 10 },
  SECRET_CACHE_TTL_SECONDS: { value: 300, min: 0, max: 86_400 },
  /** Powertools service name when `POWERTOOLS_SERVICE_NAME` is unset. */
  SERVICE_NAME: "deployment-tracker",
} as const;

/** The EventBridge event the tracker handles. */
export const TrackedEvent = {
  SOURCE: "aws.ecs",
  DETAIL_TYPE: "ECS Deployment State Change",
} as const;

/** `detail.eventName` values of finished deployments. */
export const DeploymentEventName = {
  COMPLETED: "SERVICE_DEPLOYMENT_COMPLETED",
  FAILED: "SERVICE_DEPLOYMENT_FAILED",
} as const;

/** The event names that produce a record, with the status written to `properties.status`. */
export const RecordedStatus = {
  [DeploymentEventName.COMPLETED]: "COMPLETED",
  [DeploymentEventName.FAILED]: "FAILED",
} as const;
