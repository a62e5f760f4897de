import { ECRClient } from "@aws-sdk/client-ecr";
import {
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { Backoff } from "../../functions/ecr-deployer/constants.js";
import { createHandler } from "../../functions/ecr-deployer/deployer.js";
import { InvalidEventError } from "../../functions/ecr-deployer/errors.js";
import {
  defaultDependencies,
  defaultRolloutDependencies,
} from "../../functions/ecr-deployer/index.js";
import { type QueueMessage, workItemId } from "../../functions/ecr-deployer/queue.js";
import {
  backoffSeconds,
  type RolloutDependencies,
  rollOutBatch,
} from "../../functions/ecr-deployer/rollout.js";
import type { DeployerConfig } from "../../functions/ecr-deployer/types.js";
import {
  type CapturingQueue,
  capturingQueue,
  sqsEventOf,
  sqsRecordOf,
} from "../../scripts/fakes/rollout-queue.js";
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
const ITEM_TAG = "ecs-deployments:rollout-item";
const sleep = async () => {};

/** prod/web and prod/api on their own task definitions of team/app:v1. */
function fleetOfTwo(): FakeFleet {
  const fleet = emptyFleet();
  fleet.clusters.push("prod");
  for (const name of ["web", "api"]) {
    const td = addTaskDefinition(fleet, name, 1, [
      { name: "app", image: `${REGISTRY}/team/app:v1@${digest("a")}` },
    ]);
    fleet.services.push({ cluster: "prod", name, taskDefinition: td, tags: { [FOLLOW]: "v*" } });
  }
  fleet.images.push(
    { digest: digest("a"), tags: ["v1"], pushedAt: new Date("2026-01-01T10:00:00Z") },
    { digest: digest("b"), tags: ["v2"], pushedAt: new Date("2026-01-01T12:00:00Z") },
    { digest: digest("c"), tags: ["v3"], pushedAt: new Date("2026-01-01T13:00:00Z") },
  );
  return fleet;
}

/** Plans a push with the push handler; returns the messages it queued. */
async function plan(
  event: unknown,
  overrides: Partial<DeployerConfig> = {},
): Promise<QueueMessage[]> {
  const queue = capturingQueue();
  await createHandler(
    defaultDependencies({ config: config(overrides), logger: silentLogger(), sleep, queue }),
  )(event);
  return queue.messages;
}

function rolloutWith(
  queue: CapturingQueue,
  overrides: Partial<DeployerConfig> = {},
): RolloutDependencies {
  return defaultRolloutDependencies({
    config: config(overrides),
    logger: silentLogger(),
    sleep,
    queue,
  });
}

function taskDefinitionOf(fleet: FakeFleet, name: string): string | undefined {
  return fleet.services.find((s) => s.name === name)?.taskDefinition;
}

describe("rollout handler", () => {
  beforeEach(() => {
    ecsMock.reset();
    ecrMock.reset();
  });

  it("registers and updates each item without reading a task definition on a first delivery", async () => {
    // Prepare
    const fleet = fleetOfTwo();
    serveFleet(ecsMock, ecrMock, fleet);
    const messages = await plan(pushEvent());
    const reads = ecsMock.commandCalls(DescribeTaskDefinitionCommand).length;
    const queue = capturingQueue();

    // Act
    const { response, outcomes } = await rollOutBatch(
      sqsEventOf(messages),
      undefined,
      rolloutWith(queue),
    );

    // Assess
    expect(messages.map((m) => m.groupId)).toEqual([
      "123456789012/eu-west-1",
      "123456789012/eu-west-1",
    ]);
    expect(response).toEqual({ batchItemFailures: [] });
    expect(outcomes.map((o) => o.registered.length)).toEqual([1, 1]);
    expect(taskDefinitionOf(fleet, "web")).toMatch(/web:2$/);
    expect(taskDefinitionOf(fleet, "api")).toMatch(/api:2$/);
    expect(ecsMock.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(reads);
    expect(ecsMock.commandCalls(ListTaskDefinitionsCommand)).toHaveLength(0);
    expect(queue.handedBack).toEqual([]);
  });

  it("makes no write calls when the item is delivered again after it completed", async () => {
    // Prepare
    const fleet = fleetOfTwo();
    serveFleet(ecsMock, ecrMock, fleet);
    const messages = await plan(pushEvent());
    await rollOutBatch(sqsEventOf(messages), undefined, rolloutWith(capturingQueue()));
    ecsMock.resetHistory();

    // Act
    const { response, outcomes } = await rollOutBatch(
      sqsEventOf(messages, 2),
      undefined,
      rolloutWith(capturingQueue()),
    );

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(ecsMock.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(0);
    expect(ecsMock.commandCalls(UpdateServiceCommand)).toHaveLength(0);
    expect(outcomes.flatMap((o) => o.skipped.map((s) => s.reason))).toEqual([
      "already-on-pushed-image",
      "already-on-pushed-image",
    ]);
  });

  it("reuses the revision an interrupted attempt registered instead of registering another", async () => {
    // Prepare: the first attempt registered web:2 (tagged with the item) and stopped.
    const fleet = fleetOfTwo();
    serveFleet(ecsMock, ecrMock, fleet);
    const [web] = await plan(pushEvent());
    const item = JSON.parse((web as QueueMessage).body);
    addTaskDefinition(
      fleet,
      "web",
      2,
      [{ name: "app", image: `${REGISTRY}/team/app:v2@${digest("b")}` }],
      [{ key: ITEM_TAG, value: item.itemId }],
    );

    // Act
    const { outcomes } = await rollOutBatch(
      sqsEventOf([web as QueueMessage], 2),
      undefined,
      rolloutWith(capturingQueue()),
    );

    // Assess
    expect(ecsMock.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(0);
    expect(outcomes[0]?.reused).toMatch(/web:2$/);
    expect(taskDefinitionOf(fleet, "web")).toMatch(/web:2$/);
    expect([...fleet.taskDefinitions.keys()].filter((arn) => arn.includes("/web:"))).toHaveLength(
      2,
    );
  });

  it("registers anew when the newer revision of the family is not this item's", async () => {
    // Prepare: someone else registered web:2 since the push was planned.
    const fleet = fleetOfTwo();
    serveFleet(ecsMock, ecrMock, fleet);
    const [web] = await plan(pushEvent());
    addTaskDefinition(
      fleet,
      "web",
      2,
      [{ name: "app", image: "busybox" }],
      [{ key: ITEM_TAG, value: workItemId(digest("f"), "other") }],
    );

    // Act
    await rollOutBatch(
      sqsEventOf([web as QueueMessage], 2),
      undefined,
      rolloutWith(capturingQueue()),
    );

    // Assess
    expect(ecsMock.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(1);
    expect(taskDefinitionOf(fleet, "web")).toMatch(/web:3$/);
  });

  it("never replaces an image pushed after the item's push when the service moved meanwhile", async () => {
    // Prepare: v2 planned; v3 (pushed later) reached web before v2's item was applied.
    const fleet = fleetOfTwo();
    serveFleet(ecsMock, ecrMock, fleet);
    const [web] = await plan(pushEvent());
    const v3 = addTaskDefinition(fleet, "web", 2, [
      { name: "app", image: `${REGISTRY}/team/app:v3@${digest("c")}` },
    ]);
    (fleet.services[0] as { taskDefinition: string }).taskDefinition = v3;

    // Act
    const { outcomes, response } = await rollOutBatch(
      sqsEventOf([web as QueueMessage]),
      undefined,
      rolloutWith(capturingQueue()),
    );

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(ecsMock.commandCalls(UpdateServiceCommand)).toHaveLength(0);
    expect(outcomes[0]?.skipped).toEqual([
      expect.objectContaining({ service: "web", reason: "newer-image-running" }),
    ]);
    expect(taskDefinitionOf(fleet, "web")).toBe(v3);
  });

  it("plans a moved service again from what it runs, keeping the other change it got", async () => {
    // Prepare: web's sidecar changed (web:2) after the push was planned from web:1.
    const fleet = fleetOfTwo();
    serveFleet(ecsMock, ecrMock, fleet);
    const [web] = await plan(pushEvent());
    const moved = addTaskDefinition(fleet, "web", 2, [
      { name: "app", image: `${REGISTRY}/team/app:v1@${digest("a")}` },
      { name: "proxy", image: `${REGISTRY}/team/proxy:2.0` },
    ]);
    (fleet.services[0] as { taskDefinition: string }).taskDefinition = moved;

    // Act
    await rollOutBatch(sqsEventOf([web as QueueMessage]), undefined, rolloutWith(capturingQueue()));

    // Assess
    const [input] = ecsMock.commandCalls(RegisterTaskDefinitionCommand).map((c) => c.args[0].input);
    expect(input?.containerDefinitions?.map((c) => c.image)).toEqual([
      `${REGISTRY}/team/app:v2@${digest("b")}`,
      `${REGISTRY}/team/proxy:2.0`,
    ]);
    expect(taskDefinitionOf(fleet, "web")).toMatch(/web:3$/);
  });

  it("reports a throttled item in batchItemFailures and hands it back with the throttling backoff", async () => {
    // Prepare
    const fleet = fleetOfTwo();
    fleet.faults?.push({
      command: "RegisterTaskDefinition",
      error: throttlingError(),
      times: 1,
      matches: (input) => input.family === "web",
    });
    serveFleet(ecsMock, ecrMock, fleet);
    const messages = await plan(pushEvent());
    const queue = capturingQueue();
    const event = sqsEventOf(messages, 3);

    // Act
    const { response } = await rollOutBatch(event, undefined, rolloutWith(queue));

    // Assess: the other item still rolled; the throttled one comes back after 30 s × 2².
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: event.Records[0]?.messageId }]);
    expect(queue.handedBack).toEqual([
      {
        receiptHandle: event.Records[0]?.receiptHandle,
        seconds: Backoff.THROTTLED_BASE_SECONDS * 4,
      },
    ]);
    expect(taskDefinitionOf(fleet, "api")).toMatch(/api:2$/);
    expect(taskDefinitionOf(fleet, "web")).toMatch(/web:1$/);
  });

  it("hands back a failure no retry can fix after one second, so it reaches the DLQ quickly", async () => {
    // Prepare
    const fleet = fleetOfTwo();
    fleet.faults?.push({
      command: "UpdateService",
      error: Object.assign(new Error("not authorized"), {
        name: "AccessDeniedException",
        $fault: "client",
        $metadata: { httpStatusCode: 400 },
      }),
      times: 1,
    });
    serveFleet(ecsMock, ecrMock, fleet);
    const [web] = await plan(pushEvent());
    const queue = capturingQueue();

    // Act
    const { response } = await rollOutBatch(
      sqsEventOf([web as QueueMessage]),
      undefined,
      rolloutWith(queue),
    );

    // Assess
    expect(response.batchItemFailures).toHaveLength(1);
    expect(queue.handedBack.map((h) => h.seconds)).toEqual([Backoff.NOT_RETRYABLE_SECONDS]);
  });

  it("stops taking items when the invocation is short of time and hands the rest back at once", async () => {
    // Prepare
    const fleet = fleetOfTwo();
    serveFleet(ecsMock, ecrMock, fleet);
    const messages = await plan(pushEvent());
    const queue = capturingQueue();
    const event = sqsEventOf(messages);
    let remaining = 60_000;
    const context = { getRemainingTimeInMillis: () => remaining };
    const deps = rolloutWith(queue);
    const first = deps.ecsIn("eu-west-1");
    // The first item's update uses up the time.
    ecsMock.on(UpdateServiceCommand).callsFake((input: { service?: string }) => {
      remaining = 5_000;
      const s = fleet.services.find((x) => String(input.service).endsWith(`/${x.name}`));
      if (s) s.taskDefinition = taskDefinitionOf(fleet, s.name)?.replace(/:1$/, ":2") as string;
      return {};
    });

    // Act
    const result = await rollOutBatch(event, context, deps);

    // Assess
    expect(first).toBe(deps.ecsIn("eu-west-1"));
    expect(result.outcomes).toHaveLength(1);
    expect(result.unprocessed).toEqual([event.Records[1]?.messageId]);
    expect(result.response.batchItemFailures).toEqual([
      { itemIdentifier: event.Records[1]?.messageId },
    ]);
    expect(queue.handedBack).toEqual([
      { receiptHandle: event.Records[1]?.receiptHandle, seconds: Backoff.UNPROCESSED_SECONDS },
    ]);
  });

  it("reports a message that is not a work item as failed and goes on with the batch", async () => {
    // Prepare
    const fleet = fleetOfTwo();
    serveFleet(ecsMock, ecrMock, fleet);
    const [web] = await plan(pushEvent());
    const bad = sqsRecordOf({ groupId: "x", deduplicationId: "y", body: '{"kind":"other"}' });
    const good = sqsRecordOf(web as QueueMessage);
    const queue = capturingQueue();

    // Act
    const { response } = await rollOutBatch(
      { Records: [bad, good] },
      undefined,
      rolloutWith(queue),
    );

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: bad.messageId }]);
    expect(taskDefinitionOf(fleet, "web")).toMatch(/web:2$/);
  });

  it("refuses an item for a cluster outside ALLOWED_CLUSTERS without calling ECS", async () => {
    // Prepare
    const fleet = fleetOfTwo();
    serveFleet(ecsMock, ecrMock, fleet);
    const [web] = await plan(pushEvent());
    ecsMock.resetHistory();

    // Act
    const { outcomes } = await rollOutBatch(
      sqsEventOf([web as QueueMessage]),
      undefined,
      rolloutWith(capturingQueue(), { allowedClusters: ["staging"] }),
    );

    // Assess
    expect(outcomes[0]?.failed).toEqual([
      expect.objectContaining({
        service: "web",
        retryable: false,
        error: expect.stringContaining("prod"),
      }),
    ]);
    expect(ecsMock.calls()).toHaveLength(0);
  });

  it("throws InvalidEventError, not TypeError, when the event is not an SQS batch", async () => {
    // Act
    const run = rollOutBatch({ detail: {} }, undefined, rolloutWith(capturingQueue()));

    // Assess
    await expect(run).rejects.toBeInstanceOf(InvalidEventError);
  });
});

describe("backoffSeconds", () => {
  const failed = (retryable: boolean) => [{ cluster: "c", service: "s", error: "e", retryable }];

  it.each([
    [{ failed: failed(true), throttled: true, cutShort: false }, 1, 30],
    [{ failed: failed(true), throttled: true, cutShort: false }, 3, 120],
    [{ failed: failed(true), throttled: true, cutShort: false }, 30, Backoff.MAX_SECONDS],
    [{ failed: failed(true), throttled: false, cutShort: false }, 2, 20],
    [{ failed: failed(false), throttled: false, cutShort: false }, 5, 1],
    [{ failed: [], throttled: false, cutShort: true }, 4, 0],
  ])("returns the visibility of %o on receive %i: %i s", (outcome, receiveCount, seconds) => {
    // Act / Assess
    expect(backoffSeconds(outcome, receiveCount)).toBe(seconds);
  });
});
