import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Logger } from "@aws-lambda-powertools/logger";
import { DescribeImagesCommand, ECRClient } from "@aws-sdk/client-ecr";
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListClustersCommand,
  ListServicesCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createHandler } from "../../functions/ecr-deployer/deployer.js";
import { InvalidEventError, PartialFailureError } from "../../functions/ecr-deployer/errors.js";
import {
  defaultDependencies,
  defaultRolloutDependencies,
} from "../../functions/ecr-deployer/index.js";
import { rollOutBatch } from "../../functions/ecr-deployer/rollout.js";
import type { DeployerConfig } from "../../functions/ecr-deployer/types.js";
import { capturingQueue, pushThroughQueue, sqsEventOf } from "../../scripts/fakes/rollout-queue.js";
import {
  addTaskDefinition,
  config,
  digest,
  emptyFleet,
  type FakeFleet,
  pushEvent,
  REGISTRY,
  serveFleet,
  silentLogger,
  throttlingError,
} from "./support.js";

const ecsMock = mockClient(ECSClient);
const ecrMock = mockClient(ECRClient);
const FOLLOW = "ecs-deployments:follow";
const FIXTURES = join(import.meta.dirname, "..", "fixtures", "ecr");
const sleep = vi.fn(async (_ms: number) => {});

/**
 * The push handler and the rollout behind it, through an in-memory queue: what one push
 * does to the fleet, as a summary (see `pushThroughQueue`).
 */
function handlerWith(overrides: Partial<DeployerConfig> = {}, logger: Logger = silentLogger()) {
  const queue = capturingQueue();
  const push = createHandler(
    defaultDependencies({ config: config(overrides), logger, sleep, queue }),
  );
  const rollout = defaultRolloutDependencies({ config: config(overrides), logger, sleep, queue });
  return async (event: unknown) => (await pushThroughQueue(push, queue, rollout, event)).summary;
}

function writes(): number {
  return (
    ecsMock.commandCalls(RegisterTaskDefinitionCommand).length +
    ecsMock.commandCalls(UpdateServiceCommand).length
  );
}

function reads(): number {
  return (
    ecsMock.commandCalls(ListClustersCommand).length +
    ecsMock.commandCalls(ListServicesCommand).length +
    ecsMock.commandCalls(DescribeServicesCommand).length +
    ecsMock.commandCalls(DescribeTaskDefinitionCommand).length +
    ecsMock.commandCalls(ListTaskDefinitionsCommand).length +
    ecrMock.commandCalls(DescribeImagesCommand).length
  );
}

function registeredInputs(): RegisterTaskDefinitionCommandInput[] {
  return ecsMock.commandCalls(RegisterTaskDefinitionCommand).map((call) => call.args[0].input);
}

/** prod/web on app:1 (team/app:v1 + a proxy sidecar), opted in to `v*`; images v1 (10:00) and v2 (12:00). */
function standardFleet(): FakeFleet {
  const fleet = emptyFleet();
  fleet.clusters.push("prod");
  const td = addTaskDefinition(
    fleet,
    "app",
    1,
    [
      { name: "app", image: `${REGISTRY}/team/app:v1@${digest("a")}` },
      { name: "proxy", image: `${REGISTRY}/team/proxy:1.0` },
    ],
    [{ key: "owner", value: "team" }],
  );
  fleet.services.push({
    cluster: "prod",
    name: "web",
    taskDefinition: td,
    tags: { [FOLLOW]: "v*" },
  });
  fleet.images.push(
    { digest: digest("a"), tags: ["v1"], pushedAt: new Date("2026-01-01T10:00:00Z") },
    { digest: digest("b"), tags: ["v2"], pushedAt: new Date("2026-01-01T12:00:00Z") },
  );
  return fleet;
}

