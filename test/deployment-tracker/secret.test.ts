import { clearCaches } from "@aws-lambda-powertools/parameters";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it, vi } from "vitest";
import {
  InvalidSecretError,
  SecretUnavailableError,
} from "../../functions/deployment-tracker/errors.js";
import { apiKeyFromSecret, createApiKeyReader } from "../../functions/deployment-tracker/secret.js";
import { API_KEY, SECRET_ARN, throttling } from "./helpers.js";

const secretsMock = mockClient(SecretsManagerClient);

describe("apiKeyFromSecret", () => {
  it.each([
    ["a plain string", API_KEY],
    ["a string with whitespace", `  ${API_KEY}\n`],
    ["JSON with apiKey", JSON.stringify({ apiKey: API_KEY })],
    ["JSON with api_key", JSON.stringify({ api_key: API_KEY })],
    ["bytes", new TextEncoder().encode(API_KEY)],
  ])("returns the key from %s", (_label, value) => {
    // Act & Assess
    expect(apiKeyFromSecret(value)).toBe(API_KEY);
  });

  it.each([
    ["an empty string", ""],
    ["undefined", undefined],
    ["JSON without a key", JSON.stringify({ other: "x" })],
    ["broken JSON", "{not json"],
    ["a key with a newline inside", "abc\ndef"],
  ])("throws InvalidSecretError for %s without the value in the message", (_label, value) => {
    // Act & Assess
    expect(() => apiKeyFromSecret(value)).toThrow(InvalidSecretError);
  });
});

describe("createApiKeyReader", () => {
  beforeEach(() => {
    secretsMock.reset();
    clearCaches();
    vi.stubEnv("AWS_REGION", "us-west-2");
    vi.stubEnv("AWS_ACCESS_KEY_ID", "a");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "b");
  });

  it("returns the key and reads Secrets Manager once while the cache is fresh", async () => {
    // Prepare
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: API_KEY });
    const read = createApiKeyReader(SECRET_ARN, 300);

    // Act
    const first = await read();
    const second = await read();

    // Assess
    expect([first, second]).toEqual([API_KEY, API_KEY]);
    expect(secretsMock.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(secretsMock.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toMatchObject({
      SecretId: SECRET_ARN,
    });
  });

  it("throws SecretUnavailableError (retryable) when Secrets Manager throttles", async () => {
    // Prepare
    secretsMock.on(GetSecretValueCommand).rejects(throttling());
    const read = createApiKeyReader(SECRET_ARN, 300);

    // Act
    const act = read();

    // Assess
    await expect(act).rejects.toBeInstanceOf(SecretUnavailableError);
    await expect(act).rejects.toMatchObject({ retryable: true });
  });

  it("passes the configured maxAge to the fetcher", async () => {
    // Prepare
    const fetchSecret = vi.fn(async () => API_KEY);
    const read = createApiKeyReader(SECRET_ARN, 42, fetchSecret);

    // Act
    await read();

    // Assess
    expect(fetchSecret).toHaveBeenCalledWith(SECRET_ARN, { maxAge: 42 });
  });
});
