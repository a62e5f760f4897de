/**
 * Validation of construct props known at synth time. Unresolved tokens (Terraform
 * expressions) are skipped: the module's variable validations check those at plan time.
 */
import { Token } from "cdktf";

/** Raised when a construct prop is invalid; the message names the prop, the limit and the value. */
export class InvalidPropError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "InvalidPropError";
  }
}

function known(value: unknown): boolean {
  return value !== undefined && !Token.isUnresolved(value);
}

/** A whole number within [min, max], when known. */
export function checkRange(
  name: string,
  value: number | undefined,
  min: number,
  max: number,
): void {
  if (!known(value)) return;
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    throw new InvalidPropError(
      `${name} must be a whole number from ${min} to ${max}, got ${value}`,
    );
  }
}

/** One of a list of values, when known. */
export function checkOneOf<T>(name: string, value: T | undefined, allowed: readonly T[]): void {
  if (!known(value)) return;
  if (!allowed.includes(value as T)) {
    throw new InvalidPropError(
      `${name} must be one of ${allowed.join(", ")}, got ${JSON.stringify(value)}`,
    );
  }
}

/** A string matching a pattern, when known; `what` says what it should look like. */
export function checkPattern(
  name: string,
  value: string | undefined,
  pattern: RegExp,
  what: string,
): void {
  if (!known(value)) return;
  if (!pattern.test(value as string)) {
    throw new InvalidPropError(`${name} must be ${what}, got ${JSON.stringify(value)}`);
  }
}

/** Every known entry of a list matching a pattern. */
export function checkEach(
  name: string,
  values: readonly string[] | undefined,
  pattern: RegExp,
  what: string,
): void {
  if (!known(values)) return;
  (values as readonly string[]).forEach((value, i) => {
    checkPattern(`${name}[${i}]`, value, pattern, what);
  });
}

/** Patterns shared by the constructs and mirrored by the module's variable validations. */
export const PATTERNS = {
  // Two to four letters first: eusc-de-east-1 (the European Sovereign Cloud) too.
  region: /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/,
  clusterName: /^[A-Za-z0-9_-]{1,255}$/,
  roleArn: /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/,
  accountId: /^\d{12}$/,
  https: /^https:\/\/[^\s/?#]+[^\s]*$/,
  headerName: /^[A-Za-z0-9-]{1,64}$/,
  // Room for the longest suffix we add ("-deployment-tracker-forward" fits in 64).
  functionName: /^[A-Za-z0-9_-]{1,56}$/,
} as const;

/** The retention values CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;
