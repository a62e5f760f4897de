/**
 * Errors of the CLI. Each carries the exit code it ends the process with, so `run` maps
 * errors to exit codes in one place.
 */
import { ExitCode } from "./constants.js";

/** Base error of the CLI: its message is shown to the user as is. */
export class CliError extends Error {
  public readonly exitCode: number = ExitCode.FAILURE;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "CliError";
  }
}

/** The command line is wrong (unknown option, missing or invalid value). Exit code 2. */
export class UsageError extends CliError {
  public override readonly exitCode: number = ExitCode.USAGE;
  /** The command whose help the user should read, if known. */
  public readonly command: string | undefined;
  constructor(message: string, options?: ErrorOptions & { command?: string }) {
    super(message, options);
    this.name = "UsageError";
    this.command = options?.command;
  }
}

/** A resource the command needs (service, queue, function) does not exist. Exit code 1. */
export class NotFoundError extends CliError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NotFoundError";
  }
}

/** An AWS error with its service error name (`ResourceNotFoundException`, …). */
export interface AwsErrorLike {
  readonly name: string;
  readonly message: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/** Whether a value is an error thrown by an AWS SDK client. */
export function isAwsError(error: unknown): error is AwsErrorLike {
  return error instanceof Error && "$metadata" in error;
}

/** Whether a value is an AWS error of one of the given names. */
export function isAwsErrorNamed(error: unknown, ...names: readonly string[]): boolean {
  return isAwsError(error) && names.includes(error.name);
}

/** A one-line description of any error, for the user. */
export function describeError(error: unknown): string {
  if (isAwsError(error)) {
    // No HTTP status: the request never got an answer from AWS.
    if (error.$metadata?.httpStatusCode === undefined && error.name === "Error") {
      return `Cannot reach AWS: ${error.message}`;
    }
    return `AWS ${error.name}: ${error.message}`;
  }
  if (error instanceof Error) {
    if (error.name === "CredentialsProviderError") {
      return `No AWS credentials: ${error.message} (set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)`;
    }
    if (/region is missing/i.test(error.message)) {
      return "No AWS region: pass --region or set AWS_REGION";
    }
    return error.message;
  }
  return String(error);
}
