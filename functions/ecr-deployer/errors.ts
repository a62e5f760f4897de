/**
 * Errors of the ecr-deployer. Each says whether retrying the same event can help, so
 * the handler (and Lambda's async retries) need no `if` chains on error types.
 */

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

/** Reading clusters, services, task definitions or images failed (after retries). */
export class DiscoveryError extends DeployerError {
  public override readonly retryable = true;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DiscoveryError";
  }
}

/** Registering a task definition or updating one service failed (after retries). */
export class ServiceUpdateError extends DeployerError {
  public override readonly retryable = true;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ServiceUpdateError";
  }
}

/** One failed service, as listed by {@link PartialFailureError}. */
export interface FailedService {
  readonly cluster: string;
  readonly service: string;
  readonly error: string;
}

/**
 * Some services could not be updated; the others were. Retryable: a retry skips the
 * services already on the pushed image and tries the failed ones again.
 */
export class PartialFailureError extends DeployerError {
  public override readonly retryable = true;
  public readonly failures: readonly FailedService[];
  constructor(message: string, options?: ErrorOptions & { failures?: readonly FailedService[] }) {
    super(message, options);
    this.name = "PartialFailureError";
    this.failures = options?.failures ?? [];
  }
}
