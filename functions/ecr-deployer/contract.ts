/**
 * The contract between the ecr-deployer and what deploys and operates it (its construct,
 * the module's variables, the CLI): environment variable names, defaults and accepted
 * values, the event it acts on, its name suffix. Dependency-free, so the construct and
 * the CLI import it without pulling in the function's code; nothing else spells these.
 */

/** What the module appends to `name_prefix` for the deployer's function (and its rule). */
export const NAME_SUFFIX = "ecr-deployer";

/** Names of the environment variables the construct sets. */
export const EnvVar = {
  ALLOWED_CLUSTERS: "ALLOWED_CLUSTERS",
  ALLOWED_REGIONS: "ALLOWED_REGIONS",
  OPT_IN_TAG_KEY: "OPT_IN_TAG_KEY",
  DEFAULT_TAG_PATTERN: "DEFAULT_TAG_PATTERN",
  IMAGE_PIN: "IMAGE_PIN",
  DRY_RUN: "DRY_RUN",
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