describe("handler", () => {
  beforeEach(() => {
    ecsMock.reset();
    ecrMock.reset();
    sleep.mockClear();
  });

  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it("registers a revision with only the pushed image changed and updates the service when it opted in", async () => {
    // Prepare
    const fleet = standardFleet();
    serveFleet(ecsMock, ecrMock, fleet);

    // Act
    const summary = await handlerWith()(pushEvent());

    // Assess
    const [input] = registeredInputs();
    expect(input?.containerDefinitions?.map((c) => c.image)).toEqual([
      `${REGISTRY}/team/app:v2@${digest("b")}`,
      `${REGISTRY}/team/proxy:1.0`,
    ]);
    // The user's tags survive; the item tag lets a redelivered item find this revision.
    expect(input?.tags).toEqual([
      { key: "owner", value: "team" },
      { key: "ecs-deployments:rollout-item", value: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);
    expect(ecsMock.commandCalls(UpdateServiceCommand).map((c) => c.args[0].input)).toEqual([
      {
        cluster: "prod",
        service: "arn:aws:ecs:eu-west-1:123456789012:service/prod/web",
        taskDefinition: "arn:aws:ecs:eu-west-1:123456789012:task-definition/app:2",
      },
    ]);
    expect(summary).toMatchObject({
      status: "deployed",
      dryRun: false,
      tag: "v2",
      digest: digest("b"),
    });
    expect(summary.updated).toEqual([
      {
        cluster: "prod",
        service: "web",
        fromTaskDefinition: expect.stringContaining("app:1"),
        toTaskDefinition: expect.stringContaining("app:2"),
      },
    ]);
  });

  it.each([
    ["v*", "v2", 1],
    ["main-*", "main-42", 1],
    ["latest", "latest", 1],
    ["v+ latest", "latest", 1],
    ["v?", "v2", 1],
    ["v*", "main-42", 0],
    ["main-*", "v2", 0],
    ["latest", "latest-rc", 0],
  ])("applies pattern %s to tag %s with %i update(s)", async (pattern, tag, expected) => {
    // Prepare
    const fleet = standardFleet();
    fleet.services[0] = {
      ...(fleet.services[0] as FakeFleet["services"][number]),
      tags: { [FOLLOW]: pattern },
    };
    fleet.images.push({
      digest: digest("c"),
      tags: [tag],
      pushedAt: new Date("2026-01-01T12:00:00Z"),
    });
    serveFleet(ecsMock, ecrMock, fleet);

    // Act
    const summary = await handlerWith()(pushEvent({ tag, digest: digest("c") }));

    // Assess
    expect(ecsMock.commandCalls(UpdateServiceCommand)).toHaveLength(expected);
    if (expected === 0) {
      expect(summary.skipped).toEqual([
        expect.objectContaining({ service: "web", reason: "tag-pattern-mismatch" }),
      ]);
      expect(ecsMock.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(0);
    }
  });

  it("leaves services alone and reads no task definition when none opted in and there is no default pattern", async () => {
    // Prepare
    const fleet = standardFleet();
    fleet.services[0] = {
      ...(fleet.services[0] as FakeFleet["services"][number]),
      tags: { other: "x" },
    };
    serveFleet(ecsMock, ecrMock, fleet);

    // Act
    const summary = await handlerWith()(pushEvent());

    // Assess
    expect(ecsMock.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(0);
    expect(writes()).toBe(0);
    expect(summary).toMatchObject({ status: "deployed", updated: [], skipped: [] });
  });

  it("follows the default pattern for untagged services that run the repository only", async () => {
    // Prepare
    const fleet = standardFleet();
    fleet.services[0] = { ...(fleet.services[0] as FakeFleet["services"][number]), tags: {} };
    const other = addTaskDefinition(fleet, "other", 1, [
      { name: "worker", image: `${REGISTRY}/team/worker:v1` },
    ]);
    fleet.services.push({ cluster: "prod", name: "worker", taskDefinition: other });
    serveFleet(ecsMock, ecrMock, fleet);

    // Act
    const summary = await handlerWith({ defaultTagPattern: "v*" })(pushEvent());

    // Assess
    expect(summary.updated.map((u) => u.service)).toEqual(["web"]);
    expect(summary.skipped).toEqual([
      expect.objectContaining({ service: "worker", reason: "no-matching-container" }),
    ]);
  });

  it("does not look at clusters outside the allowlist", async () => {
    // Prepare
    const fleet = standardFleet();
    fleet.clusters.push("sandbox");
    const td = [...fleet.taskDefinitions.keys()][0] as string;
    fleet.services.push({
      cluster: "sandbox",
      name: "web",
      taskDefinition: td,
      tags: { [FOLLOW]: "v*" },
    });
    serveFleet(ecsMock, ecrMock, fleet);

    // Act
    const summary = await handlerWith({ allowedClusters: ["prod"] })(pushEvent());

    // Assess
    expect(ecsMock.commandCalls(ListClustersCommand)).toHaveLength(0);
    expect(ecsMock.commandCalls(ListServicesCommand).map((c) => c.args[0].input.cluster)).toEqual([
      "prod",
    ]);
    expect(summary.updated.map((u) => `${u.cluster}/${u.service}`)).toEqual(["prod/web"]);
  });

  it("skips an allowlisted cluster that does not exist and rolls the others", async () => {
    // Prepare
    const fleet = standardFleet();
    fleet.faults?.push({
      command: "ListServices",
      error: Object.assign(new Error("Cluster not found."), { name: "ClusterNotFoundException" }),
      times: 1,
      matches: (input) => input.cluster === "gone",
    });
    serveFleet(ecsMock, ecrMock, fleet);

    // Act
    const summary = await handlerWith({ allowedClusters: ["gone", "prod"] })(pushEvent());

    // Assess
    expect(summary.updated.map((u) => u.cluster)).toEqual(["prod"]);
  });

  it("throws a retryable DiscoveryError when services cannot be listed", async () => {
    // Prepare
    const fleet = standardFleet();
    fleet.faults?.push({
      command: "ListServices",
      error: Object.assign(new Error("Internal error"), { name: "ServerException" }),
      times: 1,
    });
    serveFleet(ecsMock, ecrMock, fleet);

    // Act
    const run = handlerWith()(pushEvent());

    // Assess
    await expect(run).rejects.toMatchObject({ name: "DiscoveryError", retryable: true });
    expect(writes()).toBe(0);
  });

  it("registers one revision and updates both services when they share a task definition", async () => {
    // Prepare
    const fleet = standardFleet();
    const td = fleet.services[0]?.taskDefinition as string;
    fleet.services.push({
      cluster: "prod",
      name: "api",
      taskDefinition: td,
      tags: { [FOLLOW]: "v*" },
    });
    serveFleet(ecsMock, ecrMock, fleet);

    // Act
    const summary = await handlerWith()(pushEvent());

    // Assess
    expect(ecsMock.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(1);
    expect(ecsMock.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(1);
    expect(ecsMock.commandCalls(UpdateServiceCommand)).toHaveLength(2);
    expect(new Set(summary.updated.map((u) => u.toTaskDefinition)).size).toBe(1);
  });

  it("makes no write calls when the event is retried after a successful run", async () => {
    // Prepare
    const fleet = standardFleet();
    serveFleet(ecsMock, ecrMock, fleet);
    const handler = handlerWith();
    await handler(pushEvent());
    ecsMock.resetHistory();

    // Act
    const summary = await handler(pushEvent());

    // Assess
    expect(writes()).toBe(0);
    expect(ecrMock.commandCalls(DescribeImagesCommand)).toHaveLength(1);
    expect(summary.skipped).toEqual([
      expect.objectContaining({ service: "web", reason: "already-on-pushed-image" }),
    ]);
  });

  it("skips without reading ECR when the service already runs the pushed digest", async () => {
    // Prepare
    const fleet = standardFleet();
    const td = addTaskDefinition(fleet, "app", 5, [
      { name: "app", image: `${REGISTRY}/team/app@${digest("b")}` },
    ]);
    (fleet.services[0] as { taskDefinition: string }).taskDefinition = td;
    serveFleet(ecsMock, ecrMock, fleet);

    // Act
    const summary = await handlerWith()(pushEvent());

    // Assess
    expect(writes()).toBe(0);
    expect(ecrMock.commandCalls(DescribeImagesCommand)).toHaveLength(0);
    expect(summary.skipped[0]?.reason).toBe("already-on-pushed-image");
  });

  it("skips the service when it runs an image pushed after the pushed one", async () => {
    // Prepare
    const fleet = standardFleet();
    fleet.images.push({
      digest: digest("c"),
      tags: ["v3"],
      pushedAt: new Date("2026-01-01T13:00:00Z"),
    });
    const td = addTaskDefinition(fleet, "app", 7, [
      { name: "app", image: `${REGISTRY}/team/app:v3@${digest("c")}` },
    ]);
    (fleet.services[0] as { taskDefinition: string }).taskDefinition = td;
    serveFleet(ecsMock, ecrMock, fleet);

    // Act
    const summary = await handlerWith()(pushEvent());

    // Assess
    expect(writes()).toBe(0);
    expect(summary.skipped).toEqual([expect.objectContaining({ reason: "newer-image-running" })]);
  });

  it("rolls back when an older image is re-tagged after the running one was pushed", async () => {
    // Prepare: the service runs c (pushed 13:00); a (first pushed 10:00) is re-tagged v4 at 14:00.
    const fleet = standardFleet();
    fleet.images.push({
      digest: digest("c"),
      tags: ["v3"],
      pushedAt: new Date("2026-01-01T13:00:00Z"),
    });
    const td = addTaskDefinition(fleet, "app", 7, [
      { name: "app", image: `${REGISTRY}/team/app:v3@${digest("c")}` },
    ]);
    (fleet.services[0] as { taskDefinition: string }).taskDefinition = td;
    serveFleet(ecsMock, ecrMock, fleet);

    // Act
    const summary = await handlerWith()(
      pushEvent({ tag: "v4", digest: digest("a"), time: "2026-01-01T14:00:00Z" }),
    );

    // Assess
    expect(summary.skipped).toEqual([]);
    expect(summary.updated).toHaveLength(1);
  });

  it("compares by tag when the running image is referenced by tag only", async () => {
    // Prepare
    const fleet = standardFleet();
    fleet.images.push({
      digest: digest("c"),
      tags: ["v3"],
      pushedAt: new Date("2026-01-01T13:00:00Z"),
    });
    const td = addTaskDefinition(fleet, "app", 7, [
      { name: "app", image: `${REGISTRY}/team/app:v3` },
    ]);
    (fleet.services[0] as { taskDefinition: string }).taskDefinition = td;
    serveFleet(ecsMock, ecrMock, fleet);

    // Act
    const summary = await handlerWith()(pushEvent());

    // Assess
    expect(ecrMock.commandCalls(DescribeImagesCommand)[0]?.args[0].input).toMatchObject({
      registryId: "123456789012",
      repositoryName: "team/app",
      imageIds: [{ imageTag: "v3" }],
    });
    expect(writes()).toBe(0);
    expect(summary.skipped[0]?.reason).toBe("newer-image-running");
  });

  it("rolls forward when the running image no longer exists in the repository", async () => {
    // Prepare
    const fleet = standardFleet();
    const td = addTaskDefinition(fleet, "app", 7, [
      { name: "app", image: `${REGISTRY}/team/app@${digest("d")}` },
    ]);
    (fleet.services[0] as { taskDefinition: string }).taskDefinition = td;
    serveFleet(ecsMock, ecrMock, fleet);

    // Act
    const summary = await handlerWith()(pushEvent());

    // Assess
    // The batch fails on the missing image, then each id is asked for alone.
    expect(ecrMock.commandCalls(DescribeImagesCommand)).toHaveLength(2);
    expect(summary.updated).toHaveLength(1);
  });

  it("updates the other services and throws PartialFailureError when one UpdateService fails", async () => {
    // Prepare
    const fleet = standardFleet();
    const td = fleet.services[0]?.taskDefinition as string;
    fleet.services.push({
      cluster: "prod",
      name: "api",
      taskDefinition: td,
      tags: { [FOLLOW]: "v*" },
    });
    fleet.faults?.push({
      command: "UpdateService",
      error: Object.assign(new Error("Service was not ACTIVE"), {
        name: "ServiceNotActiveException",
      }),
      times: 1,
      matches: (input) => String(input.service).endsWith("/web"),
    });
    serveFleet(ecsMock, ecrMock, fleet);

    // Act
    const run = handlerWith()(pushEvent());

    // Assess
    await expect(run).rejects.toBeInstanceOf(PartialFailureError);
    const error = (await run.catch((e: unknown) => e)) as PartialFailureError;
    expect(error.retryable).toBe(true);
    expect(error.failures).toEqual([expect.objectContaining({ cluster: "prod", service: "web" })]);
    expect(fleet.services.find((s) => s.name === "api")?.taskDefinition).toMatch(/app:2$/);
    expect(fleet.services.find((s) => s.name === "web")?.taskDefinition).toMatch(/app:1$/);
  });

  it("still rolls other task definitions when one cannot be described", async () => {
    // Prepare
    const fleet = standardFleet();
    const broken = addTaskDefinition(fleet, "broken", 1, [
      { name: "app", image: `${REGISTRY}/team/app:v1` },
    ]);
    fleet.services.push({
      cluster: "prod",
      name: "broken",
      taskDefinition: broken,
      tags: { [FOLLOW]: "v*" },
    });
    fleet.faults?.push({
      command: "DescribeTaskDefinition",
      error: Object.assign(new Error("Internal error"), { name: "ServerException" }),
      times: 1,
      matches: (input) => input.taskDefinition === broken,
    });
    serveFleet(ecsMock, ecrMock, fleet);

    // Act
    const error = (await handlerWith()(pushEvent()).catch(
      (e: unknown) => e,
    )) as PartialFailureError;

    // Assess
    expect(error).toBeInstanceOf(PartialFailureError);
    expect(error.failures.map((f) => f.service)).toEqual(["broken"]);
    expect(fleet.services.find((s) => s.name === "web")?.taskDefinition).toMatch(/app:2$/);
  });

  it.each(["CODE_DEPLOY", "EXTERNAL"] as const)(
    "skips services on the %s deployment controller with a log line",
    async (controller) => {
      // Prepare
      const fleet = standardFleet();
      fleet.services[0] = { ...(fleet.services[0] as FakeFleet["services"][number]), controller };
      serveFleet(ecsMock, ecrMock, fleet);
      const logger = new Logger({ serviceName: "test", logLevel: "DEBUG" });
      const debug = vi.spyOn(logger, "debug").mockImplementation(() => {});

      // Act
      const summary = await handlerWith({}, logger)(pushEvent());

      // Assess
      expect(writes()).toBe(0);
      expect(ecsMock.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(0);
      expect(summary.skipped).toEqual([
        expect.objectContaining({
          reason: "unsupported-deployment-controller",
          detail: expect.stringContaining(controller),
        }),
      ]);
      // Skips are DEBUG: at INFO a push logs one summary line plus one per service changed.
      expect(debug).toHaveBeenCalledWith(
        "Service skipped",
        expect.objectContaining({ ecsService: "web", reason: "unsupported-deployment-controller" }),
      );
    },
  );

  it("logs the full plan and makes no write calls when DRY_RUN is on", async () => {
    // Prepare
    const fleet = standardFleet();
    serveFleet(ecsMock, ecrMock, fleet);
    const logger = new Logger({ serviceName: "test", logLevel: "INFO" });
    const info = vi.spyOn(logger, "info").mockImplementation(() => {});

    // Act
    const summary = await handlerWith({ dryRun: true }, logger)(pushEvent());

    // Assess
    expect(writes()).toBe(0);
    expect(summary).toMatchObject({ status: "planned", dryRun: true, updated: [] });
    expect(summary.planned).toEqual([
      {
        cluster: "prod",
        service: "web",
        taskDefinition: expect.stringContaining("app:1"),
        newRevision: true,
        containers: [
          {
            container: "app",
            from: `${REGISTRY}/team/app:v1@${digest("a")}`,
            to: `${REGISTRY}/team/app:v2@${digest("b")}`,
          },
        ],
      },
    ]);
    // The dry-run line is the push's one INFO line: the summary's counts, then the plan.
    expect(info).toHaveBeenCalledTimes(1);
    expect(info).toHaveBeenCalledWith(
      "Dry run: nothing changed",
      expect.objectContaining({
        servicesToUpdate: 1,
        workItems: 0,
        plan: [
          {
            cluster: "prod",
            ecsService: "web",
            taskDefinition: expect.stringContaining("app:1"),
            newRevision: true,
            containers: [
              `app: ${REGISTRY}/team/app:v1@${digest("a")} -> ${REGISTRY}/team/app:v2@${digest("b")}`,
            ],
          },
        ],
      }),
    );
  });

  it("fails only the services whose calls stay throttled after the SDK's retries, retryable", async () => {
    // Prepare: with mocked clients the SDK does not retry; this is what its last attempt gives.
    const fleet = standardFleet();
    const td = fleet.services[0]?.taskDefinition as string;
    fleet.services.push({
      cluster: "prod",
      name: "api",
      taskDefinition: td,
      tags: { [FOLLOW]: "v*" },
    });
    fleet.faults?.push({
      command: "UpdateService",
      error: throttlingError(),
      times: 1,
      matches: (input) => String(input.service).endsWith("/web"),
    });
    serveFleet(ecsMock, ecrMock, fleet);

    // Act
    const error = (await handlerWith()(pushEvent()).catch(
      (e: unknown) => e,
    )) as PartialFailureError;

    // Assess
    expect(error).toBeInstanceOf(PartialFailureError);
    expect(error.retryable).toBe(true);
    expect(error.failures).toEqual([
      expect.objectContaining({
        service: "web",
        retryable: true,
        error: expect.stringContaining("ThrottlingException"),
      }),
    ]);
    expect(ecsMock.commandCalls(UpdateServiceCommand)).toHaveLength(2);
  });

  it("fails a service without retry, and not retryable, when UpdateService is denied", async () => {
    // Prepare
    const fleet = standardFleet();
    fleet.faults?.push({
      command: "UpdateService",
      error: Object.assign(new Error("User is not authorized to perform: ecs:UpdateService"), {
        name: "AccessDeniedException",
        $fault: "client",
        $metadata: { httpStatusCode: 400 },
      }),
      times: 1,
    });
    serveFleet(ecsMock, ecrMock, fleet);

    // Act
    const error = (await handlerWith()(pushEvent()).catch(
      (e: unknown) => e,
    )) as PartialFailureError;

    // Assess
    expect(error).toBeInstanceOf(PartialFailureError);
    expect(error.retryable).toBe(false);
    expect(error.failures).toEqual([expect.objectContaining({ service: "web", retryable: false })]);
    expect(ecsMock.commandCalls(UpdateServiceCommand)).toHaveLength(1);
  });

  it("returns a no-op result without AWS calls when the event comes from a region that is not allowed", async () => {
    // Prepare
    serveFleet(ecsMock, ecrMock, standardFleet());

    // Act
    const summary = await handlerWith({ allowedRegions: ["us-east-1"] })(pushEvent());

    // Assess
    expect(summary).toMatchObject({ status: "ignored", reason: "region-not-allowed" });
    expect(reads() + writes()).toBe(0);
  });

  it.each([
    "push-untagged.json",
    "push-failure.json",
    "delete.json",
    "replication.json",
    "scan.json",
  ])("returns a no-op result without AWS calls when the event is %s", async (name) => {
    // Prepare
    serveFleet(ecsMock, ecrMock, standardFleet());
    const { event } = JSON.parse(readFileSync(join(FIXTURES, name), "utf8"));

    // Act
    const summary = await handlerWith()(event);

    // Assess
    expect(summary).toMatchObject({ status: "ignored", updated: [], failed: [] });
    expect(reads() + writes()).toBe(0);
  });

  it("throws InvalidEventError, not TypeError, when the event is malformed", async () => {
    // Prepare
    serveFleet(ecsMock, ecrMock, standardFleet());
    const { detail, ...rest } = pushEvent();

    // Act
    const runs = [
      null,
      undefined,
      rest,
      { ...rest, detail: { ...detail, "image-digest": 42 } },
    ].map((e) => handlerWith()(e));

    // Assess
    for (const run of runs) await expect(run).rejects.toBeInstanceOf(InvalidEventError);
    expect(reads() + writes()).toBe(0);
  });

  it.each([
    ["digest", `${REGISTRY}/team/app@${digest("b")}`],
    ["tag", `${REGISTRY}/team/app:v2`],
    ["tag-and-digest", `${REGISTRY}/team/app:v2@${digest("b")}`],
  ] as const)("pins the image as %s", async (imagePin, expected) => {
    // Prepare
    serveFleet(ecsMock, ecrMock, standardFleet());

    // Act
    await handlerWith({ imagePin })(pushEvent());

    // Assess
    expect(registeredInputs()[0]?.containerDefinitions?.[0]?.image).toBe(expected);
  });

  it("forces a new deployment of the same revision when IMAGE_PIN is tag and the tag is already referenced", async () => {
    // Prepare
    const fleet = standardFleet();
    const td = addTaskDefinition(fleet, "app", 3, [
      { name: "app", image: `${REGISTRY}/team/app:v2` },
    ]);
    (fleet.services[0] as { taskDefinition: string }).taskDefinition = td;
    serveFleet(ecsMock, ecrMock, fleet);

    // Act
    await handlerWith({ imagePin: "tag" })(pushEvent());

    // Assess
    expect(ecsMock.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(0);
    expect(ecsMock.commandCalls(UpdateServiceCommand)[0]?.args[0].input).toMatchObject({
      taskDefinition: td,
      forceNewDeployment: true,
    });
  });

  it("keeps read calls within clusters + services/10 + task definitions + 5 across pages", async () => {
    // Prepare
    const fleet = standardFleet();
    fleet.clusters.push("a", "b", "c");
    const td = fleet.services[0]?.taskDefinition as string;
    for (const cluster of ["a", "b", "c"]) {
      for (let i = 0; i < 120; i++) {
        fleet.services.push({
          cluster,
          name: `s${i}`,
          taskDefinition: td,
          tags: i % 40 === 0 ? { [FOLLOW]: "v*" } : {},
        });
      }
    }
    serveFleet(ecsMock, ecrMock, fleet);
    const queue = capturingQueue();
    const push = createHandler(
      defaultDependencies({ config: config(), logger: silentLogger(), sleep, queue }),
    );
    const rollout = defaultRolloutDependencies({
      config: config(),
      logger: silentLogger(),
      sleep,
      queue,
    });

    // Act
    await push(pushEvent());
    const pushReads = reads();
    const { outcomes } = await rollOutBatch(sqsEventOf(queue.messages), undefined, rollout);

    // Assess
    const services = fleet.services.length;
    expect(outcomes.flatMap((o) => o.updated)).toHaveLength(10);
    expect(ecsMock.commandCalls(ListServicesCommand)).toHaveLength(1 + 3 * 2);
    expect(pushReads).toBeLessThanOrEqual(fleet.clusters.length + Math.ceil(services / 10) + 1 + 5);
    // The rollout re-reads its 10 services (one DescribeServices per cluster here); a first
    // delivery does not look for an orphaned revision.
    expect(reads() - pushReads).toBe(4);
  });

  it("writes eventId, repository, tag and digest on every log line", async () => {
    // Prepare
    serveFleet(ecsMock, ecrMock, standardFleet());
    const lines: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const logger = new Logger({ serviceName: "test", logLevel: "DEBUG" });

    // Act
    await handlerWith({}, logger)(pushEvent());

    // Assess
    const records = lines
      .flatMap((l) => l.split("\n"))
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l));
    expect(records.length).toBeGreaterThan(2);
    expect(records.filter((r) => r.level === "WARN")).toEqual([]);
    for (const record of records) {
      expect(record).toMatchObject({
        eventId: "11111111-2222-3333-4444-555555555555",
        repository: "team/app",
        tag: "v2",
        digest: digest("b"),
      });
    }
  });
});
