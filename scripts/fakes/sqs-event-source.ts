/**
 * A stand-in for Lambda's SQS event source mapping, for tests, the bench and the demo: it
 * polls a (moto) SQS FIFO queue and invokes a handler with SQS-shaped events, as the
 * mapping does with `ReportBatchItemFailures`:
 * - batches of up to `batchSize` messages (ReceiveMessage; FIFO group locking is the
 *   queue's own: a group with messages in flight delivers nothing more);
 * - at most `maximumConcurrency` invocations at a time (one poller each);
 * - the messages the handler does not name in `batchItemFailures` are deleted; those it
 *   names are left (their visibility is whatever the handler set, else the queue's);
 * - an invocation that throws, answers an unknown item id, or runs past `timeoutMs`
 *   deletes nothing (Lambda counts the whole batch as failed), so every message comes back
 *   after its visibility timeout, and the queue's redrive policy (maxReceiveCount) moves it
 *   to the DLQ;
 * - each invocation's context tells the remaining time (`getRemainingTimeInMillis`);
 * - a ReceiveMessage or DeleteMessageBatch that fails is counted and the poller goes on,
 *   as Lambda's does (messages not deleted come back after their visibility timeout).
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { regionOfArn } from "../../functions/shared/arn.js";

/** The handler the mapping invokes. */
export type SqsHandler = (
  event: SQSEvent,
  context: Context,
) => Promise<SQSBatchResponse | undefined>;

/** Options of {@link startSqsEventSource}. */
export interface SqsEventSourceOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  /** The queue's ARN, for the records' `eventSourceARN`. */
  readonly queueArn: string;
  readonly handler: SqsHandler;
  /** @default 10 */
  readonly batchSize?: number;
  /** @default 2 */
  readonly maximumConcurrency?: number;
  /** The function's timeout. @default 300_000 */
  readonly timeoutMs?: number;
  /** Pause of an idle poller. @default 20 */
  readonly idleMs?: number;
}

/** What the mapping did. */
export interface SqsEventSourceStats {
  invocations: number;
  /** Invocations that ran past the timeout (nothing of their batch was deleted). */
  timedOut: number;
  /** Invocations that threw or answered badly. */
  failed: number;
  messagesReceived: number;
  messagesDeleted: number;
  /** Items the handler reported in `batchItemFailures`. */
  itemFailures: number;
  /** Largest number of invocations running at once. */
  peakConcurrency: number;
  /** ReceiveMessage or DeleteMessageBatch calls (or entries) that failed. */
  queueErrors: number;
  /** The last of those failures' messages. */
  lastQueueError?: string;
}

/** A running mapping. */
export interface SqsEventSource {
  readonly stats: SqsEventSourceStats;
  /**
   * Resolves once no invocation ran for `quietMs` and the queue holds nothing (visible or
   * not); rejects after `timeoutMs`.
   */
  drained(options?: { quietMs?: number; timeoutMs?: number }): Promise<void>;
  /** Stops polling and waits for the invocations under way (or for their timeout). */
  stop(): Promise<void>;
}

