/** Page and batch sizes of the AWS APIs we call. */
export const ApiLimits = {
  LIST_CLUSTERS_PAGE: 100,
  LIST_SERVICES_PAGE: 100,
  DESCRIBE_SERVICES_BATCH: 10,
  DESCRIBE_IMAGES_BATCH: 100,
  /**
   * Concurrent DescribeServices calls of one cluster: the reads are paced anyway, and one
   * after another a cluster of 1,000 services waits for 100 round trips.
   */
  DESCRIBE_SERVICES_CONCURRENCY: 5,
  /** Concurrent DescribeTaskDefinition calls (paced: enough to keep to the pace when ECS is slow). */
  DESCRIBE_TASK_DEFINITION_CONCURRENCY: 10,
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

/** One ECS token bucket: its burst (capacity) and sustained refill per second. */
export interface EcsBucket {
  readonly burst: number;
  readonly perSecond: number;
}

/**
 * ECS's documented token buckets per account and region ("Request throttling for the
 * Amazon ECS API"), shared by every caller; the deployer uses `QUOTA_SHARE` of each.
 */
export const EcsBuckets = {
  TASK_DEFINITION_MODIFY: { burst: 20, perSecond: 1 },
  TASK_DEFINITION_READ: { burst: 50, perSecond: 20 },
  SERVICE_MODIFY: { burst: 50, perSecond: 5 },
  SERVICE_READ: { burst: 100, perSecond: 20 },
} as const satisfies Record<string, EcsBucket>;

/** The bucket each ECS call of the deployer draws from (calls not listed are not paced). */
export const ECS_BUCKET_OF_COMMAND: Readonly<Record<string, keyof typeof EcsBuckets>> = {
  RegisterTaskDefinitionCommand: "TASK_DEFINITION_MODIFY",
  DescribeTaskDefinitionCommand: "TASK_DEFINITION_READ",
  ListTaskDefinitionsCommand: "TASK_DEFINITION_READ",
  UpdateServiceCommand: "SERVICE_MODIFY",
  DescribeServicesCommand: "SERVICE_READ",
  ListServicesCommand: "SERVICE_READ",
};

/**
 * How the pacer slows down when ECS throttles it anyway (another caller took the tokens):
 * the rate is multiplied by `SLOWDOWN` on each throttled call, never below `MIN_FACTOR` of
 * the share, and recovers by `RECOVERY_PER_CALL` of the share per accepted call.
 */
export const Pacing = {
  SLOWDOWN: 0.5,
  MIN_FACTOR: 1 / 16,
  RECOVERY_PER_CALL: 0.02,
  /**
   * Each paced wait is this fraction longer or shorter at random (the mean rate is kept):
   * evenly spaced calls fall into step with another caller's and always take the token
   * just before it, so the other caller is throttled and this pacer never learns to slow down.
   */
  JITTER: 0.3,
} as const;

/** Bounds of one work item on the rollout queue. */
export const WorkItemLimits = {
  /** Bytes of one message body (SQS allows 262,144; room for attributes and the batch). */
  MAX_BODY_BYTES: 240_000,
  /** Services per item: bounds the time one item takes (updates at the paced rate). */
  MAX_SERVICES: 100,
  /** SendMessageBatch takes at most 10 messages. */
  SEND_BATCH: 10,
  /** Revisions newer than the base that are looked at for an orphaned one. */
  ORPHAN_LOOKUP_REVISIONS: 5,
} as const;

/**
 * How the rollout handler hands an item back (ChangeMessageVisibility): a throttled item
 * after `THROTTLED_BASE_SECONDS` doubled per receive, up to `MAX_SECONDS`; another retryable
 * failure after `FAILED_BASE_SECONDS` doubled; a failure no retry can fix after
 * `NOT_RETRYABLE_SECONDS`, so it reaches the DLQ quickly; an item not started, at once.
 */
export const Backoff = {
  THROTTLED_BASE_SECONDS: 30,
  FAILED_BASE_SECONDS: 10,
  NOT_RETRYABLE_SECONDS: 1,
  UNPROCESSED_SECONDS: 0,
  MAX_SECONDS: 900,
  /** Time kept free at the end of an invocation (ms): no item starts inside it. */
  SAFETY_MARGIN_MS: 10_000,
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
