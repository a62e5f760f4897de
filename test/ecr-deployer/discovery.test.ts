import { DescribeImagesCommand, ECRClient, ImageNotFoundException } from "@aws-sdk/client-ecr";
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListClustersCommand,
  ListServicesCommand,
} from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it, vi } from "vitest";
import {
  describeTaskDefinitions,
  discoverServices,
  lookupPushTimes,
} from "../../functions/ecr-deployer/discovery.js";
import { DiscoveryError } from "../../functions/ecr-deployer/errors.js";
import { ACCOUNT, config, digest, pushedImage, REGION, silentLogger } from "./support.js";

const ecsMock = mockClient(ECSClient);
const ecrMock = mockClient(ECRClient);
const ecs = new ECSClient({ region: REGION });
const ecr = new ECRClient({ region: REGION });

const clusterArn = (name: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${name}`;
const serviceArn = (cluster: string, name: string) =>
  `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${cluster}/${name}`;
const tdArn = (family: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${family}:1`;
const awsError = (name: string, status = 400) =>
  Object.assign(new Error(`${name} happened`), {
    name,
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status },
  });

function service(cluster: string, name: string, tags: Record<string, string> = {}) {
  return {
    serviceArn: serviceArn(cluster, name),
    serviceName: name,
    status: "ACTIVE",
    taskDefinition: tdArn(name),
    deploymentController: { type: "ECS" as const },
    tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
  };
}

