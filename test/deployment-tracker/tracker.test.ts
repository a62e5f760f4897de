import { BatchGetImageCommand, ECRClient } from "@aws-sdk/client-ecr";
import {
  DescribeServicesCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
} from "@aws-sdk/client-ecs";
import type { Context } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  AwsThrottledError,
  DeliveryFailedError,
  DeliveryRejectedError,
  InvalidEventError,
  TrackerError,
} from "../../functions/deployment-tracker/errors.js";
import { createHandler } from "../../functions/deployment-tracker/tracker.js";
import { type FakeContainer, withoutServiceRevisions, withServiceRevision } from "./fakes.js";
import {
  ACCOUNT,
  API_KEY,
  captureLogs,
  completedEvent,
  DEPLOYMENT_ID,
  dependencies,
  digest,
  ecrImage,
  fetchAnswering,
  fixture,
  REGION,
  SERVICE_ARN,
  TASK_DEFINITION_ARN,
  throttling,
} from "./helpers.js";

const ecsMock = mockClient(ECSClient);
const ecrMock = mockClient(ECRClient);

/** n containers mixing ECR, Docker Hub, GHCR and public.ecr.aws, all resolved by ECS. */
function mixedContainers(n: number): FakeContainer[] {
  const images = [
    ecrImage("team/app", "v1"),
    "nginx:1.27",
    "ghcr.io/acme/api:2.0",
    "public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0",
    ecrImage("platform/agent", "3", "444455556666", "eu-central-1"),
  ];
  return Array.from({ length: n }, (_, i) => ({
    name: `c${i}`,
    image: images[i % images.length] as string,
    resolvedDigest: digest(((i % 15) + 1).toString(16)),
  }));
}

/** n containers in one ECR repository, without service revisions (the fallback path). */
function ecrContainers(n: number): FakeContainer[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `c${i}`,
    image: ecrImage("team/app", `v${i}`),
  }));
}

function ecrAnswersEveryTag(): void {
  ecrMock
    .on(BatchGetImageCommand)
    .callsFake(async (input: { imageIds: { imageTag: string }[] }) => ({
      images: input.imageIds.map((id) => ({
        imageId: { imageTag: id.imageTag, imageDigest: digest("e") },
      })),
      failures: [],
    }));
}

const awsCalls = () => ecsMock.calls().length + ecrMock.calls().length;

