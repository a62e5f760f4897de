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
 * The ECS quotas the pacers keep to (sustained calls per second, per account and region,
 * shared with every other caller), and the attempts of the one retry layer per call: the
 * SDK client's adaptive retry strategy (`retryOptions`). Nothing retries around it.
 */
export const Throttle = {
  REGISTER_TASK_DEFINITION_PER_SECOND: 1,
  UPDATE_SERVICE_PER_SECOND: 5,
  /** Describe and List calls: service reads and task-definition reads are 20/s each. */
  READ_PER_SECOND: 20,
  /**
   * GetParameter and PutParameter: Parameter Store's default throughput (40/s per account
   * and region) is shared with every reader of parameters; a quarter of it.
   */
  PARAMETER_PER_SECOND: 10,
  /** Attempts per AWS call, the first included. */
  MAX_ATTEMPTS: 5,
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