describe("discoverServices", () => {
  beforeEach(() => {
    ecsMock.reset();
  });

  it("lists every cluster and every service page with the paginators, pacing each read", async () => {
    // Prepare
    ecsMock
      .on(ListClustersCommand)
      .resolvesOnce({ clusterArns: [clusterArn("a")], nextToken: "c2" })
      .resolvesOnce({ clusterArns: [clusterArn("b")] });
    ecsMock
      .on(ListServicesCommand, { cluster: clusterArn("a") })
      .resolvesOnce({ serviceArns: [serviceArn("a", "web")], nextToken: "s2" })
      .resolvesOnce({ serviceArns: [serviceArn("a", "api")] });
    ecsMock.on(ListServicesCommand, { cluster: clusterArn("b") }).resolves({ serviceArns: [] });
    ecsMock.on(DescribeServicesCommand).resolves({
      services: [service("a", "web", { "ecs-deployments:follow": "v*" }), service("a", "api")],
    });
    const pace = vi.fn(async () => {});

    // Act
    const found = await discoverServices(ecs, config(), pushedImage(), {
      logger: silentLogger(),
      pace,
    });

    // Assess
    expect(found.candidates.map((c) => `${c.cluster}/${c.service}`)).toEqual(["a/web"]);
    expect(found).toMatchObject({ clustersScanned: 2, servicesScanned: 2, notOptedIn: 1 });
    // The paginator reuses one input object, so each recorded call shows the last token.
    const clusterPages = ecsMock.commandCalls(ListClustersCommand).map((c) => c.args[0].input);
    expect(clusterPages).toHaveLength(2);
    expect(clusterPages[1]).toEqual({ maxResults: 100, nextToken: "c2" });
    expect(ecsMock.commandCalls(ListServicesCommand)).toHaveLength(3);
    expect(ecsMock.commandCalls(DescribeServicesCommand)).toHaveLength(1);
    const requests = 2 + 3 + 1;
    expect(pace).toHaveBeenCalledTimes(requests);
  });

  it("describes services ten at a time", async () => {
    // Prepare
    const names = Array.from({ length: 23 }, (_, i) => `svc-${i}`);
    ecsMock
      .on(ListServicesCommand)
      .resolves({ serviceArns: names.map((n) => serviceArn("prod", n)) });
    ecsMock.on(DescribeServicesCommand).resolves({ services: [] });

    // Act
    await discoverServices(ecs, config({ allowedClusters: ["prod"] }), pushedImage(), {
      logger: silentLogger(),
    });

    // Assess
    const batches = ecsMock
      .commandCalls(DescribeServicesCommand)
      .map((c) => c.args[0].input.services?.length);
    expect(batches).toEqual([10, 10, 3]);
    expect(ecsMock.commandCalls(ListClustersCommand)).toHaveLength(0);
  });

  it("describes a cluster's services in at most 5 calls at a time, and keeps their order", async () => {
    // Prepare: 60 services, the earlier batches answered later.
    const names = Array.from({ length: 60 }, (_, i) => `svc-${i}`);
    ecsMock
      .on(ListServicesCommand)
      .resolves({ serviceArns: names.map((n) => serviceArn("prod", n)) });
    let inFlight = 0;
    let peak = 0;
    ecsMock.on(DescribeServicesCommand).callsFake(async (input: { services: string[] }) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      const first = Number(input.services[0]?.split("-").pop());
      await new Promise((resolve) => setTimeout(resolve, 30 - first / 2));
      inFlight -= 1;
      return {
        services: input.services.map((arn) =>
          service("prod", arn.split("/").pop() as string, { "ecs-deployments:follow": "v*" }),
        ),
      };
    });

    // Act
    const found = await discoverServices(
      ecs,
      config({ allowedClusters: ["prod"] }),
      pushedImage(),
      {
        logger: silentLogger(),
      },
    );

    // Assess
    expect(found.candidates.map((c) => c.service)).toEqual(names);
    expect(ecsMock.commandCalls(DescribeServicesCommand)).toHaveLength(6);
    expect(peak).toBe(5);
  });

  it("starts no further DescribeServices after one fails, and throws a DiscoveryError", async () => {
    // Prepare: 100 services; the first batch is refused.
    const names = Array.from({ length: 100 }, (_, i) => `svc-${i}`);
    ecsMock
      .on(ListServicesCommand)
      .resolves({ serviceArns: names.map((n) => serviceArn("prod", n)) });
    ecsMock.on(DescribeServicesCommand).callsFake(async (input: { services: string[] }) => {
      if (input.services[0]?.endsWith("/svc-0")) throw awsError("AccessDeniedException");
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { services: [] };
    });

    // Act
    const run = discoverServices(ecs, config({ allowedClusters: ["prod"] }), pushedImage(), {
      logger: silentLogger(),
    });

    // Assess
    await expect(run).rejects.toBeInstanceOf(DiscoveryError);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(ecsMock.commandCalls(DescribeServicesCommand)).toHaveLength(5);
  });

  it("skips an allowlisted cluster that does not exist, with a warning", async () => {
    // Prepare
    ecsMock
      .on(ListServicesCommand, { cluster: "gone" })
      .rejects(awsError("ClusterNotFoundException"));
    ecsMock.on(ListServicesCommand, { cluster: "prod" }).resolves({ serviceArns: [] });
    const logger = silentLogger();
    const warn = vi.spyOn(logger, "warn");

    // Act
    const found = await discoverServices(
      ecs,
      config({ allowedClusters: ["gone", "prod"] }),
      pushedImage(),
      { logger },
    );

    // Assess
    expect(found.clustersScanned).toBe(2);
    expect(warn).toHaveBeenCalledWith("Cluster not found; skipped", { cluster: "gone" });
  });

  it.each([
    ["AccessDeniedException", 400, false],
    ["ServerException", 500, true],
    ["ThrottlingException", 400, true],
  ])(
    "throws a DiscoveryError naming the call when ECS answers %s (HTTP %s), retryable: %s",
    async (name, status, retryable) => {
      // Prepare
      ecsMock.on(ListServicesCommand).rejects(awsError(name, status));

      // Act
      const run = discoverServices(ecs, config({ allowedClusters: ["prod"] }), pushedImage(), {
        logger: silentLogger(),
      });

      // Assess
      await expect(run).rejects.toBeInstanceOf(DiscoveryError);
      await expect(run).rejects.toMatchObject({
        retryable,
        message: `ListServices in cluster prod failed: ${name}: ${name} happened`,
      });
    },
  );
});

