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
