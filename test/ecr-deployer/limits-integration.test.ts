/**
 * The deployer at its limits, against moto_server through the real handlers (index.ts):
 * an unreadable task definition of an unrelated service, the INFO lines of a push, the
 * length of every log line, and a hostile repository name. moto produces the unreadable
 * task definition natively: a revision deregistered and deleted under a running service
 * answers DescribeTaskDefinition with `ClientException: Unable to describe task definition.`,
 * as ECS does once a deleted revision is gone.
 */
import { CreateRepositoryCommand, ECRClient } from "@aws-sdk/client-ecr";
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteTaskDefinitionsCommand,
  DeregisterTaskDefinitionCommand,
  DescribeServicesCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from "@aws-sdk/client-ecs";
import { SQSClient } from "@aws-sdk/client-sqs";
import { SSMClient } from "@aws-sdk/client-ssm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { Metric } from "../../functions/ecr-deployer/contract.js";
import type { DeploymentSummary } from "../../functions/ecr-deployer/types.js";
import {
  createRolloutQueue,
  deliverAll,
  type RolloutQueue,
  type SqsHandler,
} from "../../scripts/fakes/sqs-event-source.js";
import { ecrPushEvent, motoAvailable, pushFakeImage } from "../support/moto.js";
import { motoServerFixture } from "../support/moto-fixture.js";
import { jsonLines, printedLines } from "../support/output.js";

