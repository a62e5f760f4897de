import { Defaults, EnvVar, ImagePin } from "./constants.js";
import { ConfigurationError } from "./errors.js";
import { isValidTagPattern } from "./pattern.js";
import type { DeployerConfig, ImagePinMode } from "./types.js";

const CLUSTER_NAME = /^[A-Za-z0-9_-]{1,255}$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d$/;
const PIN_MODES: readonly string[] = Object.values(ImagePin);
const BOOLEANS = ["true", "false"] as const;

/**
 * Reads the configuration from the environment, once, at init.
 *
 * @throws {ConfigurationError} naming the variable when a value is invalid.
 */
export function readConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): DeployerConfig {
  const allowedClusters = list(env, EnvVar.ALLOWED_CLUSTERS);
  for (const cluster of allowedClusters) {
    if (!CLUSTER_NAME.test(cluster)) {
      throw new ConfigurationError(
        `Environment variable ${EnvVar.ALLOWED_CLUSTERS} must be a comma-separated list of cluster names, got "${cluster}"`,
      );
    }
  }
  const allowedRegions = list(env, EnvVar.ALLOWED_REGIONS);
  for (const region of allowedRegions) {
    if (!REGION.test(region)) {
      throw new ConfigurationError(
        `Environment variable ${EnvVar.ALLOWED_REGIONS} must be a comma-separated list of regions, got "${region}"`,
      );
    }
  }
  const optInTagKey = value(env, EnvVar.OPT_IN_TAG_KEY) ?? Defaults.OPT_IN_TAG_KEY;
  if (optInTagKey.length > 128 || /^aws:/i.test(optInTagKey)) {
    throw new ConfigurationError(
      `Environment variable ${EnvVar.OPT_IN_TAG_KEY} must be a tag key of at most 128 characters not starting with "aws:", got "${optInTagKey}"`,
    );
  }
  const defaultTagPattern = value(env, EnvVar.DEFAULT_TAG_PATTERN);
  if (defaultTagPattern !== undefined && !isValidTagPattern(defaultTagPattern)) {
    throw new ConfigurationError(
      `Environment variable ${EnvVar.DEFAULT_TAG_PATTERN} must be a tag pattern such as "v*" or "main-* latest", got "${defaultTagPattern}"`,
    );
  }
  const imagePin = value(env, EnvVar.IMAGE_PIN) ?? Defaults.IMAGE_PIN;
  if (!PIN_MODES.includes(imagePin)) {
    throw new ConfigurationError(
      `Environment variable ${EnvVar.IMAGE_PIN} must be one of ${PIN_MODES.join(", ")}, got "${imagePin}"`,
    );
  }
  const dryRun = (value(env, EnvVar.DRY_RUN) ?? "false").toLowerCase();
  if (!(BOOLEANS as readonly string[]).includes(dryRun)) {
    throw new ConfigurationError(
      `Environment variable ${EnvVar.DRY_RUN} must be one of true, false, got "${dryRun}"`,
    );
  }
  return {
    allowedClusters,
    allowedRegions,
    optInTagKey,
    ...(defaultTagPattern !== undefined && { defaultTagPattern }),
    imagePin: imagePin as ImagePinMode,
    dryRun: dryRun === "true",
  };
}

/** A trimmed value; undefined when unset or blank. */
function value(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
): string | undefined {
  const raw = env[name]?.trim();
  return raw === undefined || raw === "" ? undefined : raw;
}

function list(env: Readonly<Record<string, string | undefined>>, name: string): string[] {
  const raw = value(env, name);
  if (raw === undefined) return [];
  return [
    ...new Set(
      raw
        .split(",")
        .map((item) => item.trim())
        .filter((item) => item !== ""),
    ),
  ];
}
