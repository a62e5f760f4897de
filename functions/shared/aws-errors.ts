/**
 * One classification of the errors AWS SDK calls throw, built on the SDK's own retry
 * classification (`@smithy/core/retry`, what the clients' retry strategies use), so that
 * what the SDK retries and what we call retryable agree. Each function maps the kinds to
 * its own error classes in its `errors.ts`.
 */
import {
  isServerError,
  isTransientError,
  isThrottlingError as sdkThrottling,
} from "@smithy/core/retry";

/**
 * What an AWS error means for a later attempt:
 * - `access-denied`: the caller lacks a permission. Never retryable: only a policy change helps.
 * - `throttling`: a quota was exceeded ("Rate exceeded"). Retryable.
 * - `unavailable`: a server fault, a timeout or no HTTP answer at all. Retryable.
 * - `refused`: anything else AWS answered (invalid parameter, not found, …). Not retryable.
 */
export type AwsErrorKind = "access-denied" | "throttling" | "unavailable" | "refused";

/** An AWS error, classified. */
export interface AwsErrorInfo {
  readonly kind: AwsErrorKind;
  /** The service's error name (`ThrottlingException`), `Error` when there is none. */
  readonly name: string;
  readonly message: string;
  readonly retryable: boolean;
}

/** Error names that mean "not allowed", across AWS services. */
const ACCESS_DENIED_ERROR_NAMES: readonly string[] = [
  "AccessDenied",
  "AccessDeniedException",
  "UnauthorizedOperation",
  "UnauthorizedException",
  "AuthorizationError",
  "AuthorizationErrorException",
  "NotAuthorized",
];

interface SdkErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $retryable?: { throttling?: unknown };
}

function shape(error: unknown): SdkErrorShape {
  return typeof error === "object" && error !== null ? (error as SdkErrorShape) : {};
}

/** The service's error name of an AWS error (`ClusterNotFoundException`), if it has one. */
export function awsErrorName(error: unknown): string | undefined {
  const { name } = shape(error);
  return typeof name === "string" ? name : undefined;
}

/** Whether an AWS error means "not allowed" (never retryable). */
export function isAccessDeniedError(error: unknown): boolean {
  return ACCESS_DENIED_ERROR_NAMES.includes(awsErrorName(error) ?? "");
}

/**
 * Whether an AWS error is throttling: the SDK's test, plus a "Rate exceeded" message
 * (ECS has answered throttled calls with a `ClientException` saying so).
 */
export function isThrottlingError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  if (isAccessDeniedError(error)) return false;
  const { message } = shape(error);
  return (
    sdkThrottling(error as Parameters<typeof sdkThrottling>[0]) ||
    (typeof message === "string" && /rate exceeded/i.test(message))
  );
}

/** Whether an AWS error is a server fault, a transient error, or a failure without any HTTP answer. */
function isUnavailableError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return true;
  if (isAccessDeniedError(error)) return false;
  const sdkError = error as Parameters<typeof isTransientError>[0];
  if (isTransientError(sdkError) || isServerError(sdkError)) return true;
  const e = shape(error);
  const status = e.$metadata?.httpStatusCode;
  if (typeof status === "number") return status >= 500;
  return e.$fault === "server" || e.$fault === undefined;
}

/** Classifies an error thrown by an AWS SDK call (see {@link AwsErrorKind}). */
export function classifyAwsError(error: unknown): AwsErrorInfo {
  const e = shape(error);
  const name = awsErrorName(error) ?? "Error";
  const message = typeof e.message === "string" ? e.message : String(error);
  const kind: AwsErrorKind = isAccessDeniedError(error)
    ? "access-denied"
    : isThrottlingError(error)
      ? "throttling"
      : isUnavailableError(error)
        ? "unavailable"
        : "refused";
  return { kind, name, message, retryable: kind === "throttling" || kind === "unavailable" };
}
