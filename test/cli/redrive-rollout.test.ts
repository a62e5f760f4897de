import {
  ChangeMessageVisibilityBatchCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SendMessageCommandInput,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { redriveRollout } from "../../cli/redrive-rollout.js";
import { classifyRolloutMessage, redriveDeduplicationId } from "../../cli/rollout-item.js";
import { run } from "../../cli/run.js";
import { WORK_ITEM_KIND } from "../../functions/ecr-deployer/contract.js";
import { motoAvailable } from "../support/moto.js";
import { motoServerFixture } from "../support/moto-fixture.js";
import { ACCOUNT, NOW, REGION, testDeps } from "./support.js";

const ROLLOUT = "ecs-deployments-ecr-deployer-rollout";
const EPOCH = Math.floor(NOW.getTime() / 1000);

/** A rollout item as the push function puts it on the queue. */
function item(itemId: string, region = REGION, services = 2) {
  return {
    kind: WORK_ITEM_KIND,
    version: 1,
    itemId,
    part: 0,
    parts: 1,
    target: { account: ACCOUNT, region },
    image: { repository: "team/app", tag: "v2", digest: `sha256:${"a".repeat(64)}` },
    baseTaskDefinition: `arn:aws:ecs:${region}:${ACCOUNT}:task-definition/web:7`,
    services: Array.from({ length: services }, (_, i) => ({
      cluster: "prod",
      service: `web-${i}`,
    })),
  };
}

describe("classifyRolloutMessage", () => {
  it("recognises an item by its kind and keeps the message's own group", () => {
    // Act
    const result = classifyRolloutMessage(JSON.stringify(item("i1")), "999999999999/eu-west-1");

    // Assess
    expect(result).toEqual({
      kind: "rollout-item",
      groupId: "999999999999/eu-west-1",
      itemId: "i1",
      description: `rollout of team/app:v2 from arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/web:7 to 2 service(s)`,
    });
  });

  it("falls back to the item's target account and region as the group", () => {
    // Act
    const result = classifyRolloutMessage(JSON.stringify(item("i1", "eu-central-1")), undefined);

    // Assess
    expect(result).toMatchObject({ kind: "rollout-item", groupId: `${ACCOUNT}/eu-central-1` });
  });

  it.each([
    [undefined, "empty body"],
    ["not json", "body is not JSON"],
    [JSON.stringify({ kind: "other" }), "not a rollout item"],
    [JSON.stringify([1, 2]), "not a rollout item"],
    [JSON.stringify({ kind: WORK_ITEM_KIND }), "rollout item without itemId"],
    [JSON.stringify({ kind: WORK_ITEM_KIND, itemId: "x" }), "without a message group or target"],
  ])("refuses %j: %s", (body, reason) => {
    // Act
    const result = classifyRolloutMessage(body, undefined);

    // Assess
    expect(result.kind).toBe("unrecognised");
    expect(result.kind === "unrecognised" && result.reason).toContain(reason);
  });

  it("quotes at most 120 characters of a hostile repository name", () => {
    // Prepare
    const hostile = { ...item("i1"), image: { repository: "r".repeat(100_000), tag: "v" } };

    // Act
    const result = classifyRolloutMessage(JSON.stringify(hostile), "g");

    // Assess
    expect(result.kind === "rollout-item" && result.description.length).toBe(121);
  });
});

describe("redriveDeduplicationId", () => {
  it("appends the time, within SQS's 128 characters", () => {
    // Assess
    expect(redriveDeduplicationId("abc-0", NOW)).toBe(`abc-0-r${EPOCH}`);
    const long = redriveDeduplicationId("x".repeat(128), NOW);
    expect(long).toHaveLength(128);
    expect(long.endsWith(`-r${EPOCH}`)).toBe(true);
  });
});

describe("redriveRollout with a failing send", () => {
  const sqs = mockClient(SQSClient);
  beforeEach(() => sqs.reset());
  afterAll(() => sqs.restore());

  it("keeps the later items of a group whose earlier item could not be sent, and moves other groups", async () => {
    // Prepare
    const messages = [
      ["m1", "g1", "a"],
      ["m2", "g1", "b"],
      ["m3", "g2", "c"],
    ].map(([id, group, itemId]) => ({
      MessageId: id,
      ReceiptHandle: `h-${id}`,
      Body: JSON.stringify(item(itemId as string)),
      Attributes: { MessageGroupId: group, MessageDeduplicationId: `${itemId}-0` },
    }));
    sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: messages }).resolves({ Messages: [] });
    const throttled = Object.assign(new Error("Rate exceeded"), {
      name: "RequestThrottled",
      $metadata: { httpStatusCode: 403 },
    });
    sqs
      .on(SendMessageCommand, { MessageGroupId: "g1" })
      .rejects(throttled)
      .on(SendMessageCommand, { MessageGroupId: "g2" })
      .resolves({});
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: {} });
    sqs.on(DeleteMessageCommand).resolves({});
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });

    // Act
    const summary = await redriveRollout(
      { sqs: new SQSClient({ region: REGION }) },
      {
        functionName: ROLLOUT,
        queueUrl: "dlq",
        targetQueueUrl: "queue",
        dryRun: false,
        max: 10,
        now: () => NOW,
      },
      () => {},
    );

    // Assess
    expect(summary.messages.map((m) => [m.messageId, m.outcome])).toEqual([
      ["m1", "failed"],
      ["m2", "skipped"],
      ["m3", "redriven"],
    ]);
    const sent = sqs
      .commandCalls(SendMessageCommand)
      .map((c) => c.args[0].input as SendMessageCommandInput);
    expect(sent.map((input) => [input.MessageGroupId, input.MessageDeduplicationId])).toEqual([
      ["g1", `a-0-r${EPOCH}`],
      ["g2", `c-0-r${EPOCH}`],
    ]);
    expect(
      sqs.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input.ReceiptHandle),
    ).toEqual(["h-m3"]);
    expect(
      sqs
        .commandCalls(ChangeMessageVisibilityBatchCommand)[0]
        ?.args[0].input.Entries?.map((e) => e.ReceiptHandle),
    ).toEqual(["h-m1", "h-m2"]);
  });
});

