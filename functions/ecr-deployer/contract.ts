/**
 * The contract between the ecr-deployer and what deploys and operates it (its construct,
 * the module's variables, the CLI): environment variable names, defaults and accepted
 * values, the event it acts on, its name suffix. Dependency-free, so the construct and
 * the CLI import it without pulling in the function's code; nothing else spells these.
 */
import { DEFAULT_NAME_PREFIX } from "../shared/contract.js";

/** What the module appends to `name_prefix` for the deployer's function (and its rule). */
export const NAME_SUFFIX = "ecr-deployer";

/**
 * What the module appends to the deployer's function name for the rollout function, which
 * consumes the rollout queue; the queue is `<rollout function name>.fifo`, its DLQ
 * `<rollout function name>-dlq.fifo` (SQS requires the `.fifo` suffix on FIFO queues).
 */
export const ROLLOUT_SUFFIX = "-rollout";

/** The suffix every FIFO queue name ends with. */
export const FIFO_QUEUE_SUFFIX = ".fifo";

/** The handlers in the deployer's zip: the push handler plans, the rollout handler applies. */
export const Handler = {
  PUSH: "index.handler",
  ROLLOUT: "index.rolloutHandler",
} as const;

/** What the module appends to `/<name_prefix>` for the image parameters' path. */
export const IMAGE_PARAMETER_PATH_SUFFIX = "/images";

/** Names of the environment variables the construct sets. */
export const EnvVar = {
  ALLOWED_CLUSTERS: "ALLOWED_CLUSTERS",
  ALLOWED_REGIONS: "ALLOWED_REGIONS",
  OPT_IN_TAG_KEY: "OPT_IN_TAG_KEY",
  DEFAULT_TAG_PATTERN: "DEFAULT_TAG_PATTERN",
  IMAGE_PIN: "IMAGE_PIN",
  DRY_RUN: "DRY_RUN",
  /** `true`: after a rollout, write each image to the parameter of every service that asks. */
  PUBLISH_IMAGES: "PUBLISH_IMAGES",
  /** The path the image parameters live under: `/<name_prefix>/images`. */
  IMAGE_PARAMETER_PATH: "IMAGE_PARAMETER_PATH",
  /** The push handler: URL of the FIFO queue it puts one work item per new revision on. */
  ROLLOUT_QUEUE_URL: "ROLLOUT_QUEUE_URL",
  /** Share (0 < share <= 1) of each ECS token bucket the deployer's calls may use. */
  QUOTA_SHARE: "QUOTA_SHARE",
} as const;

/** How the new image is written into the task definition (`IMAGE_PIN`). */
export const ImagePin = {
  /** `registry/repo:tag@sha256:…` — readable and immutable. */
  TAG_AND_DIGEST: "tag-and-digest",
  /** `registry/repo@sha256:…` */
  DIGEST: "digest",
  /** `registry/repo:tag` — ECS resolves the tag at deploy time. */
  TAG: "tag",
} as const;

/** The `IMAGE_PIN` values, in the order the docs list them. */
export const IMAGE_PIN_MODES = [ImagePin.TAG_AND_DIGEST, ImagePin.DIGEST, ImagePin.TAG] as const;

/** Defaults for unset variables. */
export const Defaults = {
  /** The service tag whose value is the image-tag pattern a service follows. */
  OPT_IN_TAG_KEY: "ecs-deployments:follow",
  /** No default pattern: only tagged services are rolled. */
  DEFAULT_TAG_PATTERN: "",
  IMAGE_PIN: ImagePin.TAG_AND_DIGEST,
  DRY_RUN: false,
  PUBLISH_IMAGES: false,
  /** Half of each bucket: at least half of the sustained rate is left to other callers. */
  QUOTA_SHARE: 0.5,
  /** The `IMAGE_PARAMETER_PATH` of the default `name_prefix`. */
  IMAGE_PARAMETER_PATH: imageParameterPath(DEFAULT_NAME_PREFIX),
  /** Powertools service name when `POWERTOOLS_SERVICE_NAME` is unset. */
  SERVICE_NAME: "ecr-deployer",
} as const;

