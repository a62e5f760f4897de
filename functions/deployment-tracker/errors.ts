import { classifyAwsError } from "../shared/aws-errors.js";
import { AssumeRoleError } from "../shared/errors.js";

/**
 * Errors of the deployment tracker. Every error says whether retrying the invocation can
 * help (`retryable`); the handler rethrows them so Lambda's async retries and the
 * on-failure destination keep the event either way.
 */

/** Base error of the deployment tracker. */
export class TrackerError extends Error {
  /** Whether a later attempt can succeed (throttling, outages), as opposed to bad input or config. */
  public readonly retryable: boolean = false;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "TrackerError";
  }
}

/** An environment variable is missing or invalid. Never retryable. */
export class ConfigurationError extends TrackerError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ConfigurationError";
  }
}

/** The event is not a well-formed ECS deployment state change event. Never retryable. */
export class InvalidEventError extends TrackerError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "InvalidEventError";
  }
}

/** The service of the event (or its task definition) does not exist (any more). Never retryable. */
export class ServiceNotFoundError extends TrackerError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ServiceNotFoundError";
  }
}

/** AWS throttled a call and the SDK's own retries did not get through. Retryable. */
export class AwsThrottledError extends TrackerError {
  public override readonly retryable = true;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "AwsThrottledError";
  }
}

/** An AWS call failed on the service side or on the network. Retryable. */
export class AwsUnavailableError extends TrackerError {
  public override readonly retryable = true;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "AwsUnavailableError";
  }
}

/** AWS refused a call (access denied, invalid parameter, …). Not retryable. */
export class AwsRequestError extends TrackerError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "AwsRequestError";
  }
}

/** The API key could not be read from Secrets Manager. Retryable. */
export class SecretUnavailableError extends TrackerError {
  public override readonly retryable = true;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "SecretUnavailableError";
  }
}

/** The secret holds no usable API key. Not retryable. */
export class InvalidSecretError extends TrackerError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "InvalidSecretError";
  }
}

/** The receiver refused the record with a 4xx status other than 408/429. Not retryable. */
export class DeliveryRejectedError extends TrackerError {
  constructor(
    message: string,
    public readonly status: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "DeliveryRejectedError";
  }
}

/** Every delivery attempt failed (timeouts, network errors, 429, 5xx). Retryable. */
export class DeliveryFailedError extends TrackerError {
  public override readonly retryable = true;
  constructor(
    message: string,
    public readonly attempts: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "DeliveryFailedError";
  }
}

/**
 * The event comes from an account that is neither the tracker's own nor a linked one (or
 * from a region not linked for it). Never retryable: only linking the account helps.
 */
export class UnlinkedAccountError extends TrackerError {
  constructor(
    message: string,
    public readonly accountId: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "UnlinkedAccountError";
  }
}

/**
 * The read role of the event's linked account could not be assumed (missing, or its trust
 * policy or ExternalId does not let the tracker in). Retryable only when STS throttled or
 * failed.
 */
export class AccountRoleError extends TrackerError {
  public override readonly retryable: boolean;
  constructor(
    message: string,
    public readonly accountId: string,
    options?: ErrorOptions & { retryable?: boolean },
  ) {
    super(message, options);
    this.name = "AccountRoleError";
    this.retryable = options?.retryable ?? false;
  }
}

/**
 * Maps an error thrown by an AWS SDK call to a {@link TrackerError} (see `classifyAwsError`
 * in `shared/aws-errors.ts`): throttling → {@link AwsThrottledError}, server fault or no
 * answer → {@link AwsUnavailableError}, access denied and every other refusal →
 * {@link AwsRequestError} (not retryable).
 */
export function trackerErrorOf(error: unknown, operation: string): TrackerError {
  if (error instanceof TrackerError) return error;
  if (error instanceof AssumeRoleError) {
    return new AccountRoleError(`${operation} failed: ${error.message}`, error.accountId, {
      retryable: error.retryable,
      cause: error,
    });
  }
  const { kind, name, message: detail } = classifyAwsError(error);
  const message = `${operation} failed: ${name}: ${detail}`;
  switch (kind) {
    case "throttling":
      return new AwsThrottledError(message, { cause: error });
    case "unavailable":
      return new AwsUnavailableError(message, { cause: error });
    default:
      return new AwsRequestError(message, { cause: error });
  }
}
