import { Logger } from "@aws-lambda-powertools/logger";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Throttle } from "../../functions/ecr-deployer/constants.js";
import { DiscoveryError, PartialFailureError } from "../../functions/ecr-deployer/errors.js";
import type { DeployerConfig } from "../../functions/ecr-deployer/types.js";
import type { AwsJsonEndpoint } from "../../scripts/fakes/aws-json-endpoint.js";
import { throughQueue } from "../../scripts/fakes/rollout-queue.js";
import {
  addTaskDefinition,
  config,
  digest,
  emptyFleet,
  type FakeFleet,
  pushEvent,
  REGION,
  REGISTRY,
  serveFleetOverHttp,
  throttlingError,
} from "./support.js";

// The real SDK clients of the deployer, against a local endpoint that counts every HTTP
// request: the retry strategy decides as in Lambda, only its waiting is taken out.
const noWaiting = {
  backoff: { computeNextBackoffDelay: () => 0, setDelayBase: () => {} },
  rateLimiter: { getSendToken: async () => {}, updateClientSendingRate: () => {} },
};
const noWait = async () => {};

const accessDenied = (action: string) =>
  Object.assign(new Error(`User is not authorized to perform: ${action}`), {
    name: "AccessDeniedException",
  });

function fleetWithOneFollower(): FakeFleet {
  const fleet = emptyFleet();
  fleet.clusters.push("prod");
  const td = addTaskDefinition(fleet, "app", 1, [
    { name: "app", image: `${REGISTRY}/team/app:v1@${digest("a")}` },
  ]);
  fleet.services.push({
    cluster: "prod",
    name: "web",
    taskDefinition: td,
    tags: { "ecs-deployments:follow": "v*" },
  });
  fleet.images.push(
    { digest: digest("a"), tags: ["v1"], pushedAt: new Date("2026-01-01T10:00:00Z") },
    { digest: digest("b"), tags: ["v2"], pushedAt: new Date("2026-01-01T12:00:00Z") },
  );
  return fleet;
}

function handlerWith(overrides: Partial<DeployerConfig> = {}) {
  return throughQueue({
    config: config(overrides),
    logger: new Logger({ serviceName: "retry-test", logLevel: "SILENT" }),
    retryTiming: noWaiting,
    sleep: noWait,
  });
}

describe("retries of the deployer's AWS calls", () => {
  let endpoint: AwsJsonEndpoint | undefined;

  async function serve(fleet: FakeFleet): Promise<AwsJsonEndpoint> {
    endpoint = await serveFleetOverHttp(fleet);
    vi.stubEnv("AWS_ENDPOINT_URL", endpoint.url);
    return endpoint;
  }

  beforeEach(() => {
    vi.stubEnv("AWS_REGION", REGION);
    vi.stubEnv("AWS_ACCESS_KEY_ID", "test");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "test");
  });

  afterEach(async () => {
    await endpoint?.close();
    endpoint = undefined;
    vi.unstubAllEnvs();
  });

  it("sends RegisterTaskDefinition at most the configured attempts in total when every one is throttled", async () => {
    // Prepare
    const fleet = fleetWithOneFollower();
    fleet.faults?.push({ command: "RegisterTaskDefinition", error: throttlingError(), times: 100 });
    const server = await serve(fleet);

    // Act
    const error = await handlerWith()(pushEvent()).catch((e: unknown) => e);

    // Assess
    expect(Throttle.MAX_ATTEMPTS).toBe(5);
    expect(server.count("RegisterTaskDefinition")).toBe(Throttle.MAX_ATTEMPTS);
    expect(server.count("UpdateService")).toBe(0);
    expect(error).toBeInstanceOf(PartialFailureError);
    expect((error as PartialFailureError).retryable).toBe(true);
    expect((error as PartialFailureError).failures).toEqual([
      expect.objectContaining({
        service: "web",
        error: expect.stringContaining("ThrottlingException"),
      }),
    ]);
  });

  it("sends UpdateService once, and fails the service as not retryable, when ECS denies it", async () => {
    // Prepare
    const fleet = fleetWithOneFollower();
    fleet.faults?.push({
      command: "UpdateService",
      error: accessDenied("ecs:UpdateService"),
      times: 100,
    });
    const server = await serve(fleet);

    // Act
    const error = await handlerWith()(pushEvent()).catch((e: unknown) => e);

    // Assess
    expect(server.count("RegisterTaskDefinition")).toBe(1);
    expect(server.count("UpdateService")).toBe(1);
    expect(error).toBeInstanceOf(PartialFailureError);
    expect((error as PartialFailureError).retryable).toBe(false);
    expect((error as PartialFailureError).failures).toEqual([
      expect.objectContaining({
        service: "web",
        retryable: false,
        error: expect.stringContaining("AccessDeniedException"),
      }),
    ]);
  });

  it("sends RegisterTaskDefinition once when ECS denies it", async () => {
    // Prepare
    const fleet = fleetWithOneFollower();
    fleet.faults?.push({
      command: "RegisterTaskDefinition",
      error: accessDenied("ecs:RegisterTaskDefinition"),
      times: 100,
    });
    const server = await serve(fleet);

    // Act
    const error = await handlerWith()(pushEvent()).catch((e: unknown) => e);

    // Assess
    expect(server.count("RegisterTaskDefinition")).toBe(1);
    expect((error as PartialFailureError).retryable).toBe(false);
  });

  it("sends ListServices once and throws a DiscoveryError that is not retryable when ECS denies it", async () => {
    // Prepare
    const fleet = fleetWithOneFollower();
    fleet.faults?.push({
      command: "ListServices",
      error: accessDenied("ecs:ListServices"),
      times: 100,
    });
    const server = await serve(fleet);

    // Act
    const error = await handlerWith({ allowedClusters: ["prod"] })(pushEvent()).catch(
      (e: unknown) => e,
    );

    // Assess
    expect(server.count("ListServices")).toBe(1);
    expect(error).toBeInstanceOf(DiscoveryError);
    expect((error as DiscoveryError).retryable).toBe(false);
    expect(server.count("RegisterTaskDefinition")).toBe(0);
  });

  it("completes when the first calls are throttled, each retried by the SDK alone", async () => {
    // Prepare
    const fleet = fleetWithOneFollower();
    fleet.faults?.push(
      { command: "DescribeServices", error: throttlingError(), times: 1 },
      { command: "RegisterTaskDefinition", error: throttlingError(), times: 1 },
      { command: "UpdateService", error: throttlingError(), times: 2 },
    );
    const server = await serve(fleet);

    // Act
    const summary = await handlerWith()(pushEvent());

    // Assess
    expect(summary.updated).toHaveLength(1);
    // Push: one throttled and one accepted; the rollout re-reads the service once.
    expect(server.count("DescribeServices")).toBe(3);
    expect(server.count("RegisterTaskDefinition")).toBe(2);
    expect(server.count("UpdateService")).toBe(3);
    expect(fleet.services[0]?.taskDefinition).toMatch(/app:2$/);
  });
});
