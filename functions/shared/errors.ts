/**
 * Errors raised by the helpers shared between the functions. Each function wraps or
 * rethrows them as its own classified errors.
 */

/** Raised when an image reference cannot be parsed. Never retryable: the input is wrong. */
export class InvalidImageReferenceError extends Error {
  public readonly retryable = false;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "InvalidImageReferenceError";
  }
}

/** Raised when an ARN is malformed or is not of the expected resource type. Never retryable. */
export class InvalidArnError extends Error {
  public readonly retryable = false;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "InvalidArnError";
  }
}

/**
 * Raised when a linked account's role cannot be assumed (`sts:AssumeRole` refused or
 * failed). Retryable when STS throttled or failed; a refusal (role missing, trust policy
 * or ExternalId wrong) is not.
 */
export class AssumeRoleError extends Error {
  public readonly retryable: boolean;
  /** The account whose role could not be assumed. */
  public readonly accountId: string;
  public readonly roleArn: string;
  constructor(
    message: string,
    options: ErrorOptions & { accountId: string; roleArn: string; retryable: boolean },
  ) {
    super(message, options);
    this.name = "AssumeRoleError";
    this.accountId = options.accountId;
    this.roleArn = options.roleArn;
    this.retryable = options.retryable;
  }
}