const ACCOUNT = "123456789012";
const REGION = "us-east-1";
const REPOSITORY = "team/app";
const IMAGE = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${REPOSITORY}`;
const FOLLOW = "ecs-deployments:follow";
const SERVICE_NAME = "my-ecr-deployer";
/** A valid service name of the longest length ECS allows. */
const LONG_NAME = `skip-${"n".repeat(250)}`;

type Line = Record<string, unknown> & { level?: string; message?: string };

describe.skipIf(!motoAvailable())("ecr-deployer at its limits, against moto_server", () => {
  motoServerFixture(REGION);
  let ecs: ECSClient;
  let sqs: SQSClient;
  let queue: RolloutQueue;
  let handler: (event: unknown) => Promise<DeploymentSummary>;
  let rolloutHandler: SqsHandler;
  let brokenArn: string;
  let event: Record<string, unknown>;

  beforeAll(async () => {
    vi.stubEnv("POWERTOOLS_LOG_LEVEL", "DEBUG");
    vi.stubEnv("POWERTOOLS_SERVICE_NAME", SERVICE_NAME);
    vi.stubEnv("POWERTOOLS_DEV", "");
    vi.stubEnv("ALLOWED_CLUSTERS", "");
    vi.stubEnv("DEFAULT_TAG_PATTERN", "");
    vi.stubEnv("DRY_RUN", "false");
    sqs = new SQSClient({ region: REGION });
    queue = await createRolloutQueue(sqs, { name: "limits-rollout" });
    vi.stubEnv("ROLLOUT_QUEUE_URL", queue.url);
    ecs = new ECSClient({ region: REGION });
    const ecr = new ECRClient({ region: REGION });

    await ecr.send(new CreateRepositoryCommand({ repositoryName: REPOSITORY }));
    await pushFakeImage(ecr, REPOSITORY, "v1");
    await ecs.send(new CreateClusterCommand({ clusterName: "prod" }));
    const register = async (family: string, image: string) =>
      (
        await ecs.send(
          new RegisterTaskDefinitionCommand({
            family,
            containerDefinitions: [{ name: "app", image, memory: 256, essential: true }],
          }),
        )
      ).taskDefinition?.taskDefinitionArn as string;
    const webArn = await register("web", `${IMAGE}:v1`);
    brokenArn = await register("broken", `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/other:1`);
    const services: [string, string, string][] = [
      ["web", webArn, "v*"],
      ["broken", brokenArn, "v*"],
      [LONG_NAME, webArn, "release-*"],
    ];
    for (const [serviceName, taskDefinition, pattern] of services) {
      await ecs.send(
        new CreateServiceCommand({
          cluster: "prod",
          serviceName,
          taskDefinition,
          desiredCount: 1,
          tags: [{ key: FOLLOW, value: pattern }],
        }),
      );
    }
    // The revision of "broken" is gone while the service still names it.
    await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: brokenArn }));
    await ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions: [brokenArn] }));

    const pushed = await pushFakeImage(ecr, REPOSITORY, "v2");
    event = ecrPushEvent({
      account: ACCOUNT,
      region: REGION,
      repository: REPOSITORY,
      digest: pushed.image?.imageId?.imageDigest as string,
      tag: "v2",
    });
    vi.resetModules();
    ({ handler, rolloutHandler } = await import("../../functions/ecr-deployer/index.js"));
  });

  it("refuses a 100 KB repository name with a classified error before any AWS call", async () => {
    // Prepare
    const clients = [ECSClient, ECRClient, SQSClient, SSMClient];
    const sends = clients.map((Client) => vi.spyOn(Client.prototype, "send"));
    const hostile = ecrPushEvent({
      account: ACCOUNT,
      region: REGION,
      repository: "a".repeat(100 * 1024),
      digest: `sha256:${"c".repeat(64)}`,
      tag: "v2",
    });

    // Act
    const { result, lines: raw } = await printedLines(() =>
      handler(hostile).catch((error: unknown) => error),
    );

    // Assess
    try {
      expect(result).toMatchObject({
        name: "InvalidEventError",
        retryable: false,
        field: "detail.repository-name",
      });
      expect(String((result as Error).message)).toContain("2 to 256 characters");
      for (const send of sends) expect(send).not.toHaveBeenCalled();
      for (const line of raw) expect(Buffer.byteLength(line)).toBeLessThan(8 * 1024);
    } finally {
      for (const send of sends) send.mockRestore();
    }
  });

  it("rolls the others when an unrelated opted-in service's task definition cannot be read: WARN and metric name it", async () => {
    // Act
    const { result, lines: raw } = await printedLines(async () => {
      const summary = await handler(event);
      await deliverAll({
        sqs,
        queueUrl: queue.url,
        queueArn: queue.arn,
        handler: rolloutHandler,
      });
      return summary;
    });
    const lines = jsonLines(raw) as Line[];

    // Assess: the push succeeded and "web" rolled
    expect(result.status).not.toBe("partial-failure");
    expect(result.failed).toEqual([]);
    expect(result.unreadable).toEqual([
      expect.objectContaining({ cluster: "prod", service: "broken", taskDefinitionArn: brokenArn }),
    ]);
    const { services } = await ecs.send(
      new DescribeServicesCommand({ cluster: "prod", services: ["web", "broken"] }),
    );
    expect(services?.find((s) => s.serviceName === "web")?.taskDefinition).not.toMatch(/web:1$/);
    expect(services?.find((s) => s.serviceName === "broken")?.taskDefinition).toBe(brokenArn);

    // Assess: a WARN naming the service
    const warnings = lines.filter((l) => l.level === "WARN");
    expect(warnings).toEqual([
      expect.objectContaining({
        message: "Task definition unreadable; service left alone",
        cluster: "prod",
        ecsService: "broken",
        taskDefinition: brokenArn,
      }),
    ]);

    // Assess: the metric, with the agreed dimension, naming the service
    const emf = lines.filter((l) => "_aws" in l);
    expect(emf).toHaveLength(1);
    expect(emf[0]).toMatchObject({
      [Metric.UNREADABLE_TASK_DEFINITIONS]: 1,
      [Metric.SERVICE_DIMENSION]: SERVICE_NAME,
      unreadableServices: "prod/broken",
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: Metric.NAMESPACE,
            Dimensions: [[Metric.SERVICE_DIMENSION]],
            Metrics: [{ Name: Metric.UNREADABLE_TASK_DEFINITIONS, Unit: "Count" }],
          },
        ],
      },
    });

    // Assess: the push summary counts it
    const summaryLine = lines.find((l) => l.message === "Push planned");
    expect(summaryLine).toMatchObject({ unreadable: 1, unreadableServices: ["prod/broken"] });

    // Assess: INFO lines ≤ 2 + services changed (one changed: web); skips are DEBUG, counted
    const info = lines.filter((l) => l.level === "INFO");
    expect(info.length).toBeLessThanOrEqual(2 + 1);
    expect(info.filter((l) => l.message === "Push planned")).toHaveLength(1);
    expect(summaryLine?.skippedByReason).toEqual({ "tag-pattern-mismatch": 1 });
    expect(lines.filter((l) => l.level === "DEBUG" && l.message === "Service skipped")).toEqual([
      expect.objectContaining({ ecsService: LONG_NAME }),
    ]);

    // Assess: no line of logs or metrics reaches 8 KB
    expect(raw.length).toBeGreaterThan(5);
    for (const line of raw) expect(Buffer.byteLength(line)).toBeLessThan(8 * 1024);
  });
});
