import { parse, validate } from "@aws-sdk/util-arn-parser";
import { DEFAULTS, ENV } from "./constants.js";
import { ConfigurationError } from "./errors.js";

/** Configuration of the deployment tracker, read once from the environment at init. */
export interface TrackerConfig {
  readonly endpointUrl: URL;
  readonly apiKeySecretArn: string;
  readonly apiKeyHeader: string;
  readonly requestTimeoutMs: number;
  readonly deliveryMaxAttempts: number;
  readonly secretCacheTtlSeconds: number;
}

type Env = Readonly<Record<string, string | undefined>>;

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigurationError(`Environment variable ${name} is required`);
  return value;
}

function integer(
  env: Env,
  name: string,
  spec: { readonly value: number; readonly min: number; readonly max: number },
): number {
  const raw = env[name]?.trim();
  if (!raw) return spec.value;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < spec.min || value > spec.max) {
    throw new ConfigurationError(
      `Environment variable ${name} must be an integer from ${spec.min} to ${spec.max}, got "${raw}"`,
    );
  }
  return value;
}

/** Whether a URL hostname is a loopback address (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === "localhost" || host === "[::1]" || host === "::1") return true;
  const octets = host.split(".");
  return (
    octets.length === 4 &&
    octets[0] === "127" &&
    octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255)
  );
}

function endpoint(env: Env): URL {
  const raw = required(env, ENV.endpointUrl);
  let url: URL;
  try {
    url = new URL(raw);
  } catch (error) {
    throw new ConfigurationError(`Environment variable ${ENV.endpointUrl} is not a URL: "${raw}"`, {
      cause: error,
    });
  }
  if (url.username || url.password) {
    throw new ConfigurationError(
      `Environment variable ${ENV.endpointUrl} must not contain credentials`,
    );
  }
  if (url.protocol === "https:") return url;
  const insecureAllowed = env[ENV.allowInsecureLoopbackEndpoint]?.trim().toLowerCase() === "true";
  if (url.protocol === "http:" && insecureAllowed && isLoopbackHost(url.hostname)) return url;
  throw new ConfigurationError(
    `Environment variable ${ENV.endpointUrl} must be an https URL (plain http only for a loopback host with ${ENV.allowInsecureLoopbackEndpoint}=true), got "${url.protocol}//${url.host}"`,
  );
}

function secretArn(env: Env): string {
  const value = required(env, ENV.apiKeySecretArn);
  if (!validate(value) || parse(value).service !== "secretsmanager") {
    throw new ConfigurationError(
      `Environment variable ${ENV.apiKeySecretArn} must be a Secrets Manager secret ARN, got "${value}"`,
    );
  }
  return value;
}

/**
 * Reads and validates the configuration.
 *
 * @throws {ConfigurationError} "Environment variable X is required" or naming the invalid value.
 */
export function loadConfig(env: Env = process.env): TrackerConfig {
  const apiKeyHeader = env[ENV.apiKeyHeader]?.trim() || DEFAULTS.apiKeyHeader;
  if (!HEADER_NAME.test(apiKeyHeader)) {
    throw new ConfigurationError(
      `Environment variable ${ENV.apiKeyHeader} is not a valid HTTP header name: "${apiKeyHeader}"`,
    );
  }
  return {
    endpointUrl: endpoint(env),
    apiKeySecretArn: secretArn(env),
    apiKeyHeader,
    requestTimeoutMs: integer(env, ENV.requestTimeoutMs, DEFAULTS.requestTimeoutMs),
    deliveryMaxAttempts: integer(env, ENV.deliveryMaxAttempts, DEFAULTS.deliveryMaxAttempts),
    secretCacheTtlSeconds: integer(env, ENV.secretCacheTtlSeconds, DEFAULTS.secretCacheTtlSeconds),
  };
}
