/** Process exit codes of the CLI. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
} as const;

/** The name of the tool, as users type it. */
export const TOOL = "ecs-deployments";

/** The module's default `name_prefix`. */
export const DEFAULT_NAME_PREFIX = "ecs-deployments";

/** What the module appends to `name_prefix` for each function (rules carry the same names). */
export const FUNCTION_SUFFIX = {
  tracker: "deployment-tracker",
  deployer: "ecr-deployer",
} as const;

/** What the module appends to a function's name for its DLQ. */
export const DLQ_SUFFIX = "-dlq";

/** Environment variables of the tracker that doctor checks. */
export const TRACKER_ENV = {
  endpointUrl: "ENDPOINT_URL",
  apiKeySecretArn: "API_KEY_SECRET_ARN",
} as const;

/** The EventBridge event the tracker handles. */
export const DEPLOYMENT_EVENT = {
  source: "aws.ecs",
  detailType: "ECS Deployment State Change",
} as const;

/** `detail.eventType` and `detail.eventName` for each status test-event can send. */
export const DEPLOYMENT_STATUS = {
  COMPLETED: { eventType: "INFO", eventName: "SERVICE_DEPLOYMENT_COMPLETED" },
  FAILED: { eventType: "ERROR", eventName: "SERVICE_DEPLOYMENT_FAILED" },
} as const;

/** Conditions of a Lambda on-failure invocation record that mean the event was not processed. */
export const FAILURE_CONDITIONS = ["RetriesExhausted", "EventAgeExceeded"] as const;

/** SQS settings of redrive. */
export const REDRIVE = {
  /** Most messages one ReceiveMessage returns (the SQS maximum). */
  batchSize: 10,
  /**
   * Seconds a received message stays hidden. Failed and skipped messages are made visible
   * again at the end of the run; this bounds how long they stay hidden if the run dies.
   */
  visibilityTimeoutSeconds: 900,
  /** Long-poll seconds: an empty answer then means the queue is really empty. */
  waitTimeSeconds: 1,
  /** Default bound on the messages one run reads. */
  defaultMax: 1000,
} as const;

/** Timeout of doctor's reachability request to the tracker's endpoint. */
export const PROBE_TIMEOUT_MS = 5_000;

/** Names accepted by `--name-prefix` (the module's validation of `name_prefix`). */
export const NAME_PREFIX_PATTERN = /^[a-zA-Z0-9_-]{1,32}$/;

/** AWS region names. */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d$/;
