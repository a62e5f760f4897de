/**
 * The rollout queue in memory, for unit tests and the bench: a {@link WorkQueue} that keeps
 * what the push handler sends, SQS-shaped events of those messages for the rollout handler,
 * and one call that runs a push through both handlers the way the queue would.
 */
import { randomUUID } from "node:crypto";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import { loadConfig } from "../../functions/ecr-deployer/config.js";
import {
  createHandler,
  type DeployerDependencies,
  type DeployerHandler,
} from "../../functions/ecr-deployer/deployer.js";
import { PartialFailureError } from "../../functions/ecr-deployer/errors.js";
import {
  bucketPacers,
  type DependencyOptions,
  defaultDependencies,
  defaultRolloutDependencies,
} from "../../functions/ecr-deployer/index.js";
import type { QueueMessage, WorkQueue } from "../../functions/ecr-deployer/queue.js";
import {
  type BatchResult,
  type RolloutDependencies,
  rollOutBatch,
} from "../../functions/ecr-deployer/rollout.js";
import type { DeploymentSummary, ItemOutcome } from "../../functions/ecr-deployer/types.js";

/** A queue that keeps what is sent and what is handed back. */
export interface CapturingQueue extends WorkQueue {
  readonly messages: QueueMessage[];
  readonly handedBack: { receiptHandle: string; seconds: number }[];
}

/** A {@link CapturingQueue}; `onSend` may fail a send (tests of queue failures). */
export function capturingQueue(
  onSend?: (messages: readonly QueueMessage[]) => void,
): CapturingQueue {
  const messages: QueueMessage[] = [];
  const handedBack: { receiptHandle: string; seconds: number }[] = [];
  return {
    messages,
    handedBack,
    async send(sent) {
      onSend?.(sent);
      messages.push(...sent);
    },
    async retryAfter(receiptHandle, seconds) {
      handedBack.push({ receiptHandle, seconds });
    },
  };
}

/** The ARN the fake records name as their source. */
export const FAKE_QUEUE_ARN = "arn:aws:sqs:eu-west-1:123456789012:ecr-deployer-rollout.fifo";

/** One SQS record as Lambda's event source mapping delivers it. */
export function sqsRecordOf(
  message: QueueMessage,
  options: { receiveCount?: number; messageId?: string; receiptHandle?: string } = {},
): SQSRecord {
  const messageId = options.messageId ?? randomUUID();
  return {
    messageId,
    receiptHandle: options.receiptHandle ?? `receipt-${messageId}`,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(options.receiveCount ?? 1),
      SentTimestamp: String(Date.now()),
      SenderId: "AROAEXAMPLE:ecr-deployer",
      ApproximateFirstReceiveTimestamp: String(Date.now()),
      SequenceNumber: "18849496460467696128",
      MessageGroupId: message.groupId,
      MessageDeduplicationId: message.deduplicationId,
    },
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: FAKE_QUEUE_ARN,
    awsRegion: "eu-west-1",
  };
}

/** An SQS event of messages (one batch). */
export function sqsEventOf(messages: readonly QueueMessage[], receiveCount = 1): SQSEvent {
  return { Records: messages.map((m) => sqsRecordOf(m, { receiveCount })) };
}

/** A push and its rollout, taken together: what one push did to the fleet. */
export interface PushOutcome {
  readonly push: DeploymentSummary;
  readonly batches: readonly BatchResult[];
  readonly outcomes: readonly ItemOutcome[];
  /** The push summary with the rollout's results folded in, as the one-step deployer reported them. */
  readonly summary: DeploymentSummary;
}

/**
 * Runs an event through the push handler, then delivers what it queued to the rollout
 * (batches of `batchSize`), as the event source mapping would, once each. A failure
 * anywhere is thrown as a {@link PartialFailureError} listing every failed service, after
 * everything else was done (as the deployer did in one step).
 */
export async function pushThroughQueue(
  push: DeployerHandler,
  queue: CapturingQueue,
  rollout: RolloutDependencies,
  event: unknown,
  options: { batchSize?: number; context?: Pick<Context, "getRemainingTimeInMillis"> } = {},
): Promise<PushOutcome> {
  const from = queue.messages.length;
  let pushSummary: DeploymentSummary;
  let pushError: PartialFailureError | undefined;
  try {
    pushSummary = await push(event);
  } catch (error) {
    if (!(error instanceof PartialFailureError)) throw error;
    pushError = error;
    pushSummary = {
      eventId: "",
      status: "partial-failure",
      dryRun: false,
      updated: [],
      skipped: [],
      failed: error.failures,
      registeredTaskDefinitions: [],
      published: [],
    };
  }
  const sent = queue.messages.slice(from);
  const batchSize = options.batchSize ?? 10;
  const batches: BatchResult[] = [];
  for (let i = 0; i < sent.length; i += batchSize) {
    batches.push(
      await rollOutBatch(sqsEventOf(sent.slice(i, i + batchSize)), options.context, rollout),
    );
  }
  const outcomes = batches.flatMap((b) => b.outcomes);
  const failed = [...pushSummary.failed, ...outcomes.flatMap((o) => o.failed)];
  const summary: DeploymentSummary = {
    ...pushSummary,
    status:
      pushSummary.status === "queued" || pushSummary.status === "partial-failure"
        ? failed.length > 0
          ? "partial-failure"
          : "deployed"
        : pushSummary.status,
    updated: outcomes.flatMap((o) => o.updated),
    skipped: [...pushSummary.skipped, ...outcomes.flatMap((o) => o.skipped)],
    failed,
    registeredTaskDefinitions: outcomes.flatMap((o) => o.registered),
    published: outcomes.flatMap((o) => o.published),
  };
  if (failed.length > 0) {
    throw new PartialFailureError(
      `${failed.length} service(s) could not be updated or published: ${failed.map((f) => `${f.cluster}/${f.service} (${f.error})`).join("; ")}`,
      { failures: failed, ...(pushError && { cause: pushError }) },
    );
  }
  return { push: pushSummary, batches, outcomes, summary };
}

/** Dependencies of both handlers at once (the push handler's and the rollout's members). */
export type BothDependencies = Partial<DeployerDependencies> &
  Partial<RolloutDependencies> &
  DependencyOptions;

/**
 * The push handler and the rollout handler wired to one in-memory queue: a function that
 * runs an event through both (see {@link pushThroughQueue}) and returns what one push did.
 * Both share their pacers, as they would share the account's buckets.
 */
export function throughQueue(
  overrides: BothDependencies,
): ((event: unknown) => Promise<DeploymentSummary>) & { readonly queue: CapturingQueue } {
  const queue =
    overrides.queue && "messages" in overrides.queue
      ? (overrides.queue as CapturingQueue)
      : capturingQueue();
  const config = overrides.config ?? loadConfig();
  const pacersIn = overrides.pacersIn ?? bucketPacers(config, overrides);
  const {
    queue: _queue,
    ssmIn,
    pacersIn: _pacers,
    parameterPacer,
    backoff,
    readPacer,
    ...shared
  } = overrides;
  const push = createHandler(
    defaultDependencies({ ...shared, config, pacersIn, queue, ...(readPacer && { readPacer }) }),
  );
  const rollout = defaultRolloutDependencies({
    ...shared,
    config,
    pacersIn,
    queue,
    ...(ssmIn && { ssmIn }),
    ...(parameterPacer && { parameterPacer }),
    ...(backoff && { backoff }),
  });
  const run = async (event: unknown) =>
    (await pushThroughQueue(push, queue, rollout, event)).summary;
  return Object.assign(run, { queue });
}
