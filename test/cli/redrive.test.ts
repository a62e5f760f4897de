import {
  InvokeCommand,
  type InvokeCommandOutput,
  LambdaClient,
  ResourceNotFoundException,
  TooManyRequestsException,
} from "@aws-sdk/client-lambda";
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { redrive } from "../../cli/commands/redrive.js";
import { NotFoundError } from "../../cli/errors.js";
import type { AwsClients } from "../../cli/types.js";
import { fixture, invocationRecord } from "./support.js";

const FUNCTION = "ecs-deployments-deployment-tracker";
const URL =
  "https://sqs.us-east-1.amazonaws.com/123456789012/ecs-deployments-deployment-tracker-dlq";
const sqsMock = mockClient(SQSClient);
const lambdaMock = mockClient(LambdaClient);
const clients = { sqs: new SQSClient({}), lambda: new LambdaClient({}) } as unknown as AwsClients;
const options = { functionName: FUNCTION, queueUrl: URL, dryRun: false, max: 100 };
const body = JSON.stringify(invocationRecord(fixture("deployment-completed.json").event, FUNCTION));
const ok = {
  StatusCode: 200,
  Payload: new TextEncoder().encode("{}") as InvokeCommandOutput["Payload"],
};

describe("redrive", () => {
  beforeEach(() => {
    sqsMock.reset();
    lambdaMock.reset();
    sqsMock.on(GetQueueAttributesCommand).resolves({
      Attributes: {
        ApproximateNumberOfMessages: "0",
        ApproximateNumberOfMessagesNotVisible: "0",
      },
    });
    sqsMock.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });
  });

  it("makes every received message visible again and throws NotFoundError when the function does not exist", async () => {
    // Prepare
    sqsMock.on(ReceiveMessageCommand).resolvesOnce({
      Messages: [
        { MessageId: "m1", ReceiptHandle: "h1", Body: body },
        { MessageId: "m2", ReceiptHandle: "h2", Body: body },
      ],
    });
    lambdaMock
      .on(InvokeCommand)
      .rejects(new ResourceNotFoundException({ message: "Function not found", $metadata: {} }));

    // Act
    const result = redrive(clients, options, () => {});

    // Assess
    await expect(result).rejects.toThrow(NotFoundError);
    expect(sqsMock.commandCalls(DeleteMessageCommand)).toHaveLength(0);
    expect(
      sqsMock.commandCalls(ChangeMessageVisibilityBatchCommand)[0]?.args[0].input.Entries,
    ).toEqual([
      { Id: "0", ReceiptHandle: "h1", VisibilityTimeout: 0 },
      { Id: "1", ReceiptHandle: "h2", VisibilityTimeout: 0 },
    ]);
    expect(lambdaMock.commandCalls(InvokeCommand)).toHaveLength(1);
  });

  it("stops with the error when the caller may not invoke the function", async () => {
    // Prepare
    sqsMock
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [{ MessageId: "m1", ReceiptHandle: "h1", Body: body }] });
    lambdaMock.on(InvokeCommand).rejects(
      Object.assign(new Error("not authorized to perform lambda:InvokeFunction"), {
        name: "AccessDeniedException",
        $metadata: { httpStatusCode: 403 },
      }),
    );

    // Act
    const result = redrive(clients, options, () => {});

    // Assess
    await expect(result).rejects.toThrow(
      "AWS AccessDeniedException: not authorized to perform lambda:InvokeFunction; stopped after redriving 0 message(s)",
    );
    expect(sqsMock.commandCalls(ChangeMessageVisibilityBatchCommand)).toHaveLength(1);
  });

  it("returns the message as failed and keeps it when the invocation is throttled", async () => {
    // Prepare
    sqsMock
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [{ MessageId: "m1", ReceiptHandle: "h1", Body: body }] })
      .resolves({ Messages: [] });
    lambdaMock
      .on(InvokeCommand)
      .rejects(new TooManyRequestsException({ message: "Rate exceeded", $metadata: {} }));

    // Act
    const summary = await redrive(clients, options, () => {});

    // Assess
    expect(summary).toMatchObject({ redriven: 0, failed: 1, skipped: 0 });
    expect(summary.messages[0]?.detail).toContain("AWS TooManyRequestsException: Rate exceeded");
    expect(sqsMock.commandCalls(DeleteMessageCommand)).toHaveLength(0);
  });

  it("stops when the queue returns only messages it has already handled", async () => {
    // Prepare: the same message comes back (its visibility ran out) with a new handle
    sqsMock
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [{ MessageId: "m1", ReceiptHandle: "h1", Body: "garbage" }] })
      .resolves({ Messages: [{ MessageId: "m1", ReceiptHandle: "h2", Body: "garbage" }] });

    // Act
    const summary = await redrive(clients, options, () => {});

    // Assess
    expect(summary).toMatchObject({ skipped: 1 });
    expect(sqsMock.commandCalls(ReceiveMessageCommand)).toHaveLength(2);
    expect(
      sqsMock.commandCalls(ChangeMessageVisibilityBatchCommand)[0]?.args[0].input.Entries,
    ).toEqual([{ Id: "0", ReceiptHandle: "h2", VisibilityTimeout: 0 }]);
  });

  it("deletes the message with its receipt handle when the invocation succeeds", async () => {
    // Prepare
    sqsMock
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [{ MessageId: "m1", ReceiptHandle: "h1", Body: body }] })
      .resolves({ Messages: [] });
    sqsMock.on(DeleteMessageCommand).resolves({});
    lambdaMock.on(InvokeCommand).resolves(ok);

    // Act
    const summary = await redrive(clients, options, () => {});

    // Assess
    expect(summary).toMatchObject({ redriven: 1, failed: 0, skipped: 0, remaining: 0 });
    expect(sqsMock.commandCalls(DeleteMessageCommand)[0]?.args[0].input).toEqual({
      QueueUrl: URL,
      ReceiptHandle: "h1",
    });
    expect(sqsMock.commandCalls(ChangeMessageVisibilityBatchCommand)).toHaveLength(0);
  });
});
