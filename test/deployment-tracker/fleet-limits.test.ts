import { Logger } from "@aws-lambda-powertools/logger";
import { ECRClient } from "@aws-sdk/client-ecr";
import { ECSClient } from "@aws-sdk/client-ecs";
import type { Context } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { InvalidEventError } from "../../functions/deployment-tracker/errors.js";
import { createHandler } from "../../functions/deployment-tracker/tracker.js";
import { CappedLogFormatter } from "../../functions/shared/log-values.js";
import { withServiceRevision } from "./fakes.js";
import {
  ACCOUNT,
  captureLogs,
  completedEvent,
  dependencies,
  digest,
  ecrImage,
  fetchAnswering,
  REGION,
} from "./helpers.js";

const ecsMock = mockClient(ECSClient);
const ecrMock = mockClient(ECRClient);
const awsCalls = () => ecsMock.calls().length + ecrMock.calls().length;
const context = (remainingMs: number) =>
  ({
    functionName: "deployment-tracker",
    awsRequestId: "req-1",
    getRemainingTimeInMillis: () => remainingMs,
  }) as unknown as Context;

describe("the tracker at its limits (handler)", () => {
  let logs: ReturnType<typeof captureLogs>;

  beforeEach(() => {
    ecsMock.reset();
    ecrMock.reset();
    logs = captureLogs();
  });

  afterEach(() => logs.restore());

  it("rejects a service ARN with an empty partition (arn::ecs:…) with a classified error, recording nothing", async () => {
    // Prepare
    const receiver = fetchAnswering(200);
    const handler = createHandler(dependencies({ fetch: receiver.fetch }));
    const event = completedEvent({
      resources: [`arn::ecs:${REGION}:${ACCOUNT}:service/prod/web`],
    });

    // Act
    const act = handler(event);

    // Assess
    await expect(act).rejects.toBeInstanceOf(InvalidEventError);
    await expect(act).rejects.toMatchObject({ retryable: false });
    await expect(act).rejects.toThrow(/empty partition/);
    expect(awsCalls()).toBe(0);
    expect(receiver.calls).toHaveLength(0);
  });

  it("waits out Retry-After when it fits in the time the invocation has left, then delivers", async () => {
    // Prepare: 429 with Retry-After 1 s, then 200; 30 s left
    withServiceRevision(ecsMock, [
      { name: "app", image: ecrImage("team/app", "v1"), resolvedDigest: digest("a") },
    ]);
    const answers = [
      new Response("{}", { status: 429, headers: { "retry-after": "1" } }),
      new Response("{}", { status: 200 }),
    ];
    const at: number[] = [];
    const fetch = vi.fn(async () => {
      at.push(performance.now());
      return answers.shift() ?? new Response("{}", { status: 200 });
    });
    const handler = createHandler(
      dependencies({ fetch: fetch as unknown as typeof globalThis.fetch }),
    );

    // Act
    const result = await handler(completedEvent(), context(30_000));

    // Assess
    expect(result.status).toBe("delivered");
    expect(fetch).toHaveBeenCalledTimes(2);
    expect((at[1] ?? 0) - (at[0] ?? 0)).toBeGreaterThanOrEqual(1000);
  });

  it("keeps every log line under 8 KB with the capped format, whatever the event holds", async () => {
    // Prepare: hostile values in every field the tracker logs before or while validating
    const huge = "x".repeat(100 * 1024);
    const logger = new Logger({
      serviceName: "deployment-tracker-test",
      logLevel: "DEBUG",
      logFormatter: new CappedLogFormatter(),
    });
    const handler = createHandler(dependencies({ logger }));
    const events = [
      completedEvent({ id: huge }),
      completedEvent({ resources: [`arn:aws:ecs:${REGION}:${ACCOUNT}:service/prod/${huge}`] }),
      completedEvent({}, { deploymentId: `ecs-svc/${huge}`, reason: huge }),
      completedEvent({ resources: Array.from({ length: 10_000 }, () => huge.slice(0, 1000)) }),
    ];

    // Act
    for (const event of events) await handler(event).catch(() => undefined);

    // Assess
    const lines = logs
      .text()
      .split("\n")
      .filter((l) => l.startsWith("{"));
    expect(lines.length).toBeGreaterThanOrEqual(events.length);
    for (const line of lines) expect(Buffer.byteLength(line, "utf8")).toBeLessThan(8 * 1024);
  });
});