/** Limits of the opt-in tag key (ECS tag keys). */
export const OptInTagKey = {
  MAX_LENGTH: 128,
  /** Keys with this prefix (any case) are reserved by AWS. */
  RESERVED_PREFIX: "aws:",
} as const;

/** The EventBridge event this function acts on (native ECR events, not CloudTrail). */
export const EcrEvent = {
  SOURCE: "aws.ecr",
  IMAGE_ACTION: "ECR Image Action",
} as const;

/** Values of `detail.action-type` and `detail.result` of an `ECR Image Action` event. */
export const ImageAction = {
  PUSH: "PUSH",
  DELETE: "DELETE",
  SUCCESS: "SUCCESS",
  FAILURE: "FAILURE",
} as const;

/**
 * Publishing the deployed image: a service asks for it with this tag (when the module's
 * `PUBLISH_IMAGES` is on). Its value is `true`, for the parameter of each followed
 * container at `<IMAGE_PARAMETER_PATH>/<cluster>/<service>/<container>`, or the full
 * name of one parameter under `IMAGE_PARAMETER_PATH` (every followed container of the
 * service then runs the same image). `false` or no tag: nothing is published.
 */
export const PublishTag = {
  KEY: "ecs-deployments:publish",
  /** The value that asks for the parameters at the conventional names. */
  AT_CONVENTIONAL_NAMES: "true",
  /** The value that asks for nothing (same as no tag). */
  OFF: "false",
} as const;

/** The `IMAGE_PARAMETER_PATH` of a `name_prefix`: `/<name_prefix>/images`. */
export function imageParameterPath(namePrefix: string): string {
  return `/${namePrefix}${IMAGE_PARAMETER_PATH_SUFFIX}`;
}

/** The conventional parameter of a container: `<path>/<cluster>/<service>/<container>`. */
export function imageParameterName(
  path: string,
  cluster: string,
  service: string,
  container: string,
): string {
  return `${path}/${cluster}/${service}/${container}`;
}

/** SSM parameter names (the API's naming constraints). */
export const ParameterName = {
  /** A hierarchical name: `/`-separated levels of letters, digits, `_`, `.` and `-`. */
  PATTERN: /^(\/[a-zA-Z0-9_.-]+)+$/,
  /** Most levels of a name. */
  MAX_LEVELS: 15,
  /** Names may not start with these (any case). */
  RESERVED_PREFIX: /^\/?(aws|ssm)/i,
  /** Most characters of the parameter's ARN (`arn:aws:ssm:<region>:<account>:parameter` and the name). */
  MAX_ARN_LENGTH: 1011,
  /** Levels the conventional name adds to the path (cluster, service, container). */
  CONVENTION_LEVELS: 3,
} as const;

/**
 * The CloudWatch metrics the deployer's functions emit (embedded metric format, so no
 * `cloudwatch:PutMetricData` permission is needed).
 */
export const Metric = {
  NAMESPACE: "ecs-deployments",
  /** Opted-in services whose task definition could not be read during a push. */
  UNREADABLE_TASK_DEFINITIONS: "UnreadableTaskDefinitions",
  /**
   * The one dimension of every metric: the function's Powertools service name
   * (`POWERTOOLS_SERVICE_NAME`), the dimension Powertools Metrics always adds.
   */
  SERVICE_DIMENSION: "service",
} as const;

/**
 * The tag the rollout puts on each revision it registers, valued with the work item's id,
 * so that a redelivered item finds the revision an interrupted attempt registered and
 * reuses it instead of registering another.
 */
export const RolloutItemTag = {
  KEY: "ecs-deployments:rollout-item",
} as const;

/** The `kind` of a rollout work item's JSON body (how the CLI recognises one). */
export const WORK_ITEM_KIND = "ecs-deployments/rollout-item";
