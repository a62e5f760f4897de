import { CreateRepositoryCommand, ECRClient } from "@aws-sdk/client-ecr";
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  type TaskDefinition,
} from "@aws-sdk/client-ecs";
import { SQSClient } from "@aws-sdk/client-sqs";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { REGISTERABLE_FIELDS } from "../../functions/ecr-deployer/task-definition.js";
import type { DeploymentSummary } from "../../functions/ecr-deployer/types.js";
import {
  createRolloutQueue,
  deliverAll,
  type RolloutQueue,
  type SqsHandler,
} from "../../scripts/fakes/sqs-event-source.js";
import { ecrPushEvent, motoAvailable, pushFakeImage } from "../support/moto.js";
import { motoServerFixture } from "../support/moto-fixture.js";

const ACCOUNT = "123456789012";
const REGION = "us-east-1";
const REPOSITORY = "team/app";
const IMAGE = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${REPOSITORY}`;
const FOLLOW = "ecs-deployments:follow";

function registerable(taskDefinition: TaskDefinition): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(taskDefinition).filter(
      ([key, value]) => (REGISTERABLE_FIELDS as readonly string[]).includes(key) && value != null,
    ),
  );
}

describe.skipIf(!motoAvailable())("ecr-deployer against moto_server", () => {
  motoServerFixture(REGION);
  let ecs: ECSClient;
  let ecr: ECRClient;
  let handler: (event: unknown) => Promise<DeploymentSummary>;
  let rolloutHandler: SqsHandler;
  let sqs: SQSClient;
  let queue: RolloutQueue;
  /** The push handler, then the rollout of what it queued, as the event source mapping delivers it. */
  const deploy = async (pushEvent: unknown) => {
    const summary = await handler(pushEvent);
    const stats = await deliverAll({
      sqs,
      queueUrl: queue.url,
      queueArn: queue.arn,
      handler: rolloutHandler,
    });
    return { summary, stats };
  };
  let originalArn: string;
  let pushedDigest: string;
  let event: Record<string, unknown>;

  beforeAll(async () => {
    vi.stubEnv("POWERTOOLS_LOG_LEVEL", "WARN");
    vi.stubEnv("ALLOWED_CLUSTERS", "");
    vi.stubEnv("DEFAULT_TAG_PATTERN", "");
    vi.stubEnv("IMAGE_PIN", "tag-and-digest");
    vi.stubEnv("DRY_RUN", "false");
    sqs = new SQSClient({ region: REGION });
    queue = await createRolloutQueue(sqs);
    vi.stubEnv("ROLLOUT_QUEUE_URL", queue.url);
    ecs = new ECSClient({ region: REGION });
    ecr = new ECRClient({ region: REGION });

    await ecr.send(new CreateRepositoryCommand({ repositoryName: REPOSITORY }));
    await pushFakeImage(ecr, REPOSITORY, "v1");
    await ecs.send(new CreateClusterCommand({ clusterName: "prod" }));
    const registered = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: "web",
        taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/web-task`,
        executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/web-execution`,
        networkMode: "awsvpc",
        requiresCompatibilities: ["FARGATE"],
        cpu: "512",
        memory: "1024",
        runtimePlatform: { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" },
        ephemeralStorage: { sizeInGiB: 30 },
        containerDefinitions: [
          {
            name: "app",
            image: `${IMAGE}:v1`,
            essential: true,
            portMappings: [{ containerPort: 8080, protocol: "tcp" }],
            environment: [{ name: "MODE", value: "production" }],
            secrets: [
              { name: "TOKEN", valueFrom: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/web/token` },
            ],
            logConfiguration: {
              logDriver: "awslogs",
              options: {
                "awslogs-group": "/ecs/web",
                "awslogs-region": REGION,
                "awslogs-stream-prefix": "app",
              },
            },
          },
          {
            name: "sidecar",
            image: "public.ecr.aws/aws-observability/aws-otel-collector:latest",
            essential: false,
          },
        ],
        tags: [{ key: "team", value: "web" }],
      }),
    );
    originalArn = registered.taskDefinition?.taskDefinitionArn as string;
    for (const [serviceName, tags] of [
      ["web", [{ key: FOLLOW, value: "v*" }]],
      ["batch", [{ key: "team", value: "web" }]],
    ] as const) {
      await ecs.send(
        new CreateServiceCommand({
          cluster: "prod",
          serviceName,
          taskDefinition: originalArn,
          desiredCount: 1,
          launchType: "FARGATE",
          tags: [...tags],
          propagateTags: "SERVICE",
        }),
      );
    }
    const pushed = await pushFakeImage(ecr, REPOSITORY, "v2");
    pushedDigest = pushed.image?.imageId?.imageDigest as string;
    event = ecrPushEvent({
      account: ACCOUNT,
      region: REGION,
      repository: REPOSITORY,
      digest: pushedDigest,
      tag: "v2",
      id: "5f4e3d2c-1b0a-4f9e-8d7c-6b5a4f3e2d1c",
    });
    vi.resetModules();
    ({ handler, rolloutHandler } = await import("../../functions/ecr-deployer/index.js"));
  });

  async function serviceTaskDefinition(service: string): Promise<string> {
    const { services } = await ecs.send(
      new DescribeServicesCommand({ cluster: "prod", services: [service] }),
    );
    return services?.[0]?.taskDefinition as string;
  }

  it("moves the opted-in service to a new revision that differs only in the pushed image", async () => {
    // Prepare
    const before = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: originalArn, include: ["TAGS"] }),
    );

    // Act
    const { summary, stats } = await deploy(event);

    // Assess
    expect(summary).toMatchObject({
      status: "queued",
      queued: [expect.objectContaining({ action: "register", services: 1 })],
    });
    expect(stats).toMatchObject({ messagesDeleted: 1, itemFailures: 0, failed: 0, timedOut: 0 });
    const newArn = await serviceTaskDefinition("web");
    expect(newArn).not.toBe(originalArn);
    const after = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: newArn, include: ["TAGS"] }),
    );
    const [app, sidecar] = after.taskDefinition?.containerDefinitions ?? [];
    expect(app?.image).toBe(`${IMAGE}:v2@${pushedDigest}`);
    expect(sidecar?.image).toBe("public.ecr.aws/aws-observability/aws-otel-collector:latest");
    const expected = registerable(before.taskDefinition as TaskDefinition);
    expected.containerDefinitions = (expected.containerDefinitions as { name: string }[]).map(
      (c) => (c.name === "app" ? { ...c, image: `${IMAGE}:v2@${pushedDigest}` } : c),
    );
    expect(registerable(after.taskDefinition as TaskDefinition)).toEqual(expected);
    // The user's tags survive; the item tag marks the revision as this push's.
    expect(after.tags).toEqual([
      ...(before.tags ?? []),
      { key: "ecs-deployments:rollout-item", value: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);
  });

  it("leaves the service that did not opt in on its task definition", async () => {
    // Prepare / Act
    const batch = await serviceTaskDefinition("batch");

    // Assess
    expect(batch).toBe(originalArn);
  });

  it("registers nothing new when the same event arrives again", async () => {
    // Prepare
    const revisionsBefore = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: "web" }));

    // Act
    const { summary, stats } = await deploy(event);

    // Assess
    const revisionsAfter = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: "web" }));
    expect(summary.queued).toEqual([]);
    expect(stats.messagesReceived).toBe(0);
    expect(summary.skipped).toEqual([
      expect.objectContaining({ service: "web", reason: "already-on-pushed-image" }),
    ]);
    expect(revisionsAfter.taskDefinitionArns).toEqual(revisionsBefore.taskDefinitionArns);
  });
});
