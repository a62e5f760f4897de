import { clearCaches } from "@aws-lambda-powertools/parameters";
import { ECSClient, ListServiceDeploymentsCommand } from "@aws-sdk/client-ecs";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { withServiceRevision } from "./fakes.js";
import { API_KEY, captureLogs, completedEvent, digest, SECRET_ARN } from "./helpers.js";

const ecsMock = mockClient(ECSClient);
const secretsMock = mockClient(SecretsManagerClient);

async function importHandler() {
  vi.resetModules();
  return import("../../functions/deployment-tracker/index.js");
}

describe("index", () => {
  let logs: ReturnType<typeof captureLogs>;

  beforeEach(() => {
    ecsMock.reset();
    secretsMock.reset();
    clearCaches();
    vi.stubEnv("ENDPOINT_URL", "https://receiver.example.com/workloads");
    vi.stubEnv("API_KEY_SECRET_ARN", SECRET_ARN);
    vi.stubEnv("AWS_REGION", "us-west-2");
    vi.stubEnv("AWS_ACCESS_KEY_ID", "a");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "b");
    vi.stubEnv("POWERTOOLS_LOG_LEVEL", "DEBUG");
    logs = captureLogs();
  });

  afterEach(() => {
    logs.restore();
    vi.unstubAllEnvs();
    vi.unstubAllGlobals();
  });

  it("throws at init when ENDPOINT_URL is missing", async () => {
    // Prepare
    vi.stubEnv("ENDPOINT_URL", "");

    // Act & Assess
    await expect(importHandler()).rejects.toThrow("Environment variable ENDPOINT_URL is required");
  });

  it("throws at init when API_KEY_SECRET_ARN is missing", async () => {
    // Prepare
    vi.stubEnv("API_KEY_SECRET_ARN", "");

    // Act & Assess
    await expect(importHandler()).rejects.toThrow(
      "Environment variable API_KEY_SECRET_ARN is required",
    );
  });

  it("delivers with the API key read from Secrets Manager, never logging it", async () => {
    // Prepare
    withServiceRevision(ecsMock, [
      { name: "app", image: "nginx:1.27", resolvedDigest: digest("a") },
    ]);
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: API_KEY });
    const fetch = vi.fn(async () => new Response(null, { status: 202 }));
    vi.stubGlobal("fetch", fetch);
    const { handler } = await importHandler();

    // Act
    const result = await handler(completedEvent());

    // Assess
    expect(result).toMatchObject({ status: "delivered", digests: 1 });
    const [url, init] = fetch.mock.calls[0] as unknown as [URL, RequestInit];
    expect(String(url)).toBe("https://receiver.example.com/workloads");
    expect((init.headers as Record<string, string>)["x-cardinalhq-api-key"]).toBe(API_KEY);
    expect(ecsMock.commandCalls(ListServiceDeploymentsCommand)).toHaveLength(1);
    expect(logs.text()).toContain("Record delivered");
    expect(logs.text()).not.toContain(API_KEY);
  });
});