describe.skipIf(!motoAvailable())("redrive --function rollout against moto_server", () => {
  const moto = motoServerFixture(REGION);
  let sqs: SQSClient;
  let queue: string;
  let dlq: string;

  beforeAll(() => {
    sqs = new SQSClient({ region: REGION });
  });

  beforeEach(async () => {
    // Prepare: the module's rollout queue and DLQ, two items of two groups and one stray message
    await moto.reset();
    const fifo = { FifoQueue: "true", ContentBasedDeduplication: "false" };
    ({ QueueUrl: dlq = "" } = await sqs.send(
      new CreateQueueCommand({ QueueName: `${ROLLOUT}-dlq.fifo`, Attributes: fifo }),
    ));
    ({ QueueUrl: queue = "" } = await sqs.send(
      new CreateQueueCommand({ QueueName: `${ROLLOUT}.fifo`, Attributes: fifo }),
    ));
    const send = (body: string, group: string, dedup: string) =>
      sqs.send(
        new SendMessageCommand({
          QueueUrl: dlq,
          MessageBody: body,
          MessageGroupId: group,
          MessageDeduplicationId: dedup,
        }),
      );
    await send(JSON.stringify(item("item-a")), `${ACCOUNT}/${REGION}`, "item-a-0");
    await send(JSON.stringify(item("item-b", "eu-west-1")), `${ACCOUNT}/eu-west-1`, "item-b-0");
    await send("not an item", `${ACCOUNT}/${REGION}`, "stray");
  });

  async function receiveAll(url: string): Promise<Message[]> {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 0,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ["MessageGroupId", "MessageDeduplicationId"],
      }),
    );
    return Messages;
  }

  it("moves each item back to the rollout queue in its group under a new deduplication id, and leaves the stray message", async () => {
    // Prepare
    const deps = testDeps();

    // Act
    const code = await run(["redrive", "--function", "rollout"], deps);

    // Assess
    expect(code).toBe(0);
    expect(deps.out()).toBe("redriven 2, failed 0, skipped 1, remaining in queue 1");
    expect(deps.err()).toContain("skipped — not redriven: body is not JSON");
    const moved = await receiveAll(queue);
    expect(
      moved
        .map((m) => [
          JSON.parse(m.Body ?? "").itemId,
          m.Attributes?.MessageGroupId,
          m.Attributes?.MessageDeduplicationId,
        ])
        .sort(),
    ).toEqual([
      ["item-a", `${ACCOUNT}/${REGION}`, `item-a-0-r${EPOCH}`],
      ["item-b", `${ACCOUNT}/eu-west-1`, `item-b-0-r${EPOCH}`],
    ]);
    expect(moved.map((m) => m.Body)).toContain(JSON.stringify(item("item-a")));
    expect((await receiveAll(dlq)).map((m) => m.Body)).toEqual(["not an item"]);
  });

  it("moves nothing on a dry run", async () => {
    // Prepare
    const deps = testDeps();

    // Act
    const code = await run(["redrive", "--function", "rollout", "--dry-run"], deps);

    // Assess
    expect(code).toBe(0);
    expect(deps.out()).toBe(
      "dry run: would redrive 2, skipped 1, remaining in queue 3; nothing was changed",
    );
    expect(deps.err()).toContain(`→ group ${ACCOUNT}/eu-west-1 of the rollout queue`);
    expect(await receiveAll(queue)).toHaveLength(0);
  });

  it("says which queue is missing when the rollout queue does not exist", async () => {
    // Prepare
    const deps = testDeps();

    // Act
    const code = await run(["redrive", "--function", "rollout", "--name-prefix", "other"], deps);

    // Assess
    expect(code).toBe(1);
    expect(deps.err()).toContain("Queue other-ecr-deployer-rollout-dlq.fifo does not exist");
  });
});
