/**
 * What the module promises both functions, and the CLI relies on: the Powertools
 * variables every function gets, the accepted log levels, and the names the module
 * derives from its `name_prefix`. Dependency-free: the constructs, the CLI and the
 * functions' bundles import it.
 *
 * Constants follow one dialect: a table of names is a PascalCase `as const` object with
 * UPPER_SNAKE keys; a single value (or a value shaped like an interface) is UPPER_SNAKE.
 */

/** Environment variables Powertools reads, set on every function. */
export const PowertoolsEnvVar = {
  SERVICE_NAME: "POWERTOOLS_SERVICE_NAME",
  LOG_LEVEL: "POWERTOOLS_LOG_LEVEL",
} as const;

/** The log levels the module accepts. */
export const LOG_LEVELS = ["DEBUG", "INFO", "WARN", "ERROR"] as const;

/** The log level when none is given. */
export const DEFAULT_LOG_LEVEL = "INFO";

/** The module's default `name_prefix`. */
export const DEFAULT_NAME_PREFIX = "ecs-deployments";

/** What the module appends to a function's name for its dead-letter queue. */
export const DLQ_SUFFIX = "-dlq";

/** A `name_prefix` (and the CLI's `--name-prefix`). */
export const NAME_PREFIX = /^[a-zA-Z0-9_-]{1,32}$/;

/**
 * The environment variable that lists the linked workload accounts, as JSON: an array of
 * objects with the keys of {@link LinkedAccountKey} (`functions/shared/accounts.ts` parses it).
 */
export const LINKED_ACCOUNTS_ENV_VAR = "LINKED_ACCOUNTS";

/** The keys of one linked account in {@link LINKED_ACCOUNTS_ENV_VAR}. */
export const LinkedAccountKey = {
  ID: "id",
  REGIONS: "regions",
  READ_ROLE_ARN: "read_role_arn",
  DEPLOY_ROLE_ARN: "deploy_role_arn",
  EXTERNAL_ID: "external_id",
} as const;

/** What the workload-account module appends to its `name_prefix` for the roles it creates. */
export const WorkloadRoleSuffix = {
  /** The role the tracker assumes to read services, task definitions and image digests. */
  READ: "-read",
  /** The role the deployer's functions assume to roll images out. */
  DEPLOY: "-deploy",
} as const;

/** What the workload-account module appends to its `name_prefix` for its forwarding rules. */
export const FORWARDING_RULE_SUFFIX = "-forward-deployments";