function recordOf(message: Message, queueArn: string, region: string): SQSRecord {
  const attributes = (message.Attributes ?? {}) as Record<string, string>;
  return {
    messageId: message.MessageId ?? randomUUID(),
    receiptHandle: message.ReceiptHandle ?? "",
    body: message.Body ?? "",
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? "1",
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? "",
      ApproximateFirstReceiveTimestamp:
        attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      ...(attributes.SequenceNumber && { SequenceNumber: attributes.SequenceNumber }),
      ...(attributes.MessageGroupId && { MessageGroupId: attributes.MessageGroupId }),
      ...(attributes.MessageDeduplicationId && {
        MessageDeduplicationId: attributes.MessageDeduplicationId,
      }),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? "",
    eventSource: "aws:sqs",
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

function contextFor(deadline: number): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: "rollout-stand-in",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:rollout-stand-in",
    memoryLimitInMB: "256",
    awsRequestId: randomUUID(),
    logGroupName: "/aws/lambda/rollout-stand-in",
    logStreamName: "stand-in",
    getRemainingTimeInMillis: () => Math.max(0, Math.round(deadline - performance.now())),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/** Starts polling. */
export function startSqsEventSource(options: SqsEventSourceOptions): SqsEventSource {
  const {
    sqs,
    queueUrl,
    queueArn,
    handler,
    batchSize = 10,
    maximumConcurrency = 2,
    timeoutMs = 300_000,
    idleMs = 20,
  } = options;
  const region = regionOfArn(queueArn);
  const stats: SqsEventSourceStats = {
    invocations: 0,
    timedOut: 0,
    failed: 0,
    messagesReceived: 0,
    messagesDeleted: 0,
    itemFailures: 0,
    peakConcurrency: 0,
    queueErrors: 0,
  };
  const queueError = (error: unknown) => {
    stats.queueErrors += 1;
    stats.lastQueueError =
      error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  };
  let stopped = false;
  let running = 0;
  let lastActivity = performance.now();

  const invoke = async (messages: Message[]) => {
    const event: SQSEvent = { Records: messages.map((m) => recordOf(m, queueArn, region)) };
    const deadline = performance.now() + timeoutMs;
    stats.invocations += 1;
    running += 1;
    stats.peakConcurrency = Math.max(stats.peakConcurrency, running);
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), timeoutMs);
      });
      const answer = await Promise.race([handler(event, contextFor(deadline)), timeout]).catch(
        () => "error" as const,
      );
      if (answer === "timeout") {
        stats.timedOut += 1;
        return;
      }
      if (answer === "error") {
        stats.failed += 1;
        return;
      }
      const failures = answer?.batchItemFailures ?? [];
      const ids = new Set(event.Records.map((r) => r.messageId));
      if (failures.some((f) => !ids.has(f.itemIdentifier))) {
        stats.failed += 1;
        return;
      }
      stats.itemFailures += failures.length;
      const failed = new Set(failures.map((f) => f.itemIdentifier));
      const done = event.Records.filter((r) => !failed.has(r.messageId));
      if (done.length > 0) {
        try {
          const { Failed = [] } = await sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: queueUrl,
              Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
            }),
          );
          stats.messagesDeleted += done.length - Failed.length;
          for (const failure of Failed)
            queueError(
              new Error(
                `DeleteMessageBatch entry ${failure.Id}: ${failure.Code} ${failure.Message ?? ""}`,
              ),
            );
        } catch (error) {
          queueError(error);
        }
      }
    } finally {
      clearTimeout(timer);
      running -= 1;
      lastActivity = performance.now();
    }
  };

  // One ReceiveMessage at a time: moto is not thread-safe there, and two concurrent
  // receives can get the same FIFO message (SQS itself never does that).
  let receiving: Promise<unknown> = Promise.resolve();
  const receive = () => {
    const next = receiving.then(() =>
      sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: batchSize,
          AttributeNames: ["All"],
          MessageSystemAttributeNames: ["All"],
        }),
      ),
    );
    receiving = next.catch(() => undefined);
    return next;
  };

  const poller = async () => {
    while (!stopped) {
      let Messages: Message[];
      try {
        ({ Messages = [] } = await receive());
      } catch (error) {
        if (stopped) return;
        queueError(error);
        await new Promise((resolve) => setTimeout(resolve, idleMs * 5));
        continue;
      }
      if (Messages.length === 0) {
        await new Promise((resolve) => setTimeout(resolve, idleMs));
        continue;
      }
      lastActivity = performance.now();
      stats.messagesReceived += Messages.length;
      await invoke(Messages);
    }
  };
  const pollers = Array.from({ length: maximumConcurrency }, () =>
    poller().catch((error: unknown) => {
      if (!stopped) throw error;
    }),
  );

  /** Nothing waiting and nothing in flight (a message handed back with a delay counts as in flight). */
  const depth = async () => {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
      }),
    );
    return {
      visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    };
  };
  const queueEmpty = async () => {
    const { visible, inFlight } = await depth();
    return visible === 0 && inFlight === 0;
  };

  return {
    stats,
    async drained({ quietMs = 300, timeoutMs: limit = 120_000 } = {}) {
      const started = performance.now();
      for (;;) {
        const now = performance.now();
        if (running === 0 && now - lastActivity >= quietMs && (await queueEmpty())) return;
        if (now - started > limit) {
          // What was left and what the mapping saw, so that a stall can be told apart from slowness.
          const left = await depth().catch(() => undefined);
          throw new Error(
            `the rollout queue did not drain within ${limit} ms: ${left ? `${left.visible} visible and ${left.inFlight} in flight` : "its depth could not be read"}, ${running} invocations running; ${JSON.stringify(stats)}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(quietMs, 50)));
      }
    },
    async stop() {
      stopped = true;
      await Promise.allSettled(pollers);
    },
  };
}

/** A rollout queue and its DLQ, made as the module makes them. */
export interface RolloutQueue {
  readonly url: string;
  readonly arn: string;
  readonly dlqUrl: string;
  readonly dlqArn: string;
}

/** Options of {@link createRolloutQueue}: the module's settings, shortened for tests. */
export interface RolloutQueueOptions {
  /** @default "ecr-deployer-rollout" */
  readonly name?: string;
  /** The queue's visibility timeout (the module: 6 × the rollout function's timeout). @default 1800 */
  readonly visibilityTimeoutSeconds?: number;
  /** @default 10 */
  readonly maxReceiveCount?: number;
}

/**
 * Creates the rollout queue `<name>.fifo` and its DLQ `<name>-dlq.fifo` (FIFO, deduplication
 * per message group, no content-based deduplication, redrive after `maxReceiveCount`), as
 * the Terraform module does.
 */
export async function createRolloutQueue(
  sqs: SQSClient,
  options: RolloutQueueOptions = {},
): Promise<RolloutQueue> {
  const name = options.name ?? "ecr-deployer-rollout";
  const fifo = {
    FifoQueue: "true",
    ContentBasedDeduplication: "false",
    DeduplicationScope: "messageGroup",
    FifoThroughputLimit: "perMessageGroupId",
    MaximumMessageSize: "262144",
  };
  const dlq = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${name}-dlq.fifo`,
      Attributes: { ...fifo, MessageRetentionPeriod: "1209600" },
    }),
  );
  const dlqUrl = dlq.QueueUrl as string;
  const dlqArn = await queueArnOf(sqs, dlqUrl);
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${name}.fifo`,
      Attributes: {
        ...fifo,
        VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 1800),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlqArn,
          maxReceiveCount: options.maxReceiveCount ?? 10,
        }),
      },
    }),
  );
  const url = queue.QueueUrl as string;
  return { url, arn: await queueArnOf(sqs, url), dlqUrl, dlqArn };
}

async function queueArnOf(sqs: SQSClient, url: string): Promise<string> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }),
  );
  return Attributes?.QueueArn as string;
}

/** Messages in a queue (visible and in flight). */
export async function queueDepth(sqs: SQSClient, url: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

/**
 * Runs the mapping until the queue is drained, then stops it: what one rollout of
 * everything queued so far did.
 */
export async function deliverAll(
  options: SqsEventSourceOptions & { readonly drainTimeoutMs?: number },
): Promise<SqsEventSourceStats> {
  const source = startSqsEventSource(options);
  try {
    await source.drained({ timeoutMs: options.drainTimeoutMs ?? 120_000 });
  } finally {
    await source.stop();
  }
  return source.stats;
}
