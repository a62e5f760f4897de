import { type LinkedAccounts, parseLinkedAccounts } from "../shared/accounts.js";
import { isSecretArn } from "../shared/arn.js";
import { LINKED_ACCOUNTS_ENV_VAR, PowertoolsEnvVar } from "../shared/contract.js";
import { type Env, envReader } from "../shared/env.js";
import { Defaults, EnvVar } from "./contract.js";
import { ConfigurationError } from "./errors.js";

/** Configuration of the deployment tracker, read once from the environment at init. */
export interface TrackerConfig {
  readonly endpointUrl: URL;
  readonly apiKeySecretArn: string;
  readonly apiKeyHeader: string;
  readonly requestTimeoutMs: number;
  readonly deliveryMaxAttempts: number;
  readonly secretCacheTtlSeconds: number;
  /** The Powertools service name of the logs. */
  readonly serviceName: string;
  /**
   * The linked workload accounts whose events are recorded through their read roles.
   * @default - none
   */
  readonly linkedAccounts?: LinkedAccounts;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

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

type Reader = ReturnType<typeof envReader>;

function endpoint(read: Reader): URL {
  const raw = read.required(EnvVar.ENDPOINT_URL);
  let url: URL;
  try {
    url = new URL(raw);
  } catch (error) {
    throw new ConfigurationError(
      `Environment variable ${EnvVar.ENDPOINT_URL} is not a URL: "${raw}"`,
      { cause: error },
    );
  }
  if (url.username || url.password) {
    throw new ConfigurationError(
      `Environment variable ${EnvVar.ENDPOINT_URL} must not contain credentials`,
    );
  }
  if (url.protocol === "https:") return url;
  const insecureAllowed =
    read.optional(EnvVar.ALLOW_INSECURE_LOOPBACK_ENDPOINT)?.toLowerCase() === "true";
  if (url.protocol === "http:" && insecureAllowed && isLoopbackHost(url.hostname)) return url;
  throw new ConfigurationError(
    `Environment variable ${EnvVar.ENDPOINT_URL} must be an https URL (plain http only for a loopback host with ${EnvVar.ALLOW_INSECURE_LOOPBACK_ENDPOINT}=true), got "${url.protocol}//${url.host}"`,
  );
}

function secretArn(read: Reader): string {
  const value = read.required(EnvVar.API_KEY_SECRET_ARN);
  if (!isSecretArn(value)) {
    throw new ConfigurationError(
      `Environment variable ${EnvVar.API_KEY_SECRET_ARN} must be a Secrets Manager secret ARN, got "${value}"`,
    );
  }
  return value;
}

/**
 * Reads and validates the configuration: the one entry point, called once at init.
 *
 * @throws {ConfigurationError} "Environment variable X is required" or naming the invalid value.
 */
export function loadConfig(env: Env = process.env): TrackerConfig {
  const read = envReader(env, (message) => new ConfigurationError(message));
  const apiKeyHeader = read.optional(EnvVar.API_KEY_HEADER) ?? Defaults.API_KEY_HEADER;
  if (!HEADER_NAME.test(apiKeyHeader)) {
    throw new ConfigurationError(
      `Environment variable ${EnvVar.API_KEY_HEADER} is not a valid HTTP header name: "${apiKeyHeader}"`,
    );
  }
  return {
    endpointUrl: endpoint(read),
    apiKeySecretArn: secretArn(read),
    apiKeyHeader,
    requestTimeoutMs: read.integer(EnvVar.REQUEST_TIMEOUT_MS, Defaults.REQUEST_TIMEOUT_MS),
    deliveryMaxAttempts: read.integer(EnvVar.DELIVERY_MAX_ATTEMPTS, Defaults.DELIVERY_MAX_ATTEMPTS),
    secretCacheTtlSeconds: read.integer(
      EnvVar.SECRET_CACHE_TTL_SECONDS,
      Defaults.SECRET_CACHE_TTL_SECONDS,
    ),
    serviceName: read.optional(PowertoolsEnvVar.SERVICE_NAME) ?? Defaults.SERVICE_NAME,
    linkedAccounts: parseLinkedAccounts(
      read.optional(LINKED_ACCOUNTS_ENV_VAR),
      (message) => new ConfigurationError(message),
    ),
  };
}
