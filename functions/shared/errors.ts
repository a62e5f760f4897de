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
