/**
 * Validation of construct props known at synth time. Unresolved tokens (Terraform
 * expressions) are skipped: the module's variable validations check those at plan time.
 */
import { Token } from "cdktf";
import { IMAGE_PIN_MODES, OptInTagKey } from "../functions/ecr-deployer/contract.js";
import { LOG_LEVELS, NAME_PREFIX } from "../functions/shared/contract.js";
import { ACCOUNT_ID, CLUSTER_NAME, IAM_ROLE_ARN, REGION } from "../functions/shared/grammar.js";
import { QueueFunctionLimits } from "./limits.js";

/** Raised when a construct prop is invalid; the message names the prop, the limit and the value. */
export class InvalidPropError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "InvalidPropError";
  }
}

function known(value: unknown): boolean {
  return value !== undefined && !Token.isUnresolved(value);
}

/** A whole number within [min, max], when known. */
function checkRange(name: string, value: number | undefined, min: number, max: number): void {
  if (!known(value)) return;
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    throw new InvalidPropError(
      `${name} must be a whole number from ${min} to ${max}, got ${value}`,
    );
  }
}

/** A whole number within one of {@link QueueFunctionLimits}, when known. */
function checkLimit(
  name: string,
  value: number | undefined,
  [min, max]: readonly [number, number],
): void {
  checkRange(name, value, min, max);
}

/** A share of a quota: a number greater than 0 and at most 1, when known. */
function checkShare(name: string, value: number | undefined): void {
  if (!known(value)) return;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0 || value > 1) {
    throw new InvalidPropError(
      `${name} must be a number greater than 0 and at most 1, got ${JSON.stringify(value)}`,
    );
  }
}

/** One of a list of values, when known. */
function checkOneOf<T>(name: string, value: T | undefined, allowed: readonly T[]): void {
  if (!known(value)) return;
  if (!allowed.includes(value as T)) {
    throw new InvalidPropError(
      `${name} must be one of ${allowed.join(", ")}, got ${JSON.stringify(value)}`,
    );
  }
}

/** A string matching a pattern, when known; `what` says what it should look like. */
export function checkPattern(
  name: string,
  value: string | undefined,
  pattern: RegExp,
  what: string,
): void {
  if (!known(value)) return;
  if (!pattern.test(value as string)) {
    throw new InvalidPropError(`${name} must be ${what}, got ${JSON.stringify(value)}`);
  }
}

/** Every known entry of a list matching a pattern. */
export function checkEach(
  name: string,
  values: readonly string[] | undefined,
  pattern: RegExp,
  what: string,
): void {
  if (!known(values)) return;
  (values as readonly string[]).forEach((value, i) => {
    checkPattern(`${name}[${i}]`, value, pattern, what);
  });
}

/**
 * The grammars the constructs check literal props against and the module's variable
 * validations render (with `terraformRegex`): the shared AWS grammars, and the few only
 * deploying needs.
 */
