/**
 * The inputs of the published module, as data: one entry per Terraform variable, keyed
 * by the `EcsDeployments` prop it feeds (the prop in camelCase, the variable in
 * snake_case). Defaults come from the functions' contracts, validations from the shared
 * grammars; `declareVariable` renders an entry.
 */
import { Defaults as TrackerDefaults } from "../functions/deployment-tracker/contract.js";
import {
  Defaults as DeployerDefaults,
  IMAGE_PIN_MODES,
  OptInTagKey,
} from "../functions/ecr-deployer/contract.js";
import {
  DEFAULT_LOG_LEVEL,
  DEFAULT_NAME_PREFIX,
  LOG_LEVELS,
} from "../functions/shared/contract.js";
import { DEFAULT_RESERVED_CONCURRENCY } from "./ecr-deployer.js";
import { QueueFunctionDefaults, QueueFunctionLimits } from "./limits.js";
import { LINKED_ACCOUNTS_VARIABLES } from "./linked-accounts-variables.js";
import { Rule, type VariableSpec } from "./terraform.js";
import { DEFAULT_LOG_RETENTION_DAYS, LOG_RETENTION_DAYS, PATTERNS } from "./validation.js";

export const MODULE_VARIABLES = {
  // ---- module-wide
  namePrefix: {
    name: "name_prefix",
    type: "string",
    description: "The prefix of every resource name (functions, roles, rules, queues, secret).",
    default: DEFAULT_NAME_PREFIX,
    validation: [
      {
        condition: Rule.matches(PATTERNS.namePrefix),
        errorMessage: "The name_prefix must be 1-32 characters of letters, digits, '-' and '_'.",
      },
    ],
  },
  regions: {
    name: "regions",
    type: "list(string)",
    description:
      "List of further regions whose ECS and ECR events are handled. Their events are forwarded to the home region (the provider's); the functions may act in these regions and the home region only.",
    default: [],
    validation: [
      {
        condition: Rule.eachMatches("r", PATTERNS.region),
        errorMessage: "Each entry of regions must be an AWS region name such as eu-west-1.",
      },
    ],
  },
  kmsKeyArn: {
    name: "kms_key_arn",
    type: "string",
    description:
      "The ARN of a customer KMS key for the secret, the DLQs and the log groups. Its key policy must allow Lambda, EventBridge and CloudWatch Logs to use it. Null uses AWS-managed keys.",
    default: null,
    validation: [
      {
        condition: Rule.nullOrMatches(PATTERNS.kmsKeyArn),
        errorMessage:
          "The kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>) or null.",
      },
    ],
  },
  logRetentionInDays: {
    name: "log_retention_in_days",
    type: "number",
    description: "The number of days CloudWatch keeps the functions' logs.",
    default: DEFAULT_LOG_RETENTION_DAYS,
    validation: [
      {
        condition: Rule.oneOf(LOG_RETENTION_DAYS),
        errorMessage: `The log_retention_in_days must be one of CloudWatch's values: ${LOG_RETENTION_DAYS.join(", ")}.`,
      },
    ],
  },
  logLevel: {
    name: "log_level",
    type: "string",
    description: "The functions' log level: DEBUG, INFO, WARN or ERROR.",
    default: DEFAULT_LOG_LEVEL,
    validation: [
      {
        condition: Rule.oneOf(LOG_LEVELS),
        errorMessage: `The log_level must be one of ${LOG_LEVELS.join(", ")}.`,
      },
    ],
  },
  createAlarms: {
    name: "create_alarms",
    type: "bool",
    description:
      "Whether to create CloudWatch alarms on function errors, on messages waiting in the DLQs, on rollout items waiting longer than deployer_rollout_age_alarm_seconds, and on opted-in services whose task definition the deployer cannot read.",
    default: false,
  },
  alarmActions: {
    name: "alarm_actions",
    type: "list(string)",
    description: "List of ARNs (e.g. SNS topics) notified when an alarm fires.",
    default: [],
  },
  tags: {
    name: "tags",
    type: "map(string)",
    description: "Map of tags added to every resource.",
    default: {},
  },

  // ---- deployment tracker
  createTracker: {
    name: "create_tracker",
    type: "bool",
    description: "Whether to create the deployment tracker.",
    default: true,
  },
  trackerEndpointUrl: {
    name: "tracker_endpoint_url",
    type: "string",
    description: "The HTTPS endpoint that receives one record per finished ECS deployment.",
    default: TrackerDefaults.ENDPOINT_URL,
    validation: [
      {
        condition: Rule.matches(PATTERNS.https),
        errorMessage:
          "The tracker_endpoint_url must be an https:// URL: the API key travels with every request.",
      },
    ],
  },
  trackerApiKeyHeader: {
    name: "tracker_api_key_header",
    type: "string",
    description: "The HTTP header that carries the API key.",
    default: TrackerDefaults.API_KEY_HEADER,
    validation: [
      {
        condition: Rule.matches(PATTERNS.headerName),
        errorMessage:
          "The tracker_api_key_header must be an HTTP header name (letters, digits and '-').",
      },
    ],
  },
  trackerTrackFailedDeployments: {
    name: "tracker_track_failed_deployments",
    type: "bool",
    description:
      "Whether failed deployments (circuit-breaker rollbacks) are recorded too, with status FAILED.",
    default: false,
  },
  createApiKeySecret: {
    name: "create_api_key_secret",
    type: "bool",
    description:
      "Whether to create the Secrets Manager secret for the API key. When false, api_key_secret_arn names an existing one.",
    default: true,
  },
  apiKeySecretArn: {
    name: "api_key_secret_arn",
    type: "string",
    description:
      "The ARN of an existing Secrets Manager secret that holds the API key (used when create_api_key_secret is false).",
    default: null,
    validation: [
      {
        condition: Rule.nullOrMatches(PATTERNS.secretArn),
        errorMessage: "The api_key_secret_arn must be a Secrets Manager secret ARN or null.",
      },
      {
        condition: (ref) => `!var.create_tracker || var.create_api_key_secret || ${ref} != null`,
        errorMessage:
          "The api_key_secret_arn is required when create_tracker is true and create_api_key_secret is false.",
      },
    ],
  },
  apiKey: {
    name: "api_key",
    type: "string",
    description:
      "The API key, written to the created secret as a write-only value: it is not stored in Terraform state. Null leaves the secret empty for you to fill.",
    default: null,
    sensitive: true,
  },
  apiKeyVersion: {
    name: "api_key_version",
    type: "number",
    description: "The version of api_key; increase it to write a new api_key into the secret.",
    default: 1,
  },
  trackerEcrAccountIds: {
    name: "tracker_ecr_account_ids",
    type: "list(string)",
    description:
      "List of further AWS account IDs whose ECR repositories the tracker may read image digests from (the current account is always included).",
    default: [],
    validation: [
      {
        condition: Rule.eachMatches("a", PATTERNS.accountId),
        errorMessage: "Each entry of tracker_ecr_account_ids must be a 12-digit AWS account ID.",
      },
    ],
  },

  // ---- ECR deployer
  createDeployer: {
    name: "create_deployer",
    type: "bool",
    description: "Whether to create the ECR deployer.",
    default: true,
  },
  deployerAllowedClusters: {
    name: "deployer_allowed_clusters",
    type: "list(string)",
    description:
      "List of names of the ECS clusters whose services the deployer may update. Empty allows every cluster in the handled regions.",
    default: [],
    validation: [
      {
        condition: Rule.eachMatches("c", PATTERNS.clusterName),
        errorMessage:
          "Each entry of deployer_allowed_clusters must be a cluster name (letters, digits, '-', '_'), not an ARN.",
      },
    ],
  },
  deployerOptInTagKey: {
    name: "deployer_opt_in_tag_key",
    type: "string",
    description:
      "The ECS service tag key that opts a service in. Its value is the image-tag pattern the service follows; ECS tag values cannot hold * or ?, so + stands for any characters there (v+, main-+, latest), and several patterns are separated by spaces.",
    default: DeployerDefaults.OPT_IN_TAG_KEY,
    validation: [
      {
        condition: (ref) =>
          `${Rule.matches(PATTERNS.tagKey)(ref)} && !startswith(lower(${ref}), "${OptInTagKey.RESERVED_PREFIX}")`,
        errorMessage: `The deployer_opt_in_tag_key must be a valid tag key (1-${OptInTagKey.MAX_LENGTH} characters of letters, digits, spaces and _.:/=+-@) that does not start with ${OptInTagKey.RESERVED_PREFIX}.`,
      },
    ],
  },
  deployerDefaultTagPattern: {
    name: "deployer_default_tag_pattern",
    type: "string",
    description:
      "The image-tag pattern followed by services without the opt-in tag (* and + match any characters, ? one; several patterns separated by spaces or commas). Empty means only tagged services are deployed.",
    default: DeployerDefaults.DEFAULT_TAG_PATTERN,
    validation: [
      {
        condition: Rule.matches(PATTERNS.tagPatterns),
        errorMessage:
          "The deployer_default_tag_pattern may hold only tag characters (letters, digits, _ . -), the wildcards * ? +, and spaces or commas between patterns.",
      },
    ],
  },
  deployerImagePin: {
    name: "deployer_image_pin",
    type: "string",
    description:
      "The way a new revision references the pushed image: tag-and-digest (repo:tag@sha256:...), digest (repo@sha256:...) or tag (repo:tag; not idempotent: a re-delivered push redeploys).",
    default: DeployerDefaults.IMAGE_PIN,
    validation: [
      {
        condition: Rule.oneOf(IMAGE_PIN_MODES),
        errorMessage: `The deployer_image_pin must be one of ${IMAGE_PIN_MODES.join(", ")}.`,
      },
    ],
  },
  deployerDryRun: {
    name: "deployer_dry_run",
    type: "bool",
    description: "Whether the deployer only logs what it would do and changes nothing.",
    default: DeployerDefaults.DRY_RUN,
  },
  deployerPublishImages: {
    name: "deployer_publish_images",
    type: "bool",
    description:
      "Whether the deployer writes each image it rolled out to an SSM String parameter, for the services tagged ecs-deployments:publish: true for /<name_prefix>/images/<cluster>/<service>/<container>, or the name of one parameter under /<name_prefix>/images/. The services' own Terraform can then read the image from it (see docs/beside-terraform.md).",
    default: DeployerDefaults.PUBLISH_IMAGES,
    validation: [
      {
        // null would reach the function's environment and the policy's count as no value.
        condition: (ref) => `${ref} != null`,
        errorMessage: "The deployer_publish_images must be true or false, not null.",
      },
    ],
  },
  deployerPassableRoleArns: {
    name: "deployer_passable_role_arns",
    type: "list(string)",
    description:
      "List of ARNs of the task and execution roles the deployer may pass to ECS when it registers a new revision. A task definition that uses another role cannot be rolled.",
    default: [],
    validation: [
      {
        condition: Rule.eachMatches("r", PATTERNS.roleArn),
        errorMessage:
          "Each entry of deployer_passable_role_arns must be an IAM role ARN (arn:aws:iam::<account>:role/<name>).",
      },
    ],
  },
  deployerReservedConcurrency: {
    name: "deployer_reserved_concurrency",
    type: "number",
    description: `The reserved concurrency of the deployer's push function. ${DEFAULT_RESERVED_CONCURRENCY} (the default) plans one push at a time; null leaves it unreserved, for accounts whose Lambda concurrency quota is too small to reserve any. The rollout function is not reserved: deployer_rollout_maximum_concurrency bounds it.`,
    default: DEFAULT_RESERVED_CONCURRENCY,
    nullable: true,
    validation: [
      {
        condition: (ref) => `${ref} == null || try(${ref} >= 1 && floor(${ref}) == ${ref}, false)`,
        errorMessage:
          "The deployer_reserved_concurrency must be null or a whole number of at least 1.",
      },
    ],
  },
  deployerQuotaShare: {
    name: "deployer_quota_share",
    type: "number",
    description:
      "The share (greater than 0, at most 1) of each ECS token bucket of an account and region (shared by every caller) that the deployer's calls may use, in burst and sustained rate; the rest is left to your CI, Terraform and other tools. The deployer slows down further when throttled.",
    default: DeployerDefaults.QUOTA_SHARE,
    validation: [
      {
        condition: (ref) => `try(${ref} > 0 && ${ref} <= 1, false)`,
        errorMessage: "The deployer_quota_share must be a number greater than 0 and at most 1.",
      },
    ],
  },
  deployerRolloutTimeout: {
    name: "deployer_rollout_timeout",
    type: "number",
    description: `The timeout of the rollout function, in seconds (${range(QueueFunctionLimits.TIMEOUT)}). The rollout queue's visibility timeout is six times it.`,
    default: QueueFunctionDefaults.TIMEOUT,
    validation: [wholeNumberIn("deployer_rollout_timeout", QueueFunctionLimits.TIMEOUT)],
  },
  deployerRolloutBatchSize: {
    name: "deployer_rollout_batch_size",
    type: "number",
    description: `The most rollout items (one per new task-definition revision) one invocation of the rollout function gets (${range(QueueFunctionLimits.BATCH_SIZE)}).`,
    default: QueueFunctionDefaults.BATCH_SIZE,
    validation: [wholeNumberIn("deployer_rollout_batch_size", QueueFunctionLimits.BATCH_SIZE)],
  },
  deployerRolloutMaximumConcurrency: {
    name: "deployer_rollout_maximum_concurrency",
    type: "number",
    description: `The most concurrent invocations of the rollout function (${range(QueueFunctionLimits.MAXIMUM_CONCURRENCY)}). Items of one account and region are applied one batch at a time, so this bounds how many account and region pairs roll out at once.`,
    default: QueueFunctionDefaults.MAXIMUM_CONCURRENCY,
    validation: [
      wholeNumberIn(
        "deployer_rollout_maximum_concurrency",
        QueueFunctionLimits.MAXIMUM_CONCURRENCY,
      ),
    ],
  },
  deployerRolloutMaxReceiveCount: {
    name: "deployer_rollout_max_receive_count",
    type: "number",
    description: `The receives of a rollout item (${range(QueueFunctionLimits.MAX_RECEIVE_COUNT)}) before SQS moves it to the rollout DLQ; an attempt that was throttled or ran out of time counts too.`,
    default: QueueFunctionDefaults.MAX_RECEIVE_COUNT,
    validation: [
      wholeNumberIn("deployer_rollout_max_receive_count", QueueFunctionLimits.MAX_RECEIVE_COUNT),
    ],
  },
  deployerRolloutAgeAlarmSeconds: {
    name: "deployer_rollout_age_alarm_seconds",
    type: "number",
    description: `The age in seconds (${range(QueueFunctionLimits.AGE_ALARM_SECONDS)}) of the oldest waiting rollout item above which the rollout queue's alarm fires (when create_alarms is true).`,
    default: QueueFunctionDefaults.AGE_ALARM_SECONDS,
    validation: [
      wholeNumberIn("deployer_rollout_age_alarm_seconds", QueueFunctionLimits.AGE_ALARM_SECONDS),
    ],
  },

  // ---- linked workload accounts (modules/workload-account)
  ...LINKED_ACCOUNTS_VARIABLES,
} as const satisfies Record<string, VariableSpec>;

/** A limit as text: `1-10`. */
function range([min, max]: readonly [number, number]): string {
  return `${min}-${max}`;
}

/** The rule of a whole number within inclusive limits; null and fractions fail it. */
function wholeNumberIn(name: string, [min, max]: readonly [number, number]) {
  return {
    condition: Rule.wholeNumberIn(min, max),
    errorMessage: `The ${name} must be a whole number from ${min} to ${max}.`,
  };
}

/** The prop each module variable feeds. */
export type ModuleVariableProp = keyof typeof MODULE_VARIABLES;
