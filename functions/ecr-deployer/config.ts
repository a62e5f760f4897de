import { parseLinkedAccounts } from "../shared/accounts.js";
import { LINKED_ACCOUNTS_ENV_VAR, PowertoolsEnvVar } from "../shared/contract.js";
import { type Env, envReader } from "../shared/env.js";
import { CLUSTER_NAME, REGION } from "../shared/grammar.js";
import { Defaults, EnvVar, IMAGE_PIN_MODES, OptInTagKey, ParameterName } from "./contract.js";
import { ConfigurationError } from "./errors.js";
import { isValidTagPattern } from "./pattern.js";
import type { DeployerConfig } from "./types.js";

/**
 * Reads the configuration from the environment: the one entry point, called once at init.
 *
 * @throws {ConfigurationError} naming the variable when a value is invalid.
 */
export function loadConfig(env: Env = process.env): DeployerConfig {
  const read = envReader(env, (message) => new ConfigurationError(message));
  const allowedClusters = read.list(EnvVar.ALLOWED_CLUSTERS);
  for (const cluster of allowedClusters) {
    if (!CLUSTER_NAME.test(cluster)) {
      throw new ConfigurationError(
        `Environment variable ${EnvVar.ALLOWED_CLUSTERS} must be a comma-separated list of cluster names, got "${cluster}"`,
      );
    }
  }
  const allowedRegions = read.list(EnvVar.ALLOWED_REGIONS);
  for (const region of allowedRegions) {
    if (!REGION.test(region)) {
      throw new ConfigurationError(
        `Environment variable ${EnvVar.ALLOWED_REGIONS} must be a comma-separated list of regions, got "${region}"`,
      );
    }
  }
  const optInTagKey = read.optional(EnvVar.OPT_IN_TAG_KEY) ?? Defaults.OPT_IN_TAG_KEY;
  if (
    optInTagKey.length > OptInTagKey.MAX_LENGTH ||
    optInTagKey.toLowerCase().startsWith(OptInTagKey.RESERVED_PREFIX)
  ) {
    throw new ConfigurationError(
      `Environment variable ${EnvVar.OPT_IN_TAG_KEY} must be a tag key of at most ${OptInTagKey.MAX_LENGTH} characters not starting with "${OptInTagKey.RESERVED_PREFIX}", got "${optInTagKey}"`,
    );
  }
  const defaultTagPattern = read.optional(EnvVar.DEFAULT_TAG_PATTERN);
  if (defaultTagPattern !== undefined && !isValidTagPattern(defaultTagPattern)) {
    throw new ConfigurationError(
      `Environment variable ${EnvVar.DEFAULT_TAG_PATTERN} must be a tag pattern such as "v*" or "main-* latest", got "${defaultTagPattern}"`,
    );
  }
  const imageParameterPath =
    read.optional(EnvVar.IMAGE_PARAMETER_PATH) ?? Defaults.IMAGE_PARAMETER_PATH;
  const pathLevels = imageParameterPath.split("/").length - 1;
  if (
    !ParameterName.PATTERN.test(imageParameterPath) ||
    ParameterName.RESERVED_PREFIX.test(imageParameterPath) ||
    pathLevels + ParameterName.CONVENTION_LEVELS > ParameterName.MAX_LEVELS
  ) {
    throw new ConfigurationError(
      `Environment variable ${EnvVar.IMAGE_PARAMETER_PATH} must be a parameter path such as "/ecs-deployments/images" (levels of letters, digits, "_", "." or "-", at most ${ParameterName.MAX_LEVELS - ParameterName.CONVENTION_LEVELS}, not starting with "aws" or "ssm"), got "${imageParameterPath}"`,
    );
  }
  const rawShare = read.optional(EnvVar.QUOTA_SHARE);
  const quotaShare = rawShare === undefined ? Defaults.QUOTA_SHARE : Number(rawShare);
  if (!(Number.isFinite(quotaShare) && quotaShare > 0 && quotaShare <= 1)) {
    throw new ConfigurationError(
      `Environment variable ${EnvVar.QUOTA_SHARE} must be a number greater than 0 and at most 1 (the share of each ECS quota the deployer may use), got "${rawShare}"`,
    );
  }
  const rolloutQueueUrl = read.optional(EnvVar.ROLLOUT_QUEUE_URL);
  if (rolloutQueueUrl !== undefined && !/^https?:\/\/\S+$/.test(rolloutQueueUrl)) {
    throw new ConfigurationError(
      `Environment variable ${EnvVar.ROLLOUT_QUEUE_URL} must be the URL of the rollout queue (https://sqs.<region>.amazonaws.com/<account>/<name>.fifo), got "${rolloutQueueUrl}"`,
    );
  }
  const linkedAccounts = parseLinkedAccounts(
    read.optional(LINKED_ACCOUNTS_ENV_VAR),
    (message) => new ConfigurationError(message),
  );
  return {
    allowedClusters,
    allowedRegions,
    optInTagKey,
    ...(defaultTagPattern !== undefined && { defaultTagPattern }),
    imagePin: read.oneOf(EnvVar.IMAGE_PIN, IMAGE_PIN_MODES, Defaults.IMAGE_PIN),
    dryRun: read.boolean(EnvVar.DRY_RUN, Defaults.DRY_RUN),
    publishImages: read.boolean(EnvVar.PUBLISH_IMAGES, Defaults.PUBLISH_IMAGES),
    imageParameterPath,
    quotaShare,
    ...(rolloutQueueUrl !== undefined && { rolloutQueueUrl }),
    ...(linkedAccounts.size > 0 && { linkedAccounts }),
    serviceName: read.optional(PowertoolsEnvVar.SERVICE_NAME) ?? Defaults.SERVICE_NAME,
  };
}
