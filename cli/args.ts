import { parseArgs } from "node:util";
import { DEFAULT_NAME_PREFIX, NAME_PREFIX } from "../functions/shared/contract.js";
import { ACCOUNT_ID, REGION } from "../functions/shared/grammar.js";
import { UsageError } from "./errors.js";
import type { GlobalOptions, OptionSpec } from "./types.js";

/** Options every command accepts, also before the command name. */
export const GLOBAL_OPTIONS = {
  region: { type: "string" },
  "name-prefix": { type: "string" },
  json: { type: "boolean" },
  debug: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "V" },
} as const satisfies OptionSpec;

/** The command line split into the command name and its remaining arguments. */
export interface SplitArgs {
  readonly command: string | undefined;
  readonly rest: readonly string[];
}

/**
 * Finds the command: the first argument that is neither an option nor the value of a
 * global option that takes one (`--region eu-west-1 doctor` works).
 */
export function splitCommand(argv: readonly string[]): SplitArgs {
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (token === "--") break;
    if (token.startsWith("-")) {
      const name = token.replace(/^--?/, "");
      const spec = (GLOBAL_OPTIONS as OptionSpec)[name];
      if (spec?.type === "string") i++;
      continue;
    }
    return { command: token, rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
  }
  return { command: undefined, rest: argv };
}

/** Parsed arguments of one command. */
export interface ParsedArgs {
  readonly global: GlobalOptions;
  readonly help: boolean;
  readonly version: boolean;
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
}

function firstSentence(message: string): string {
  const end = message.indexOf(". ");
  return end === -1 ? message : message.slice(0, end + 1);
}

/**
 * Parses a command's arguments (global options included) strictly.
 *
 * @throws {UsageError} on an unknown option, a missing value, a positional argument, or an
 *   invalid `--region` / `--name-prefix`.
 */
export function parseCommandArgs(
  command: string | undefined,
  args: readonly string[],
  options: OptionSpec,
): ParsedArgs {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...args],
      options: { ...options, ...GLOBAL_OPTIONS },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    const message = error instanceof Error ? firstSentence(error.message) : String(error);
    throw new UsageError(message, { cause: error, ...(command && { command }) });
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const region = values.region as string | undefined;
  if (region !== undefined && !REGION.test(region)) {
    throw new UsageError(`--region must be an AWS region such as eu-west-1, got "${region}"`, {
      ...(command && { command }),
    });
  }
  const namePrefix = (values["name-prefix"] as string | undefined) ?? DEFAULT_NAME_PREFIX;
  if (!NAME_PREFIX.test(namePrefix)) {
    throw new UsageError(
      `--name-prefix must be 1-32 letters, digits, '-' or '_' (the module's name_prefix), got "${namePrefix}"`,
      { ...(command && { command }) },
    );
  }
  return {
    global: { region, namePrefix, json: values.json === true, debug: values.debug === true },
    help: values.help === true,
    version: values.version === true,
    values,
  };
}

/** Reads a positive integer option. @throws {UsageError} when it is not one. */
export function positiveInteger(
  command: string,
  name: string,
  value: string | boolean | undefined,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || !/^\d+$/.test(value) || Number(value) < 1) {
    throw new UsageError(`--${name} must be a positive integer, got "${String(value)}"`, {
      command,
    });
  }
  return Number(value);
}

/** Reads a string option that must be one of `choices`. @throws {UsageError} otherwise. */
export function oneOf<const T extends string>(
  command: string,
  name: string,
  value: string | boolean | undefined,
  choices: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || !(choices as readonly string[]).includes(value)) {
    throw new UsageError(`--${name} must be one of ${choices.join(", ")}, got "${String(value)}"`, {
      command,
    });
  }
  return value as T;
}

/** Reads a required string option. @throws {UsageError} when it is missing. */
export function requiredString(
  command: string,
  name: string,
  value: string | boolean | undefined,
): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new UsageError(`--${name} is required`, { command });
  }
  return value.trim();
}

/** An SQS queue name: 1-80 letters, digits, '-' or '_', optionally ending in `.fifo`. */
const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}(\.fifo)?$/;

/**
 * Reads an optional SQS queue URL option: http(s), path `/<account id>/<queue name>`
 * (`https://sqs.<region>.amazonaws.com/…`, or a local endpoint's).
 *
 * @throws {UsageError} when it is not one.
 */
export function queueUrlOption(
  command: string,
  name: string,
  value: string | boolean | undefined,
): string | undefined {
  if (value === undefined) return undefined;
  const text = typeof value === "string" ? value.trim() : "";
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  const [account, queue, ...more] = url?.pathname.split("/").slice(1) ?? [];
  const valid =
    url !== undefined &&
    (url.protocol === "https:" || url.protocol === "http:") &&
    ACCOUNT_ID.test(account ?? "") &&
    QUEUE_NAME.test(queue ?? "") &&
    more.length === 0;
  if (!valid) {
    throw new UsageError(
      `--${name} must be an SQS queue URL such as https://sqs.eu-west-1.amazonaws.com/123456789012/my-dlq, got "${String(value)}"`,
      { command },
    );
  }
  return text;
}