describe("handler", () => {
  let logs: ReturnType<typeof captureLogs>;

  beforeEach(() => {
    ecsMock.reset();
    ecrMock.reset();
    logs = captureLogs();
  });

  afterEach(() => logs.restore());

  it("delivers the seed-shaped record of a multi-container deployment with the digests ECS resolved", async () => {
    // Prepare
    const containers = mixedContainers(4);
    withServiceRevision(ecsMock, containers);
    const receiver = fetchAnswering(200);
    const handler = createHandler(dependencies({ fetch: receiver.fetch }));

    // Act
    const result = await handler(completedEvent());

    // Assess
    expect(result).toMatchObject({
      status: "delivered",
      taskDefinition: TASK_DEFINITION_ARN,
      images: 4,
      digests: 4,
      attempts: 1,
    });
    expect(receiver.calls).toHaveLength(1);
    expect(receiver.calls[0]?.body).toEqual({
      runtime: "ecs",
      scope: `${REGION}/prod`,
      workloads: [
        {
          name: "web",
          properties: {
            serviceArn: SERVICE_ARN,
            cluster: "prod",
            region: REGION,
            account: ACCOUNT,
            deploymentId: DEPLOYMENT_ID,
            eventType: "SERVICE_DEPLOYMENT_COMPLETED",
            taskDefinition: TASK_DEFINITION_ARN,
            images: containers.map((c) => ({
              containerName: c.name,
              image: c.image,
              digest: c.resolvedDigest,
            })),
            timestamp: "2026-11-21T10:30:45Z",
            status: "COMPLETED",
            reason: `ECS deployment ${DEPLOYMENT_ID} completed.`,
          },
          digests: containers.map((c) => c.resolvedDigest),
        },
      ],
    });
    expect(ecrMock.calls()).toHaveLength(0);
  });

  it("delivers a failed deployment with status FAILED and its reason", async () => {
    // Prepare
    withServiceRevision(ecsMock, mixedContainers(1));
    const receiver = fetchAnswering(200);
    const handler = createHandler(dependencies({ fetch: receiver.fetch }));
    const event = completedEvent(
      {},
      {
        eventType: "ERROR",
        eventName: "SERVICE_DEPLOYMENT_FAILED",
        reason: "ECS deployment circuit breaker: task failed to start.",
      },
    );

    // Act
    await handler(event);

    // Assess
    expect(receiver.calls[0]?.body).toMatchObject({
      workloads: [
        {
          properties: {
            status: "FAILED",
            eventType: "SERVICE_DEPLOYMENT_FAILED",
            reason: "ECS deployment circuit breaker: task failed to start.",
          },
        },
      ],
    });
  });

  it("delivers with ECR digests and the short ARN's default cluster when service revisions are unavailable", async () => {
    // Prepare
    withoutServiceRevisions(ecsMock, [
      { name: "app", image: ecrImage("team/app", "v1") },
      { name: "hub", image: `nginx:1.27@${digest("a")}` },
      { name: "local", image: "localhost:5000/app:1" },
    ]);
    ecrAnswersEveryTag();
    const receiver = fetchAnswering(200);
    const handler = createHandler(dependencies({ fetch: receiver.fetch }));
    const event = completedEvent({ resources: [`arn:aws:ecs:${REGION}:${ACCOUNT}:service/web`] });

    // Act
    await handler(event);

    // Assess
    expect(ecsMock.commandCalls(DescribeServicesCommand)[0]?.args[0].input).toEqual({
      cluster: "default",
      services: ["web"],
    });
    expect(receiver.calls[0]?.body).toMatchObject({
      scope: `${REGION}/default`,
      workloads: [
        {
          properties: {
            cluster: "default",
            images: [
              { containerName: "app", digest: digest("e") },
              { containerName: "hub", digest: digest("a") },
              { containerName: "local", digest: null },
            ],
          },
          digests: [digest("e"), digest("a")],
        },
      ],
    });
  });

  it.each([
    ["service revisions", (n: number) => withServiceRevision(ecsMock, mixedContainers(n))],
    [
      "the DescribeServices fallback",
      (n: number) => withoutServiceRevisions(ecsMock, ecrContainers(n)),
    ],
  ])(
    "makes the same number of AWS calls (at most 4) for 1 and 10 containers with %s",
    async (_label, arrange) => {
      // Prepare
      ecrAnswersEveryTag();
      const handler = createHandler(dependencies());
      arrange(1);

      // Act
      await handler(completedEvent());
      const forOne = awsCalls();
      ecsMock.reset();
      ecrMock.reset();
      ecrAnswersEveryTag();
      arrange(10);
      await handler(completedEvent());
      const forTen = awsCalls();

      // Assess
      expect(forTen).toBe(forOne);
      expect(forTen).toBeLessThanOrEqual(4);
    },
  );

  it("returns skipped without AWS calls for an in-progress deployment", async () => {
    // Prepare
    const receiver = fetchAnswering(200);
    const handler = createHandler(dependencies({ fetch: receiver.fetch }));

    // Act
    const result = await handler(fixture("deployment-in-progress.json").event);

    // Assess
    expect(result).toEqual({
      status: "skipped",
      reason: expect.stringContaining("SERVICE_DEPLOYMENT_IN_PROGRESS"),
    });
    expect(awsCalls()).toBe(0);
    expect(receiver.calls).toHaveLength(0);
    expect(logs.text()).toContain("Event skipped");
  });

  it("returns skipped for an ECS Service Action event", async () => {
    // Act
    const result = await createHandler(dependencies())(fixture("service-action.json").event);

    // Assess
    expect(result.status).toBe("skipped");
  });

  it.each([
    null,
    undefined,
    "x",
    1,
    [],
    {},
    { source: "aws.ecs", "detail-type": "ECS Deployment State Change" },
  ])("throws InvalidEventError, never a TypeError, for the malformed event %j", async (event) => {
    // Act
    const act = createHandler(dependencies())(event);

    // Assess
    await expect(act).rejects.toBeInstanceOf(InvalidEventError);
    expect(awsCalls()).toBe(0);
  });

  it("throws a retryable AwsThrottledError when ECS throttles", async () => {
    // Prepare
    ecsMock.on(ListServiceDeploymentsCommand).rejects(throttling());

    // Act
    const act = createHandler(dependencies())(completedEvent());

    // Assess
    await expect(act).rejects.toBeInstanceOf(AwsThrottledError);
    await expect(act).rejects.toMatchObject({ retryable: true });
  });

  it("throws a retryable AwsThrottledError when ECR throttles", async () => {
    // Prepare
    withoutServiceRevisions(ecsMock, ecrContainers(2));
    ecrMock.on(BatchGetImageCommand).rejects(throttling());

    // Act
    const act = createHandler(dependencies())(completedEvent());

    // Assess
    await expect(act).rejects.toBeInstanceOf(AwsThrottledError);
  });

  it("throws DeliveryFailedError after retrying with one idempotency key when the endpoint keeps failing", async () => {
    // Prepare
    withServiceRevision(ecsMock, mixedContainers(1));
    const receiver = fetchAnswering(503);
    const handler = createHandler(dependencies({ fetch: receiver.fetch }));

    // Act
    const act = handler(completedEvent());

    // Assess
    await expect(act).rejects.toBeInstanceOf(DeliveryFailedError);
    expect(receiver.calls).toHaveLength(3);
    expect(
      new Set(
        receiver.calls.map((c) => (c.init.headers as Record<string, string>)["Idempotency-Key"]),
      ),
    ).toEqual(new Set(["0d9c1a44-7a4d-4f8e-9a51-1f2b0c3d4e5f"]));
  });

  it("stops delivering when Retry-After is longer than the invocation has left (context's remaining time)", async () => {
    // Prepare: 30 s left, the endpoint asks for 10 minutes
    withServiceRevision(ecsMock, mixedContainers(1));
    const fetch = vi.fn(
      async () => new Response("{}", { status: 429, headers: { "retry-after": "600" } }),
    );
    const handler = createHandler(
      dependencies({ fetch: fetch as unknown as typeof globalThis.fetch }),
    );
    const context = {
      functionName: "deployment-tracker",
      awsRequestId: "req-1",
      getRemainingTimeInMillis: () => 30_000,
    } as unknown as Context;

    // Act
    const act = handler(completedEvent(), context);

    // Assess
    await expect(act).rejects.toBeInstanceOf(DeliveryFailedError);
    await expect(act).rejects.toThrow(/within the 30000 ms the invocation has left/);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it("throws DeliveryRejectedError when the endpoint answers 401", async () => {
    // Prepare
    withServiceRevision(ecsMock, mixedContainers(1));
    const handler = createHandler(dependencies({ fetch: fetchAnswering(401).fetch }));

    // Act
    const act = handler(completedEvent());

    // Assess
    await expect(act).rejects.toBeInstanceOf(DeliveryRejectedError);
  });

  it("sends the same idempotency key when Lambda retries the same event", async () => {
    // Prepare
    withServiceRevision(ecsMock, mixedContainers(1));
    const receiver = fetchAnswering(200);
    const handler = createHandler(dependencies({ fetch: receiver.fetch }));

    // Act
    await handler(completedEvent());
    await handler(completedEvent());

    // Assess
    const keys = receiver.calls.map(
      (c) => (c.init.headers as Record<string, string>)["Idempotency-Key"],
    );
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
  });

  it("wraps an unexpected error in TrackerError", async () => {
    // Prepare
    withServiceRevision(ecsMock, mixedContainers(1));
    const handler = createHandler(
      dependencies({
        getApiKey: async () => {
          throw new RangeError("boom");
        },
      }),
    );

    // Act
    const act = handler(completedEvent());

    // Assess
    await expect(act).rejects.toBeInstanceOf(TrackerError);
  });

  it("logs eventId, ecsService, cluster and deploymentId on every line and never the API key", async () => {
    // Prepare
    withServiceRevision(ecsMock, mixedContainers(3));
    const handler = createHandler(dependencies({ fetch: fetchAnswering(503, 200).fetch }));

    // Act
    await handler(completedEvent());

    // Assess
    const entries = logs.entries();
    expect(entries.length).toBeGreaterThan(2);
    for (const entry of entries) {
      expect(entry).toMatchObject({
        eventId: "0d9c1a44-7a4d-4f8e-9a51-1f2b0c3d4e5f",
        ecsService: "web",
        cluster: "prod",
        deploymentId: DEPLOYMENT_ID,
      });
    }
    expect(entries.some((e) => e.message === "Record built" && Array.isArray(e.images))).toBe(true);
    expect(logs.text()).not.toContain(API_KEY);
    expect(logs.text()).not.toContain("x-cardinalhq-api-key");
  });

  it("does not carry the keys of one event over to the next", async () => {
    // Prepare
    withServiceRevision(ecsMock, mixedContainers(1));
    const handler = createHandler(dependencies());
    await handler(completedEvent());

    // Act
    await handler(fixture("service-action.json").event);

    // Assess
    const last = logs.entries().at(-1);
    expect(last?.message).toBe("Event skipped");
    expect(last).not.toHaveProperty("eventId");
  });
});