export const PATTERNS = {
  namePrefix: NAME_PREFIX,
  region: REGION,
  clusterName: CLUSTER_NAME,
  roleArn: IAM_ROLE_ARN,
  accountId: ACCOUNT_ID,
  kmsKeyArn: /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/(mrk-)?[a-f0-9-]+$/,
  secretArn: /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/,
  https: /^https:\/\/[^\s/?#]+[^\s]*$/,
  headerName: /^[A-Za-z0-9-]{1,64}$/,
  /** An ECS tag key (the reserved `aws:` prefix is checked apart). */
  tagKey: new RegExp(`^[\\w.:/=+@ -]{1,${OptInTagKey.MAX_LENGTH}}$`),
  /** Image-tag patterns: tag characters, the wildcards `* ? +`, spaces or commas between. */
  tagPatterns: /^[\w.*?+, -]{0,256}$/,
  // Room for the longest suffix we add ("-deployment-tracker-forward" fits in 64).
  functionName: /^[A-Za-z0-9_-]{1,56}$/,
} as const;

/** The retention values CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;

/** How long CloudWatch keeps the functions' logs when nothing is said. */
export const DEFAULT_LOG_RETENTION_DAYS = 30;

const A_REGION = "an AWS region such as eu-west-1";

/** The checks of the props every function construct takes alike: its regions and log level. */
function checkFunctionConstructProps(props: {
  readonly regions?: readonly string[];
  readonly logLevel?: string;
}): void {
  checkEach("regions", props.regions, PATTERNS.region, A_REGION);
  checkOneOf("logLevel", props.logLevel, LOG_LEVELS);
}

/** The checks of `EventDrivenFunction`'s props. */
export function checkEventDrivenFunctionProps(props: {
  readonly functionName: string;
  readonly timeout?: number;
  readonly memorySize?: number;
  readonly reservedConcurrentExecutions?: number;
  readonly logRetentionInDays?: number;
  readonly maximumRetryAttempts?: number;
  readonly maximumEventAgeInSeconds?: number;
  readonly forwarding?: { readonly regions: readonly string[] };
}): void {
  checkPattern(
    "functionName",
    props.functionName,
    PATTERNS.functionName,
    "1-56 letters, digits, '-' or '_'",
  );
  checkRange("timeout", props.timeout, 1, 900);
  checkRange("memorySize", props.memorySize, 128, 10_240);
  checkRange("reservedConcurrentExecutions", props.reservedConcurrentExecutions, -1, 10_000);
  checkOneOf("logRetentionInDays", props.logRetentionInDays, LOG_RETENTION_DAYS);
  checkRange("maximumRetryAttempts", props.maximumRetryAttempts, 0, 2);
  checkRange("maximumEventAgeInSeconds", props.maximumEventAgeInSeconds, 60, 21_600);
  checkEach("forwarding.regions", props.forwarding?.regions, PATTERNS.region, A_REGION);
}

/** The checks of `FifoQueueFunction`'s props. */
export function checkFifoQueueFunctionProps(props: {
  readonly functionName: string;
  readonly timeout?: number;
  readonly memorySize?: number;
  readonly batchSize?: number;
  readonly maximumConcurrency?: number;
  readonly maxReceiveCount?: number;
  readonly ageAlarmSeconds?: number;
  readonly logRetentionInDays?: number;
}): void {
  checkPattern(
    "functionName",
    props.functionName,
    PATTERNS.functionName,
    "1-56 letters, digits, '-' or '_'",
  );
  const L = QueueFunctionLimits;
  checkLimit("timeout", props.timeout, L.TIMEOUT);
  checkLimit("memorySize", props.memorySize, L.MEMORY_SIZE);
  checkLimit("batchSize", props.batchSize, L.BATCH_SIZE);
  checkLimit("maximumConcurrency", props.maximumConcurrency, L.MAXIMUM_CONCURRENCY);
  checkLimit("maxReceiveCount", props.maxReceiveCount, L.MAX_RECEIVE_COUNT);
  checkLimit("ageAlarmSeconds", props.ageAlarmSeconds, L.AGE_ALARM_SECONDS);
  checkOneOf("logRetentionInDays", props.logRetentionInDays, LOG_RETENTION_DAYS);
}

/** The checks of `DeploymentTracker`'s props. */
export function checkDeploymentTrackerProps(props: {
  readonly endpointUrl?: string;
  readonly apiKeyHeader?: string;
  readonly regions?: readonly string[];
  readonly logLevel?: string;
  readonly ecrAccountIds?: readonly string[];
  readonly enabled?: unknown;
  readonly createApiKeySecret?: unknown;
  readonly apiKeySecretArn?: string;
}): void {
  checkPattern(
    "endpointUrl",
    props.endpointUrl,
    PATTERNS.https,
    "an https:// URL (the API key travels with every request)",
  );
  checkPattern("apiKeyHeader", props.apiKeyHeader, PATTERNS.headerName, "an HTTP header name");
  checkFunctionConstructProps(props);
  checkEach("ecrAccountIds", props.ecrAccountIds, PATTERNS.accountId, "a 12-digit AWS account ID");
  const off = props.enabled === false;
  if (!off && props.createApiKeySecret === false && props.apiKeySecretArn === undefined) {
    throw new InvalidPropError("apiKeySecretArn is required when createApiKeySecret is false");
  }
}

/** The checks of `EcrDeployer`'s props. */
export function checkEcrDeployerProps(props: {
  readonly allowedClusters?: readonly string[];
  readonly passableRoleArns?: readonly string[];
  readonly regions?: readonly string[];
  readonly logLevel?: string;
  readonly imagePin?: string;
  readonly quotaShare?: number;
  readonly rolloutTimeout?: number;
  readonly rolloutBatchSize?: number;
  readonly rolloutMaximumConcurrency?: number;
  readonly rolloutMaxReceiveCount?: number;
  readonly rolloutAgeAlarmSeconds?: number;
}): void {
  checkEach(
    "allowedClusters",
    props.allowedClusters,
    PATTERNS.clusterName,
    "a cluster name, not an ARN",
  );
  checkEach("passableRoleArns", props.passableRoleArns, PATTERNS.roleArn, "an IAM role ARN");
  checkFunctionConstructProps(props);
  checkOneOf("imagePin", props.imagePin, IMAGE_PIN_MODES);
  checkShare("quotaShare", props.quotaShare);
  const L = QueueFunctionLimits;
  checkLimit("rolloutTimeout", props.rolloutTimeout, L.TIMEOUT);
  checkLimit("rolloutBatchSize", props.rolloutBatchSize, L.BATCH_SIZE);
  checkLimit("rolloutMaximumConcurrency", props.rolloutMaximumConcurrency, L.MAXIMUM_CONCURRENCY);
  checkLimit("rolloutMaxReceiveCount", props.rolloutMaxReceiveCount, L.MAX_RECEIVE_COUNT);
  checkLimit("rolloutAgeAlarmSeconds", props.rolloutAgeAlarmSeconds, L.AGE_ALARM_SECONDS);
}

/** The checks of `EcsDeployments`' props: the literal ones, by the module's rules. */
export function checkEcsDeploymentsProps(props: {
  readonly namePrefix?: string;
  readonly regions?: readonly string[];
  readonly kmsKeyArn?: string;
  readonly logRetentionInDays?: number;
  readonly logLevel?: string;
  readonly createTracker?: unknown;
  readonly trackerEndpointUrl?: string;
  readonly trackerApiKeyHeader?: string;
  readonly createApiKeySecret?: unknown;
  readonly apiKeySecretArn?: string;
  readonly trackerEcrAccountIds?: readonly string[];
  readonly deployerAllowedClusters?: readonly string[];
  readonly deployerOptInTagKey?: string;
  readonly deployerDefaultTagPattern?: string;
  readonly deployerImagePin?: string;
  readonly deployerPassableRoleArns?: readonly string[];
  readonly deployerReservedConcurrency?: number | null;
  readonly deployerQuotaShare?: number;
  readonly deployerRolloutTimeout?: number;
  readonly deployerRolloutBatchSize?: number;
  readonly deployerRolloutMaximumConcurrency?: number;
  readonly deployerRolloutMaxReceiveCount?: number;
  readonly deployerRolloutAgeAlarmSeconds?: number;
}): void {
  checkPattern(
    "namePrefix",
    props.namePrefix,
    PATTERNS.namePrefix,
    "1-32 letters, digits, '-' or '_'",
  );
  checkEach("regions", props.regions, PATTERNS.region, A_REGION);
  checkPattern(
    "kmsKeyArn",
    props.kmsKeyArn,
    PATTERNS.kmsKeyArn,
    "a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)",
  );
  checkOneOf("logRetentionInDays", props.logRetentionInDays, LOG_RETENTION_DAYS);
  checkOneOf("logLevel", props.logLevel, LOG_LEVELS);
  checkPattern(
    "trackerEndpointUrl",
    props.trackerEndpointUrl,
    PATTERNS.https,
    "an https:// URL (the API key travels with every request)",
  );
  checkPattern(
    "trackerApiKeyHeader",
    props.trackerApiKeyHeader,
    PATTERNS.headerName,
    "an HTTP header name (1-64 letters, digits and '-')",
  );
  checkPattern(
    "apiKeySecretArn",
    props.apiKeySecretArn,
    PATTERNS.secretArn,
    "a Secrets Manager secret ARN",
  );
  if (
    props.createTracker !== false &&
    props.createApiKeySecret === false &&
    props.apiKeySecretArn === undefined
  ) {
    throw new InvalidPropError(
      "apiKeySecretArn is required when createTracker is true and createApiKeySecret is false",
    );
  }
  checkEach(
    "trackerEcrAccountIds",
    props.trackerEcrAccountIds,
    PATTERNS.accountId,
    "a 12-digit AWS account ID",
  );
  checkEach(
    "deployerAllowedClusters",
    props.deployerAllowedClusters,
    PATTERNS.clusterName,
    "a cluster name (letters, digits, '-', '_'), not an ARN",
  );
  const tagKey = props.deployerOptInTagKey;
  checkPattern(
    "deployerOptInTagKey",
    tagKey,
    PATTERNS.tagKey,
    `a tag key (1-${OptInTagKey.MAX_LENGTH} letters, digits, spaces and _.:/=+-@)`,
  );
  if (known(tagKey) && (tagKey as string).toLowerCase().startsWith(OptInTagKey.RESERVED_PREFIX)) {
    throw new InvalidPropError(
      `deployerOptInTagKey must not start with ${OptInTagKey.RESERVED_PREFIX} (reserved by AWS), got ${JSON.stringify(tagKey)}`,
    );
  }
  checkPattern(
    "deployerDefaultTagPattern",
    props.deployerDefaultTagPattern,
    PATTERNS.tagPatterns,
    "at most 256 tag characters (letters, digits, _ . -), wildcards * ? + and spaces or commas",
  );
  checkOneOf("deployerImagePin", props.deployerImagePin, IMAGE_PIN_MODES);
  checkEach(
    "deployerPassableRoleArns",
    props.deployerPassableRoleArns,
    PATTERNS.roleArn,
    "an IAM role ARN (arn:aws:iam::<account>:role/<name>)",
  );
  const reserved = props.deployerReservedConcurrency;
  if (reserved !== null && known(reserved)) {
    if (!Number.isInteger(reserved) || (reserved as number) < 1) {
      throw new InvalidPropError(
        `deployerReservedConcurrency must be null or a whole number of at least 1, got ${reserved}`,
      );
    }
  }
  checkShare("deployerQuotaShare", props.deployerQuotaShare);
  const L = QueueFunctionLimits;
  checkLimit("deployerRolloutTimeout", props.deployerRolloutTimeout, L.TIMEOUT);
  checkLimit("deployerRolloutBatchSize", props.deployerRolloutBatchSize, L.BATCH_SIZE);
  checkLimit(
    "deployerRolloutMaximumConcurrency",
    props.deployerRolloutMaximumConcurrency,
    L.MAXIMUM_CONCURRENCY,
  );
  checkLimit(
    "deployerRolloutMaxReceiveCount",
    props.deployerRolloutMaxReceiveCount,
    L.MAX_RECEIVE_COUNT,
  );
  checkLimit(
    "deployerRolloutAgeAlarmSeconds",
    props.deployerRolloutAgeAlarmSeconds,
    L.AGE_ALARM_SECONDS,
  );
}
