import { getSecret } from "@aws-lambda-powertools/parameters/secrets";
import { isThrottlingError } from "../shared/aws-errors.js";
import { InvalidSecretError, SecretUnavailableError } from "./errors.js";

/** Reads a secret value, with a cache of `maxAge` seconds (Powertools `getSecret` by default). */
export type SecretFetcher = (
  secretId: string,
  options: { readonly maxAge: number },
) => Promise<unknown>;

const powertoolsFetcher: SecretFetcher = (secretId, options) =>
  getSecret(secretId, { maxAge: options.maxAge });

/**
 * Extracts the API key from a secret value: the whole string, or — when the secret holds
 * a JSON object — its `apiKey`, `api_key` or `key` member.
 *
 * @throws {InvalidSecretError} when there is no non-empty key. The message never contains the value.
 */
export function apiKeyFromSecret(value: unknown): string {
  const text =
    typeof value === "string"
      ? value
      : value instanceof Uint8Array
        ? new TextDecoder().decode(value)
        : undefined;
  if (text === undefined) throw new InvalidSecretError("The API key secret has no string value");
  let key = text.trim();
  if (key.startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(key);
    } catch {
      throw new InvalidSecretError("The API key secret looks like JSON but does not parse");
    }
    const record = (parsed ?? {}) as Record<string, unknown>;
    const member = [record.apiKey, record.api_key, record.key].find((v) => typeof v === "string");
    key = typeof member === "string" ? member.trim() : "";
  }
  if (key === "") throw new InvalidSecretError("The API key secret is empty");
  if (/[\r\n\0]/.test(key))
    throw new InvalidSecretError("The API key contains characters not allowed in an HTTP header");
  return key;
}

/**
 * Returns a function that gives the API key, read from Secrets Manager and cached for
 * `maxAgeSeconds` across invocations. The key never goes to env vars or logs.
 */
export function createApiKeyReader(
  secretArn: string,
  maxAgeSeconds: number,
  fetchSecret: SecretFetcher = powertoolsFetcher,
): () => Promise<string> {
  return async () => {
    let value: unknown;
    try {
      value = await fetchSecret(secretArn, { maxAge: maxAgeSeconds });
    } catch (error) {
      const name = (error as Error)?.name ?? "Error";
      const reason = isThrottlingError(error) ? "throttled" : name;
      throw new SecretUnavailableError(
        `Could not read the API key secret ${secretArn}: ${reason}`,
        { cause: error },
      );
    }
    return apiKeyFromSecret(value);
  };
}
