/**
 * Errors of the ecr-deployer. Each says whether retrying the same event can help, so
 * the handler (and Lambda's async retries) need no `if` chains on error types.
 */
import { classifyAwsError } from "../shared/aws-errors.js";
import type { FailedService } from "./types.js";

/** Base error of the ecr-deployer. */
export class DeployerError extends Error {
  /** Whether the same event may succeed when retried. */
  public readonly retryable: boolean = false;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DeployerError";
  }
}

/** An environment variable is missing or invalid. Fails at init; never retryable. */
export class ConfigurationError extends DeployerError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ConfigurationError";
  }
}

/** The event is not a well-formed ECR event. Never retryable: the input is wrong. */
export class InvalidEventError extends DeployerError {
  /** The dotted path of the offending field (`detail.image-digest`), `event` for the whole event. */
  public readonly field: string;
  constructor(message: string, options?: ErrorOptions & { field?: string }) {
    super(message, options);
    this.name = "InvalidEventError";
    this.field = options?.field ?? "event";
  }
}

/** Options of the errors whose retryability depends on the AWS error behind them. */
export type AwsErrorOptions = ErrorOptions & {
  /** @default true */
  readonly retryable?: boolean;
};

/**
 * Reading clusters, services, task definitions or images failed (after the SDK's
 * retries). Retryable unless AWS refused the call (access denied, invalid parameter).
 */
export class DiscoveryError extends DeployerError {
  public override readonly retryable: boolean;
  constructor(message: string, options?: AwsErrorOptions) {
    super(message, options);
    this.name = "DiscoveryError";
    this.retryable = options?.retryable ?? true;
  }
}

/**
 * Registering a task definition or updating one service failed (after the SDK's
 * retries). Retryable unless AWS refused the call.
 */
export class ServiceUpdateError extends DeployerError {
  public override readonly retryable: boolean;
  constructor(message: string, options?: AwsErrorOptions) {
    super(message, options);
    this.name = "ServiceUpdateError";
    this.retryable = options?.retryable ?? true;
  }
}

/**
 * Some services could not be updated; the others were. Retryable when a failure was: a
 * retry skips the services already on the pushed image and tries the failed ones again.
 */
export class PartialFailureError extends DeployerError {
  public override readonly retryable: boolean;
  public readonly failures: readonly FailedService[];
  constructor(message: string, options?: ErrorOptions & { failures?: readonly FailedService[] }) {
    super(message, options);
    this.name = "PartialFailureError";
    this.failures = options?.failures ?? [];
    this.retryable = this.failures.length === 0 || this.failures.some((f) => f.retryable);
  }
}

/**
 * Wraps an error of an AWS call as `ErrorClass`, `<operation> failed: <Name>: <message>`,
 * retryable as the shared classification says (access denied never is). A
 * {@link DeployerError} is returned as it is.
 */
export function deployerErrorOf(
  error: unknown,
  operation: string,
  ErrorClass: new (message: string, options?: AwsErrorOptions) => DeployerError,
): DeployerError {
  if (error instanceof DeployerError) return error;
  const { name, message, retryable } = classifyAwsError(error);
  return new ErrorClass(`${operation} failed: ${name}: ${message}`, { cause: error, retryable });
}

/**
 * `<Name>: <message>` of a failed call and whether a retry of the event may help: a
 * {@link DeployerError} says so itself, an AWS error as the shared classification says.
 */
export function failureOf(error: unknown): { message: string; retryable: boolean } {
  if (error instanceof DeployerError)
    return { message: `${error.name}: ${error.message}`, retryable: error.retryable };
  const { name, message, retryable } = classifyAwsError(error);
  return { message: `${name}: ${message}`, retryable };
}

/** A rollout queue message is not a work item. Never retryable: the message is wrong. */
export class InvalidWorkItemError extends DeployerError {
  /** The work item field that failed (`services`), `body` for the whole message. */
  public readonly field: string;
  constructor(message: string, options?: ErrorOptions & { field?: string }) {
    super(message, options);
    this.name = "InvalidWorkItemError";
    this.field = options?.field ?? "body";
  }
}

/** Sending to or handing back on the rollout queue failed (after the SDK's retries). */
export class QueueError extends DeployerError {
  public override readonly retryable: boolean;
  constructor(message: string, options?: AwsErrorOptions) {
    super(message, options);
    this.name = "QueueError";
    this.retryable = options?.retryable ?? true;
  }
}

/** An account the push could not be rolled out to (its role, its services). */
export interface FailedAccount {
  readonly account: string;
  readonly error: string;
  readonly retryable: boolean;
}

/**
 * Some accounts could not be searched (a linked account's deploy role could not be
 * assumed, its services could not be listed). Thrown after the other accounts' work items
 * were queued: a Lambda retry re-sends those with the same deduplication ids, so SQS drops
 * them, and searches the failed accounts again. Retryable when one failure is.
 */
export class AccountFailureError extends DeployerError {
  public override readonly retryable: boolean;
  public readonly accounts: readonly FailedAccount[];
  constructor(message: string, options: ErrorOptions & { accounts: readonly FailedAccount[] }) {
    super(message, options);
    this.name = "AccountFailureError";
    this.accounts = options.accounts;
    this.retryable = options.accounts.some((a) => a.retryable);
  }
}
