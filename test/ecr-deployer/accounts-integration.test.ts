/**
 * The deployer in a central account A rolling a push to A's registry out to workload
 * accounts B and C, on moto_server with several accounts: credentials from
 * `sts:AssumeRole` act in the role's account, so B's, C's and D's clusters, services and
 * task definitions exist only for their own credentials. D has an opted-in service too,
 * but is not linked.
 */
import { CreateRepositoryCommand, ECRClient } from "@aws-sdk/client-ecr";
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from "@aws-sdk/client-ecs";
import { SQSClient } from "@aws-sdk/client-sqs";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import {
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  type MockInstance,
  vi,
} from "vitest";
import type { DeploymentSummary } from "../../functions/ecr-deployer/types.js";
import { LINKED_ACCOUNTS_ENV_VAR } from "../../functions/shared/contract.js";
import {
  createRolloutQueue,
  deliverAll,
  type RolloutQueue,
  type SqsHandler,
} from "../../scripts/fakes/sqs-event-source.js";
import { ecrPushEvent, motoAvailable, pushFakeImage } from "../support/moto.js";
import { motoServerFixture } from "../support/moto-fixture.js";

const REGION = "us-east-1";
const A = "123456789012"; // moto's default account: the registry's and the functions' own
const B = "222222222222";
const C = "333333333333";
const D = "444444444444"; // not linked
const REPOSITORY = "platform/agent";
const IMAGE = `${A}.dkr.ecr.${REGION}.amazonaws.com/${REPOSITORY}`;
const FOLLOW = "ecs-deployments:follow";
const realSend = STSClient.prototype.send;
const deployRole = (account: string) => `arn:aws:iam::${account}:role/platform-deploy`;

