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

const THROTTLING_NAMES = new Set([
  "ThrottlingException",
  "ThrottledException",
  "Throttling",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
]);

interface SdkErrorShape {
  name?: unknown;
  message?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $retryable?: { throttling?: unknown };
}

/** Whether an AWS SDK error is throttling. */
export function isThrottlingError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const e = error as SdkErrorShape;
  return (
    (typeof e.name === "string" && THROTTLING_NAMES.has(e.name)) ||
    e.$metadata?.httpStatusCode === 429 ||
    e.$retryable?.throttling === true
  );
}

/** Whether an AWS SDK error is a server fault or a network failure (no HTTP answer at all). */
export function isUnavailableError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return true;
  const e = error as SdkErrorShape;
  const status = e.$metadata?.httpStatusCode;
  if (typeof status === "number") return status >= 500;
  return e.$fault === "server" || e.$fault === undefined;
}

/**
 * Classifies an error thrown by an AWS SDK call into a {@link TrackerError}:
 * throttling → {@link AwsThrottledError}, 5xx or network → {@link AwsUnavailableError},
 * anything else → {@link AwsRequestError}.
 */
export function classifyAwsError(error: unknown, operation: string): TrackerError {
  if (error instanceof TrackerError) return error;
  const name =
    typeof error === "object" && error !== null ? String((error as SdkErrorShape).name) : "Error";
  const detail =
    typeof error === "object" && error !== null
      ? String((error as SdkErrorShape).message)
      : String(error);
  const message = `${operation} failed: ${name}: ${detail}`;
  if (isThrottlingError(error)) return new AwsThrottledError(message, { cause: error });
  if (isUnavailableError(error)) return new AwsUnavailableError(message, { cause: error });
  return new AwsRequestError(message, { cause: error });
}
