import { DescribeTaskDefinitionCommand, ECSClient } from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Metric } from "../../functions/ecr-deployer/contract.js";
import {
  readTaskDefinitions,
  TaskDefinitionCache,
} from "../../functions/ecr-deployer/discovery.js";
import {
  createDeployerMetrics,
  type DeployerMetrics,
  type UnreadableService,
} from "../../functions/ecr-deployer/metrics.js";
import type { CandidateService, Log } from "../../functions/ecr-deployer/types.js";
import { jsonLines, printedLines } from "../support/output.js";
import { ACCOUNT, REGION, throttlingError } from "./support.js";

const ecsMock = mockClient(ECSClient);
const ecs = new ECSClient({ region: REGION, maxAttempts: 1 });

const tdArn = (family: string, revision = 1) =>
  `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${family}:${revision}`;
const described = (family: string, revision = 1) => ({
  taskDefinition: { taskDefinitionArn: tdArn(family, revision), family, revision },
  tags: [{ key: "team", value: family }],
});
const candidate = (service: string, family = service): CandidateService => ({
  cluster: "prod",
  service,
  serviceArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/prod/${service}`,
  taskDefinitionArn: tdArn(family),
  pattern: "v*",
  patternSource: "tag",
});
const refused = () =>
  Object.assign(new Error("Unable to describe task definition."), {
    name: "ClientException",
    $fault: "client",
    $metadata: { httpStatusCode: 400 },
  });

function recordingLogger() {
  const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const at =
    (level: string) =>
    (message: string, fields: Record<string, unknown> = {}) =>
      lines.push({ level, message, fields });
  const logger = { debug: at("DEBUG"), info: at("INFO"), warn: at("WARN"), error: at("ERROR") };
  return { logger: logger as unknown as Log, lines };
}

function recordingMetrics() {
  const calls: (readonly UnreadableService[])[] = [];
  const metrics: DeployerMetrics = { unreadableTaskDefinitions: (s) => void calls.push(s) };
  return { metrics, calls };
}

describe("TaskDefinitionCache", () => {
  it("returns a remembered revision", () => {
    // Prepare
    const cache = new TaskDefinitionCache();

    // Act
    cache.remember(tdArn("web"), described("web"));

    // Assess
    expect(cache.get(tdArn("web"))).toEqual(described("web"));
    expect(cache.get(tdArn("web", 2))).toBeUndefined();
  });

  it.each([
    ["a family name", "web"],
    ["a family and revision without ARN prefix", "web:1"],
    ["an ARN without revision", `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/web`],
  ])("never keeps %s (it names whatever revision is latest)", (_label, reference) => {
    // Prepare
    const cache = new TaskDefinitionCache();

    // Act
    cache.remember(reference, described("web"));

    // Assess
    expect(cache.size).toBe(0);
  });

  it("drops the least recently used revision beyond maxEntries", () => {
    // Prepare
    const cache = new TaskDefinitionCache({ maxEntries: 2 });
    cache.remember(tdArn("a"), described("a"));
    cache.remember(tdArn("b"), described("b"));
    cache.get(tdArn("a"));

    // Act
    cache.remember(tdArn("c"), described("c"));

    // Assess
    expect(cache.size).toBe(2);
    expect(cache.get(tdArn("b"))).toBeUndefined();
    expect(cache.get(tdArn("a"))).toBeDefined();
    expect(cache.get(tdArn("c"))).toBeDefined();
  });

  it("keeps its bytes within maxBytes", () => {
    // Prepare: each entry is about 150 bytes of JSON
    const bytes = Buffer.byteLength(JSON.stringify(described("a")));
    const cache = new TaskDefinitionCache({ maxBytes: bytes * 3 });

    // Act
    for (const family of ["a", "b", "c", "d", "e"])
      cache.remember(tdArn(family), described(family));

    // Assess
    expect(cache.size).toBe(3);
    expect(cache.get(tdArn("a"))).toBeUndefined();
    expect(cache.get(tdArn("e"))).toBeDefined();
  });

  it("forgets a revision after maxAgeMs (its tags may have changed)", () => {
    // Prepare
    let now = 1_000;
    const cache = new TaskDefinitionCache({ maxAgeMs: 500 }, () => now);
    cache.remember(tdArn("web"), described("web"));

    // Act
    now += 501;

    // Assess
    expect(cache.get(tdArn("web"))).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});

describe("readTaskDefinitions", () => {
  beforeEach(() => {
    ecsMock.reset();
  });

  it("reads each revision once per container: a warm second push reads none", async () => {
    // Prepare
    ecsMock.on(DescribeTaskDefinitionCommand).callsFake(async (input) => {
      const family = String(input.taskDefinition).split("/").pop()?.split(":")[0] as string;
      return described(family);
    });
    const cache = new TaskDefinitionCache();
    const { logger } = recordingLogger();
    const candidates = [candidate("web"), candidate("api"), candidate("worker", "web")];

    // Act
    const cold = await readTaskDefinitions(ecs, candidates, { logger, cache });
    const warm = await readTaskDefinitions(ecs, candidates, { logger, cache });

    // Assess: two distinct revisions, read once each
    expect(ecsMock.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(2);
    expect([...warm.described.keys()].sort()).toEqual([...cold.described.keys()].sort());
    expect(warm.described.get(tdArn("web"))).toEqual(described("web"));
  });

  it("leaves a service whose task definition AWS refuses alone: a WARN naming it, the metric, no failure", async () => {
    // Prepare
    ecsMock
      .on(DescribeTaskDefinitionCommand)
      .resolves(described("web"))
      .on(DescribeTaskDefinitionCommand, { taskDefinition: tdArn("broken") })
      .rejects(refused());
    const { logger, lines } = recordingLogger();
    const { metrics, calls } = recordingMetrics();

    // Act
    const reads = await readTaskDefinitions(ecs, [candidate("web"), candidate("broken")], {
      logger,
      metrics,
    });

    // Assess
    expect([...reads.described.keys()]).toEqual([tdArn("web")]);
    expect(reads.failed).toEqual([]);
    expect(reads.unreadable).toEqual([
      {
        cluster: "prod",
        service: "broken",
        taskDefinitionArn: tdArn("broken"),
        error: expect.stringContaining("ClientException: Unable to describe task definition."),
      },
    ]);
    expect(lines).toEqual([
      {
        level: "WARN",
        message: "Task definition unreadable; service left alone",
        fields: expect.objectContaining({ cluster: "prod", ecsService: "broken" }),
      },
    ]);
    expect(calls).toEqual([reads.unreadable]);
  });

  it("keeps a throttled read a retryable failure, not unreadable", async () => {
    // Prepare
    ecsMock.on(DescribeTaskDefinitionCommand).rejects(throttlingError());
    const { logger, lines } = recordingLogger();
    const { metrics, calls } = recordingMetrics();

    // Act
    const reads = await readTaskDefinitions(ecs, [candidate("web")], { logger, metrics });

    // Assess
    expect(reads.unreadable).toEqual([]);
    expect(reads.failed).toEqual([
      expect.objectContaining({ cluster: "prod", service: "web", retryable: true }),
    ]);
    expect(lines).toEqual([]);
    expect(calls).toEqual([[]]);
  });

  it("does not remember a revision it could not read", async () => {
    // Prepare
    ecsMock.on(DescribeTaskDefinitionCommand).rejectsOnce(refused()).resolves(described("web"));
    const cache = new TaskDefinitionCache();
    const { logger } = recordingLogger();

    // Act
    await readTaskDefinitions(ecs, [candidate("web")], { logger, cache });
    const second = await readTaskDefinitions(ecs, [candidate("web")], { logger, cache });

    // Assess
    expect(second.unreadable).toEqual([]);
    expect(ecsMock.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(2);
  });
});

describe("createDeployerMetrics", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("emits one EMF record per push, with the one agreed dimension and the services named", async () => {
    // Prepare
    vi.stubEnv("POWERTOOLS_DEV", "");
    vi.stubEnv("POWERTOOLS_METRICS_DISABLED", "false");
    const metrics = createDeployerMetrics("my-ecr-deployer");
    const unreadable: UnreadableService[] = [
      { cluster: "prod", service: "broken", taskDefinitionArn: tdArn("broken"), error: "e" },
      { cluster: "prod", service: "gone", taskDefinitionArn: tdArn("gone"), error: "e" },
    ];

    // Act
    const records = jsonLines(
      (await printedLines(() => metrics.unreadableTaskDefinitions(unreadable))).lines,
    );

    // Assess
    expect(records).toHaveLength(1);
    const [record] = records as [Record<string, unknown> & { _aws: Record<string, unknown> }];
    expect(record._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: Metric.NAMESPACE,
        Dimensions: [[Metric.SERVICE_DIMENSION]],
        Metrics: [{ Name: Metric.UNREADABLE_TASK_DEFINITIONS, Unit: "Count" }],
      },
    ]);
    expect(record[Metric.SERVICE_DIMENSION]).toBe("my-ecr-deployer");
    expect(record[Metric.UNREADABLE_TASK_DEFINITIONS]).toBe(2);
    expect(record.unreadableServices).toBe("prod/broken, prod/gone");
  });

  it("emits nothing for a push without unreadable services", async () => {
    // Prepare
    vi.stubEnv("POWERTOOLS_DEV", "");
    vi.stubEnv("POWERTOOLS_METRICS_DISABLED", "false");
    const metrics = createDeployerMetrics("my-ecr-deployer");

    // Act
    const records = jsonLines(
      (await printedLines(() => metrics.unreadableTaskDefinitions([]))).lines,
    );

    // Assess
    expect(records).toEqual([]);
  });
});