describe.skipIf(!motoAvailable())("ecr-deployer with linked accounts, against moto_server", () => {
  const moto = motoServerFixture(REGION);
  let sqs: SQSClient;
  let queue: RolloutQueue;
  let ecr: ECRClient;
  const ecsOf = new Map<string, ECSClient>();
  let assumeRoleCalls: () => { RoleArn?: string }[];
  let sent: MockInstance<(command: unknown, ...rest: unknown[]) => Promise<unknown>>;

  /** Pushes `tag` to A's registry; the push event and its digest. */
  async function push(tag: string, id: string) {
    const pushed = await pushFakeImage(ecr, REPOSITORY, tag);
    const digest = pushed.image?.imageId?.imageDigest as string;
    return {
      digest,
      event: ecrPushEvent({ account: A, region: REGION, repository: REPOSITORY, digest, tag, id }),
    };
  }

  /** The agent image a service of `account` runs now. */
  async function imageOf(account: string, service: string): Promise<string> {
    const ecs = ecsOf.get(account) as ECSClient;
    const { services } = await ecs.send(
      new DescribeServicesCommand({ cluster: "prod", services: [service] }),
    );
    const { taskDefinition } = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: services?.[0]?.taskDefinition }),
    );
    return taskDefinition?.containerDefinitions?.find((c) => c.name === "agent")?.image as string;
  }

  /** Both handlers as Lambda loads them (fresh module: no credentials cached yet). */
  async function importHandlers(): Promise<{
    handler: (event: unknown) => Promise<DeploymentSummary>;
    rolloutHandler: SqsHandler;
  }> {
    vi.resetModules();
    return import("../../functions/ecr-deployer/index.js");
  }

  beforeAll(async () => {
    vi.stubEnv("POWERTOOLS_LOG_LEVEL", "WARN");
    vi.stubEnv("ALLOWED_CLUSTERS", "");
    vi.stubEnv("DEFAULT_TAG_PATTERN", "");
    vi.stubEnv("IMAGE_PIN", "tag-and-digest");
    vi.stubEnv("DRY_RUN", "false");
    vi.stubEnv(
      LINKED_ACCOUNTS_ENV_VAR,
      JSON.stringify(
        [B, C].map((id) => ({
          id,
          regions: [REGION],
          read_role_arn: `arn:aws:iam::${id}:role/platform-read`,
          deploy_role_arn: deployRole(id),
        })),
      ),
    );
    sqs = new SQSClient({ region: REGION });
    queue = await createRolloutQueue(sqs);
    vi.stubEnv("ROLLOUT_QUEUE_URL", queue.url);
    ecr = new ECRClient({ region: REGION });
    await ecr.send(new CreateRepositoryCommand({ repositoryName: REPOSITORY }));
    await push("v1", "5f4e3d2c-1b0a-4f9e-8d7c-000000000001");

    // Every account runs "web" (follows v*) and "batch" (not opted in) on the central agent.
    ecsOf.set(A, new ECSClient({ region: REGION }));
    for (const account of [B, C, D])
      ecsOf.set(
        account,
        new ECSClient({ region: REGION, credentials: await moto.credentialsIn(account) }),
      );
    for (const [account, ecs] of ecsOf) {
      await ecs.send(new CreateClusterCommand({ clusterName: "prod" }));
      const td = await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: "web",
          containerDefinitions: [
            { name: "app", image: `public.ecr.aws/docker/library/nginx:1.27`, memory: 128 },
            { name: "agent", image: `${IMAGE}:v1`, memory: 64 },
          ],
        }),
      );
      for (const [serviceName, tags] of [
        ["web", [{ key: FOLLOW, value: "v*" }]],
        ["batch", [{ key: "team", value: account }]],
      ] as const) {
        await ecs.send(
          new CreateServiceCommand({
            cluster: "prod",
            serviceName,
            taskDefinition: td.taskDefinition?.taskDefinitionArn,
            desiredCount: 1,
            tags: [...tags],
          }),
        );
      }
    }
  });

  beforeEach(() => {
    sent = vi.spyOn(STSClient.prototype, "send") as unknown as typeof sent;
    assumeRoleCalls = () =>
      sent.mock.calls
        .map(([command]) => command)
        .filter((command) => command instanceof AssumeRoleCommand)
        .map((command) => (command as AssumeRoleCommand).input);
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("rolls a push in A out to the opted-in services of A, B and C, and to nothing in D", async () => {
    // Prepare
    const { handler, rolloutHandler } = await importHandlers();
    const { event, digest } = await push("v2", "5f4e3d2c-1b0a-4f9e-8d7c-000000000002");

    // Act
    const summary = await handler(event);
    const stats = await deliverAll({
      sqs,
      queueUrl: queue.url,
      queueArn: queue.arn,
      handler: rolloutHandler,
    });

    // Assess
    expect(summary.status).toBe("queued");
    expect(summary.accounts).toEqual(
      [A, B, C].map((account) => ({
        account,
        candidates: 1,
        servicesToUpdate: 1,
        workItems: 1,
        failed: 0,
      })),
    );
    expect(stats).toMatchObject({ messagesDeleted: 3, itemFailures: 0, failed: 0 });
    for (const account of [A, B, C]) {
      expect(await imageOf(account, "web")).toBe(`${IMAGE}:v2@${digest}`);
      expect(await imageOf(account, "batch")).toBe(`${IMAGE}:v1`);
    }
    expect(await imageOf(D, "web")).toBe(`${IMAGE}:v1`);
    expect(await imageOf(D, "batch")).toBe(`${IMAGE}:v1`);
    // Each linked deploy role once per handler (push and rollout are separate functions); D's never.
    const roles = assumeRoleCalls().map((c) => c.RoleArn);
    expect(roles.sort()).toEqual([deployRole(B), deployRole(B), deployRole(C), deployRole(C)]);
  });

  it("assumes no role again on a warm push while the credentials are valid", async () => {
    // Prepare
    const { handler, rolloutHandler } = await importHandlers();
    await handler((await push("v2-warm-a", "5f4e3d2c-1b0a-4f9e-8d7c-000000000003")).event);
    const cold = assumeRoleCalls().length;

    // Act
    await handler((await push("v2-warm-b", "5f4e3d2c-1b0a-4f9e-8d7c-000000000004")).event);

    // Assess
    expect(cold).toBe(2);
    expect(assumeRoleCalls()).toHaveLength(cold);
    await deliverAll({ sqs, queueUrl: queue.url, queueArn: queue.arn, handler: rolloutHandler });
  });

  it("fails only the account whose deploy role cannot be assumed, and the invocation reports it", async () => {
    // Prepare: STS refuses C's deploy role, as AWS does for a role that is missing or does not trust A.
    const { handler, rolloutHandler } = await importHandlers();
    sent.mockImplementation(function (this: STSClient, command: unknown, ...rest: unknown[]) {
      if (command instanceof AssumeRoleCommand && command.input.RoleArn === deployRole(C)) {
        return Promise.reject(
          Object.assign(
            new Error(`User is not authorized to perform: sts:AssumeRole on ${deployRole(C)}`),
            {
              name: "AccessDenied",
              $fault: "client",
              $metadata: { httpStatusCode: 403 },
            },
          ),
        );
      }
      return (realSend as (...args: unknown[]) => Promise<unknown>).call(this, command, ...rest);
    } as never);
    const { event, digest } = await push("v3", "5f4e3d2c-1b0a-4f9e-8d7c-000000000005");

    // Act
    const error = await handler(event).catch((e: unknown) => e);
    const stats = await deliverAll({
      sqs,
      queueUrl: queue.url,
      queueArn: queue.arn,
      handler: rolloutHandler,
    });

    // Assess
    expect(error).toMatchObject({
      name: "AccountFailureError",
      retryable: false,
      accounts: [{ account: C, retryable: false }],
    });
    expect((error as Error).message).toContain(`Cannot assume ${deployRole(C)} (account ${C})`);
    expect(stats).toMatchObject({ messagesDeleted: 2, itemFailures: 0, failed: 0 });
    expect(await imageOf(A, "web")).toBe(`${IMAGE}:v3@${digest}`);
    expect(await imageOf(B, "web")).toBe(`${IMAGE}:v3@${digest}`);
    expect(await imageOf(C, "web")).not.toContain(":v3");
    expect(await imageOf(D, "web")).toBe(`${IMAGE}:v1`);
  });
});
