/** Page and batch sizes of the AWS APIs we call. */
export const ApiLimits = {
  LIST_CLUSTERS_PAGE: 100,
  LIST_SERVICES_PAGE: 100,
  DESCRIBE_SERVICES_BATCH: 10,
  DESCRIBE_IMAGES_BATCH: 100,
  /** Concurrent DescribeTaskDefinition calls. */
  DESCRIBE_TASK_DEFINITION_CONCURRENCY: 5,
} as const;

/**
 * Sustained request rates we keep to (ECS quotas: RegisterTaskDefinition 1/s,
 * UpdateService 5/s per account and region), and retry settings.
 */
export const Throttle = {
  REGISTER_TASK_DEFINITION_PER_SECOND: 1,
  UPDATE_SERVICE_PER_SECOND: 5,
  /** SDK attempts per call (adaptive retry mode). */
  SDK_MAX_ATTEMPTS: 6,
  /** Extra attempts of our own when the SDK gives up on throttling. */
  RETRY_ATTEMPTS: 4,
  RETRY_BASE_DELAY_MS: 1000,
  RETRY_MAX_DELAY_MS: 20_000,
} as const;

/** Deployment controllers this function can roll (others are skipped). */
export const SUPPORTED_DEPLOYMENT_CONTROLLER = "ECS";

/** Why a service that follows the repository was left alone. */
export const SkipReason = {
  TAG_PATTERN_MISMATCH: "tag-pattern-mismatch",
  DEPLOYMENT_CONTROLLER: "unsupported-deployment-controller",
  NOT_ACTIVE: "service-not-active",
  NO_MATCHING_CONTAINER: "no-matching-container",
  ALREADY_CURRENT: "already-on-pushed-image",
  NEWER_IMAGE_RUNNING: "newer-image-running",
} as const;

/** Why a whole event was a no-op. */
export const IgnoreReason = {
  OTHER_DETAIL_TYPE: "not-an-image-action",
  NOT_A_PUSH: "not-a-push",
  NOT_SUCCESSFUL: "push-not-successful",
  UNTAGGED: "untagged-push",
  REGION_NOT_ALLOWED: "region-not-allowed",
} as const;
