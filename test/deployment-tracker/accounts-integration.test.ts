/**
 * The tracker in a central account A recording deployments of workload account B, on
 * moto_server with several accounts: credentials from `sts:AssumeRole` act in the role's
 * account, so B's service, task definition and repository exist only for B's role.
 */
import { clearCaches } from "@aws-lambda-powertools/parameters";
import { CreateRepositoryCommand, ECRClient } from "@aws-sdk/client-ecr";
import {
  CreateClusterCommand,
  CreateServiceCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from "@aws-sdk/client-ecs";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import type { Context } from "aws-lambda";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { LINKED_ACCOUNTS_ENV_VAR } from "../../functions/shared/contract.js";
import { motoAvailable, pushFakeImage, useMotoEnvironment } from "../support/moto.js";
import { motoServerFixture } from "../support/moto-fixture.js";
import { createMotoUser, setMotoAuthentication } from "../support/moto-iam.js";
import { captureLogs } from "./helpers.js";
import { type Receiver, startReceiver } from "./receiver.js";

const REGION = "us-east-1";
const CENTRAL = "123456789012"; // moto's default account: the tracker's own
const B = "222222222222";
const UNLINKED = "444444444444";
const READ_ROLE = `arn:aws:iam::${B}:role/platform-read`;
const EXTERNAL_ID = "ecs-deployments-3f9c";
const context = {
  invokedFunctionArn: `arn:aws:lambda:${REGION}:${CENTRAL}:function:platform-deployment-tracker`,
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;

/** An image in `account`'s ECR, with its digest. */
async function pushImage(ecr: ECRClient, repositoryName: string, tag: string) {
  const repository = await ecr.send(new CreateRepositoryCommand({ repositoryName }));
  const put = await pushFakeImage(ecr, repositoryName, tag, `${repositoryName}-${tag}`);
  return {
    image: `${repository.repository?.repositoryUri}:${tag}`,
    digest: put.image?.imageId?.imageDigest as string,
  };
}

const available = motoAvailable();

describe.skipIf(!available)("deployment-tracker with linked accounts, against moto_server", () => {
  const moto = motoServerFixture(REGION);
  let receiver: Receiver;
  let secretArn: string;
  let serviceArn: string;
  let deploymentId: string;
  let taskDefinitionArn: string;
  let inB: { image: string; digest: string };
  let central: { image: string; digest: string };
  let logs: ReturnType<typeof captureLogs>;
  let assumeRoleCalls: () => { RoleArn?: string; ExternalId?: string }[];

  beforeAll(async () => {
    receiver = await startReceiver();

    // The central registry (A) and B's own registry each hold one image the service runs.
    central = await pushImage(new ECRClient({ region: REGION }), "platform/agent", "3");
    const b = await moto.credentialsIn(B);
    inB = await pushImage(new ECRClient({ region: REGION, credentials: b }), "team/app", "v1");

    const ecsB = new ECSClient({ region: REGION, credentials: b });
    await ecsB.send(new CreateClusterCommand({ clusterName: "prod" }));
    const td = await ecsB.send(
      new RegisterTaskDefinitionCommand({
        family: "web",
        containerDefinitions: [
          { name: "app", image: inB.image, memory: 128 },
          { name: "agent", image: central.image, memory: 64 },
        ],
      }),
    );
    taskDefinitionArn = td.taskDefinition?.taskDefinitionArn as string;
    const service = await ecsB.send(
      new CreateServiceCommand({
        cluster: "prod",
        serviceName: "web",
        taskDefinition: taskDefinitionArn,
        desiredCount: 1,
      }),
    );
    serviceArn = service.service?.serviceArn as string;
    deploymentId = service.service?.deployments?.[0]?.id as string;

    const secrets = new SecretsManagerClient({ region: REGION });
    const secret = await secrets.send(
      new CreateSecretCommand({ Name: "tracker-api-key", SecretString: "k" }),
    );
    secretArn = secret.ARN as string;
  });

  afterAll(async () => {
    await receiver?.close();
  });

  beforeEach(() => {
    clearCaches();
    logs = captureLogs();
    receiver.answer(200);
    const send = vi.spyOn(STSClient.prototype, "send");
    assumeRoleCalls = () =>
      send.mock.calls
        .map(([command]) => command)
        .filter((command) => command instanceof AssumeRoleCommand)
        .map((command) => (command as AssumeRoleCommand).input);
  });

  afterEach(() => {
    logs.restore();
    vi.restoreAllMocks();
  });

  /** The tracker's handler as Lambda loads it, with B linked. */
  async function importHandler() {
    process.env.ENDPOINT_URL = receiver.url;
    process.env.ALLOW_INSECURE_LOOPBACK_ENDPOINT = "true";
    process.env.API_KEY_SECRET_ARN = secretArn;
    process.env.DELIVERY_MAX_ATTEMPTS = "1";
    process.env.POWERTOOLS_SERVICE_NAME = "platform-deployment-tracker";
    process.env[LINKED_ACCOUNTS_ENV_VAR] = JSON.stringify([
      {
        id: B,
        regions: [REGION],
        read_role_arn: READ_ROLE,
        deploy_role_arn: `arn:aws:iam::${B}:role/platform-deploy`,
        external_id: EXTERNAL_ID,
      },
    ]);
    vi.resetModules();
    return (await import("../../functions/deployment-tracker/index.js")).handler;
  }

  const event = (id: string, account = B, resource = serviceArn) => ({
    version: "0",
    id,
    "detail-type": "ECS Deployment State Change",
    source: "aws.ecs",
    account,
    time: "2026-12-01T10:30:45Z",
    region: REGION,
    resources: [resource],
    detail: { eventType: "INFO", eventName: "SERVICE_DEPLOYMENT_COMPLETED", deploymentId },
  });

  it("records a deployment completed in B with the digests read through B's read role", async () => {
    // Prepare
    const handler = await importHandler();

    // Act
    const result = await handler(event("a1b2c3d4-0000-4000-8000-000000000001"), context);

    // Assess
    expect(result).toMatchObject({ status: "delivered", digests: 2 });
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]?.body).toEqual({
      runtime: "ecs",
      scope: `${REGION}/prod`,
      workloads: [
        {
          name: "web",
          properties: expect.objectContaining({
            serviceArn,
            account: B,
            taskDefinition: taskDefinitionArn,
            images: [
              { containerName: "app", image: inB.image, digest: inB.digest },
              { containerName: "agent", image: central.image, digest: central.digest },
            ],
          }),
          digests: [inB.digest, central.digest],
        },
      ],
    });
    expect(serviceArn).toContain(`:${B}:service/prod/web`);
    expect(assumeRoleCalls()).toEqual([
      expect.objectContaining({
        RoleArn: READ_ROLE,
        ExternalId: EXTERNAL_ID,
        RoleSessionName: "platform-deployment-tracker",
      }),
    ]);
  });

  it("assumes no role on a warm invocation while the credentials are valid", async () => {
    // Prepare
    const handler = await importHandler();
    await handler(event("a1b2c3d4-0000-4000-8000-000000000002"), context);
    const cold = assumeRoleCalls().length;

    // Act
    await handler(event("a1b2c3d4-0000-4000-8000-000000000003"), context);
    await handler(event("a1b2c3d4-0000-4000-8000-000000000004"), context);

    // Assess
    expect(cold).toBe(1);
    expect(assumeRoleCalls()).toHaveLength(1);
    expect(receiver.requests).toHaveLength(3);
  });

  it("refuses an event from an unlinked account with a non-retryable UnlinkedAccountError", async () => {
    // Prepare
    const handler = await importHandler();
    const foreign = serviceArn.replace(`:${B}:`, `:${UNLINKED}:`);

    // Act
    const act = handler(event("a1b2c3d4-0000-4000-8000-000000000005", UNLINKED, foreign), context);

    // Assess
    await expect(act).rejects.toMatchObject({
      name: "UnlinkedAccountError",
      retryable: false,
      accountId: UNLINKED,
    });
    expect(receiver.requests).toHaveLength(0);
    expect(assumeRoleCalls()).toHaveLength(0);
  });

  it("fails the event with a non-retryable AccountRoleError when B's read role cannot be assumed", async () => {
    // Prepare: with authentication on, STS refuses a caller that may not assume the role,
    // as AWS answers for a role that is missing or does not trust the tracker.
    const key = await createMotoUser(moto.endpoint, "tracker-without-assume-role", {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: [
            "ecs:Describe*",
            "ecs:List*",
            "ecr:BatchGetImage",
            "secretsmanager:GetSecretValue",
          ],
          Resource: "*",
        },
      ],
    });
    process.env.AWS_ACCESS_KEY_ID = key.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = key.secretAccessKey;
    delete process.env.AWS_SESSION_TOKEN;
    const handler = await importHandler();
    await setMotoAuthentication(moto.endpoint, true);

    // Act
    const error = await handler(event("a1b2c3d4-0000-4000-8000-000000000006"), context).catch(
      (e: unknown) => e,
    );

    // Assess
    await setMotoAuthentication(moto.endpoint, false);
    useMotoEnvironment(moto.endpoint, REGION);
    expect(error).toMatchObject({ name: "AccountRoleError", retryable: false, accountId: B });
    expect((error as Error).message).toContain(
      `Cannot assume ${READ_ROLE} (account ${B}) in ${REGION}: AccessDenied`,
    );
    expect(receiver.requests).toHaveLength(0);
    expect(logs.entries().find((e) => e.message === "Deployment not recorded")).toMatchObject({
      errorName: "AccountRoleError",
      account: B,
    });
  });
});
