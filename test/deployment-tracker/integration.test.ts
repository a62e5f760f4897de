import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { clearCaches } from "@aws-lambda-powertools/parameters";
import { CreateRepositoryCommand, ECRClient } from "@aws-sdk/client-ecr";
import {
  CreateClusterCommand,
  CreateServiceCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from "@aws-sdk/client-ecs";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { motoAvailable, pushFakeImage } from "../support/moto.js";
import { motoServerFixture } from "../support/moto-fixture.js";
import { captureLogs } from "./helpers.js";
import { type Receiver, startReceiver } from "./receiver.js";

const REGION = "us-east-1";
const ACCOUNT = "123456789012";
const API_KEY = "ck-integration-7d1e0b2a-NEVER-LOG";
const PINNED_HUB_DIGEST = `sha256:${"4c".repeat(32)}`;
const PINNED_HUB_IMAGE = `nginx:1.27@${PINNED_HUB_DIGEST}`;

/** A loopback URL where nothing listens. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/_/chip/workloads`;
}

const available = motoAvailable();

describe.skipIf(!available)("deployment-tracker against moto_server and a local receiver", () => {
  motoServerFixture(REGION);
  let receiver: Receiver;
  let secretArn: string;
  let ecrDigest: string;
  let ecrImage: string;
  let serviceArn: string;
  let deploymentId: string;
  let taskDefinitionArn: string;
  let logs: ReturnType<typeof captureLogs>;

  beforeAll(async () => {
    receiver = await startReceiver();

    const ecr = new ECRClient({ region: REGION });
    const repository = await ecr.send(new CreateRepositoryCommand({ repositoryName: "team/app" }));
    ecrImage = `${repository.repository?.repositoryUri}:v1`;
    const put = await pushFakeImage(ecr, "team/app", "v1");
    ecrDigest = put.image?.imageId?.imageDigest as string;

    const ecs = new ECSClient({ region: REGION });
    await ecs.send(new CreateClusterCommand({ clusterName: "prod" }));
    const td = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: "web",
        containerDefinitions: [
          { name: "app", image: ecrImage, memory: 128 },
          { name: "proxy", image: PINNED_HUB_IMAGE, memory: 64 },
        ],
      }),
    );
    taskDefinitionArn = td.taskDefinition?.taskDefinitionArn as string;
    const service = await ecs.send(
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
      new CreateSecretCommand({ Name: "deployment-tracker-api-key", SecretString: API_KEY }),
    );
    secretArn = secret.ARN as string;
  });

  afterAll(async () => {
    await receiver?.close();
  });

  beforeEach(() => {
    clearCaches();
    logs = captureLogs();
  });

  afterEach(() => {
    logs.restore();
  });

  async function importHandler(endpointUrl: string) {
    process.env.ENDPOINT_URL = endpointUrl;
    process.env.ALLOW_INSECURE_LOOPBACK_ENDPOINT = "true";
    process.env.API_KEY_SECRET_ARN = secretArn;
    process.env.DELIVERY_MAX_ATTEMPTS = "3";
    process.env.REQUEST_TIMEOUT_MS = "2000";
    process.env.POWERTOOLS_LOG_LEVEL = "DEBUG";
    vi.resetModules();
    return (await import("../../functions/deployment-tracker/index.js")).handler;
  }

  function event(id: string) {
    return {
      version: "0",
      id,
      "detail-type": "ECS Deployment State Change",
      source: "aws.ecs",
      account: ACCOUNT,
      time: "2026-11-21T10:30:45Z",
      region: REGION,
      resources: [serviceArn],
      detail: {
        eventType: "INFO",
        eventName: "SERVICE_DEPLOYMENT_COMPLETED",
        deploymentId,
        updatedAt: "2026-11-21T10:30:40Z",
        reason: `ECS deployment ${deploymentId} completed.`,
      },
    };
  }

  it("delivers exactly the seed-shaped record with the ECR and pinned digests", async () => {
    // Prepare
    receiver.answer(200);
    const handler = await importHandler(receiver.url);

    // Act
    const result = await handler(event("7b0f7c1e-0000-4000-8000-000000000001"));

    // Assess
    expect(result).toMatchObject({ status: "delivered", attempts: 1, digests: 2 });
    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(request?.headers["x-cardinalhq-api-key"]).toBe(API_KEY);
    expect(request?.headers["idempotency-key"]).toBe("7b0f7c1e-0000-4000-8000-000000000001");
    expect(request?.body).toEqual({
      runtime: "ecs",
      scope: `${REGION}/prod`,
      workloads: [
        {
          name: "web",
          properties: {
            serviceArn,
            cluster: "prod",
            region: REGION,
            account: ACCOUNT,
            deploymentId,
            eventType: "SERVICE_DEPLOYMENT_COMPLETED",
            taskDefinition: taskDefinitionArn,
            images: [
              { containerName: "app", image: ecrImage, digest: ecrDigest },
              { containerName: "proxy", image: PINNED_HUB_IMAGE, digest: PINNED_HUB_DIGEST },
            ],
            timestamp: "2026-11-21T10:30:45Z",
            status: "COMPLETED",
            reason: `ECS deployment ${deploymentId} completed.`,
          },
          digests: [ecrDigest, PINNED_HUB_DIGEST],
        },
      ],
    });
    expect(ecrDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(logs.text()).toContain("falling back to DescribeServices");
    expect(logs.text()).not.toContain(API_KEY);
  });

  it("delivers the record once, with one idempotency key, when the receiver answers 503 then 200", async () => {
    // Prepare
    receiver.answer(503, 200);
    const handler = await importHandler(receiver.url);

    // Act
    const result = await handler(event("7b0f7c1e-0000-4000-8000-000000000002"));

    // Assess
    expect(result).toMatchObject({ status: "delivered", attempts: 2 });
    expect(receiver.requests).toHaveLength(2);
    expect(receiver.requests.map((r) => r.headers["idempotency-key"])).toEqual([
      "7b0f7c1e-0000-4000-8000-000000000002",
      "7b0f7c1e-0000-4000-8000-000000000002",
    ]);
    expect(receiver.requests[0]?.body).toEqual(receiver.requests[1]?.body);
    expect(logs.text()).toContain("Delivery attempt failed");
    expect(logs.text()).not.toContain(API_KEY);
  });

  it("throws DeliveryFailedError when the receiver is down", async () => {
    // Prepare
    const handler = await importHandler(await closedPortUrl());

    // Act
    const act = handler(event("7b0f7c1e-0000-4000-8000-000000000003"));

    // Assess
    await expect(act).rejects.toMatchObject({
      name: "DeliveryFailedError",
      retryable: true,
      attempts: 3,
    });
    expect(logs.text()).toContain("Deployment not recorded");
    expect(logs.text()).not.toContain(API_KEY);
  });
});
