import { describe, expect, it } from "vitest";
import { isLoopbackHost, loadConfig } from "../../functions/deployment-tracker/config.js";
import { Defaults } from "../../functions/deployment-tracker/contract.js";
import { ConfigurationError } from "../../functions/deployment-tracker/errors.js";
import { SECRET_ARN } from "./helpers.js";

const base = { ENDPOINT_URL: Defaults.ENDPOINT_URL, API_KEY_SECRET_ARN: SECRET_ARN };

describe("loadConfig", () => {
  it("returns the defaults when only the required variables are set", () => {
    // Act
    const config = loadConfig(base);

    // Assess
    expect(config).toEqual({
      endpointUrl: new URL(Defaults.ENDPOINT_URL),
      apiKeySecretArn: SECRET_ARN,
      apiKeyHeader: "x-cardinalhq-api-key",
      requestTimeoutMs: 10_000,
      deliveryMaxAttempts: 4,
      secretCacheTtlSeconds: 300,
      serviceName: "deployment-tracker",
      linkedAccounts: new Map(),
    });
  });

  it("returns the values of the optional variables when they are set", () => {
    // Act
    const config = loadConfig({
      ...base,
      API_KEY_HEADER: "x-api-key",
      REQUEST_TIMEOUT_MS: "2500",
      DELIVERY_MAX_ATTEMPTS: "6",
      SECRET_CACHE_TTL_SECONDS: "0",
    });

    // Assess
    expect(config).toMatchObject({
      apiKeyHeader: "x-api-key",
      requestTimeoutMs: 2500,
      deliveryMaxAttempts: 6,
      secretCacheTtlSeconds: 0,
    });
  });

  it.each(["ENDPOINT_URL", "API_KEY_SECRET_ARN"])(
    "throws 'Environment variable %s is required' when it is missing",
    (name) => {
      // Prepare
      const env: Record<string, string | undefined> = { ...base, [name]: undefined };

      // Act & Assess
      expect(() => loadConfig(env)).toThrow(
        new ConfigurationError(`Environment variable ${name} is required`),
      );
    },
  );

  it.each([
    [
      "plain http to a public host",
      { ENDPOINT_URL: "http://example.com/x", ALLOW_INSECURE_LOOPBACK_ENDPOINT: "true" },
    ],
    ["plain http to loopback without the opt-in", { ENDPOINT_URL: "http://127.0.0.1:8080/x" }],
    ["a URL with credentials", { ENDPOINT_URL: "https://user:pw@example.com/x" }],
    ["not a URL", { ENDPOINT_URL: "app.cardinalhq.io" }],
    ["ftp", { ENDPOINT_URL: "ftp://example.com/x" }],
    ["a secret that is not an ARN", { API_KEY_SECRET_ARN: "my-secret" }],
    [
      "an ARN of another service",
      { API_KEY_SECRET_ARN: "arn:aws:ssm:us-east-1:111122223333:parameter/x" },
    ],
    ["a timeout that is not a number", { REQUEST_TIMEOUT_MS: "10s" }],
    ["zero attempts", { DELIVERY_MAX_ATTEMPTS: "0" }],
    ["a negative TTL", { SECRET_CACHE_TTL_SECONDS: "-1" }],
    ["an invalid header name", { API_KEY_HEADER: "x api key" }],
  ])("throws ConfigurationError for %s", (_label, env) => {
    // Act & Assess
    expect(() => loadConfig({ ...base, ...env })).toThrow(ConfigurationError);
  });

  it.each([
    "http://127.0.0.1:8080/x",
    "http://127.5.6.7/x",
    "http://localhost:3000/x",
    "http://[::1]:9000/x",
  ])("accepts plain http to loopback %s with ALLOW_INSECURE_LOOPBACK_ENDPOINT=true", (url) => {
    // Act
    const config = loadConfig({
      ...base,
      ENDPOINT_URL: url,
      ALLOW_INSECURE_LOOPBACK_ENDPOINT: "true",
    });

    // Assess
    expect(config.endpointUrl.href).toBe(new URL(url).href);
  });
});

describe("isLoopbackHost", () => {
  it.each([
    ["127.0.0.1", true],
    ["127.255.255.254", true],
    ["localhost", true],
    ["[::1]", true],
    ["128.0.0.1", false],
    ["127.0.0.1.example.com", false],
    ["localhost.example.com", false],
    ["10.0.0.1", false],
  ])("returns for %s %s", (host, expected) => {
    // Act & Assess
    expect(isLoopbackHost(host)).toBe(expected);
  });
});