describe("describeTaskDefinitions", () => {
  beforeEach(() => {
    ecsMock.reset();
  });

  it("describes each distinct task definition once, with its tags, and returns the failures", async () => {
    // Prepare
    ecsMock.on(DescribeTaskDefinitionCommand, { taskDefinition: tdArn("ok") }).resolves({
      taskDefinition: { taskDefinitionArn: tdArn("ok") },
      tags: [{ key: "k", value: "v" }],
    });
    ecsMock
      .on(DescribeTaskDefinitionCommand, { taskDefinition: tdArn("denied") })
      .rejects(awsError("AccessDeniedException"));

    // Act
    const { described, failures } = await describeTaskDefinitions(
      ecs,
      [tdArn("ok"), tdArn("ok"), tdArn("denied")],
      { logger: silentLogger() },
    );

    // Assess
    expect(ecsMock.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(2);
    expect(ecsMock.commandCalls(DescribeTaskDefinitionCommand)[0]?.args[0].input).toMatchObject({
      include: ["TAGS"],
    });
    expect(described.get(tdArn("ok"))).toEqual({
      taskDefinition: { taskDefinitionArn: tdArn("ok") },
      tags: [{ key: "k", value: "v" }],
    });
    expect(failures.get(tdArn("denied"))).toMatchObject({
      name: "DiscoveryError",
      retryable: false,
    });
  });
});

describe("lookupPushTimes", () => {
  beforeEach(() => {
    ecrMock.reset();
  });

  it("returns push times by digest and by tag key", async () => {
    // Prepare
    const pushedAt = new Date("2026-01-01T10:00:00Z");
    ecrMock.on(DescribeImagesCommand).resolves({
      imageDetails: [{ imageDigest: digest("a"), imageTags: ["v1"], imagePushedAt: pushedAt }],
    });

    // Act
    const times = await lookupPushTimes(ecr, pushedImage(), [{ imageTag: "v1" }], {
      logger: silentLogger(),
    });

    // Assess
    expect(times.get(digest("a"))).toEqual(pushedAt);
    expect(times.get("tag:v1")).toEqual(pushedAt);
    expect(ecrMock.commandCalls(DescribeImagesCommand)[0]?.args[0].input).toMatchObject({
      registryId: ACCOUNT,
      repositoryName: "team/app",
    });
  });

  it("asks for each id alone when one of a batch no longer exists, and leaves that one out", async () => {
    // Prepare
    const notFound = new ImageNotFoundException({ message: "gone", $metadata: {} });
    const pushedAt = new Date("2026-01-01T10:00:00Z");
    ecrMock.on(DescribeImagesCommand).callsFake((input: { imageIds?: { imageTag?: string }[] }) => {
      if (input.imageIds?.some((id) => id.imageTag === "old")) throw notFound;
      return {
        imageDetails: [{ imageDigest: digest("a"), imageTags: ["v1"], imagePushedAt: pushedAt }],
      };
    });

    const logger = silentLogger();
    const info = vi.spyOn(logger, "info");

    // Act
    const times = await lookupPushTimes(
      ecr,
      pushedImage(),
      [{ imageTag: "v1" }, { imageTag: "old" }],
      { logger },
    );

    // Assess: the missing image is a DEBUG line, not one INFO line per image of the fleet
    expect(ecrMock.commandCalls(DescribeImagesCommand)).toHaveLength(3);
    expect([...times.keys()].sort()).toEqual([digest("a"), "tag:v1"].sort());
    expect(info).not.toHaveBeenCalled();
  });

  it("throws a retryable DiscoveryError when ECR fails on the server side", async () => {
    // Prepare
    ecrMock.on(DescribeImagesCommand).rejects(awsError("ServerException", 500));

    // Act
    const run = lookupPushTimes(ecr, pushedImage(), [{ imageTag: "v1" }], {
      logger: silentLogger(),
    });

    // Assess
    await expect(run).rejects.toMatchObject({ name: "DiscoveryError", retryable: true });
  });
});
