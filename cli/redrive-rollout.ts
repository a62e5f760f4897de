/**
 * Redrive of the rollout DLQ: its items go back to the rollout queue (the rollout function
 * takes them from there) rather than into a direct invocation, in their message group and
 * in the order they were received, each under a new deduplication id.
 */
import { isAccessDeniedError } from "../functions/shared/aws-errors.js";
import {
  deleteMessage,
  queueDepth,
  receiveMessages,
  releaseMessages,
  sendFifoMessage,
} from "./aws/sqs.js";
import { type MessageOutcome, outcomeRecorder, type RedriveSummary } from "./commands/redrive.js";
import { REDRIVE } from "./constants.js";
import { CliError, describeError, isAwsError, isAwsErrorNamed, NotFoundError } from "./errors.js";
import { classifyRolloutMessage, redriveDeduplicationId } from "./rollout-item.js";
import type { AwsClients, Output } from "./types.js";

interface RolloutRedriveOptions {
  readonly functionName: string;
  /** The rollout DLQ. */
  readonly queueUrl: string;
  /** The rollout queue the items go back to. */
  readonly targetQueueUrl: string;
  readonly dryRun: boolean;
  readonly max: number;
  readonly now: () => Date;
}

/** What a rollout redrive did; `queueUrl` is the DLQ, `targetQueueUrl` where items went. */
export interface RolloutRedriveSummary extends RedriveSummary {
  readonly targetQueueUrl: string;
}

/**
 * Moves the rollout DLQ's items back to the rollout queue: sends each to the same message
 * group with a new deduplication id, then deletes it from the DLQ. When one item of a group
 * cannot be sent, the later items of that group stay in the DLQ too, so the group's order
 * holds. Messages that are not rollout items are reported and left; whatever is not moved
 * is made visible again at the end.
 */
export async function redriveRollout(
  clients: Pick<AwsClients, "sqs">,
  options: RolloutRedriveOptions,
  progress: Output["err"],
): Promise<RolloutRedriveSummary> {
  const held = new Map<string, string>();
  const seen = new Set<string>();
  const blockedGroups = new Set<string>();
  const outcomes: MessageOutcome[] = [];
  const count = { redriven: 0, failed: 0, skipped: 0, wouldRedrive: 0 };
  const record = outcomeRecorder(outcomes, progress);

  try {
    while (seen.size < options.max) {
      const batch = await receiveMessages(clients.sqs, options.queueUrl, options.max - seen.size);
      const fresh = batch.filter((message) => !seen.has(message.MessageId ?? ""));
      if (fresh.length === 0) break;
      for (const message of fresh) held.set(message.MessageId ?? "", message.ReceiptHandle ?? "");
      for (const message of fresh) {
        const id = message.MessageId ?? "";
        seen.add(id);
        const attributes = message.Attributes ?? {};
        const item = classifyRolloutMessage(message.Body, attributes.MessageGroupId);
        if (item.kind === "unrecognised") {
          count.skipped++;
          record(message, "skipped", item.kind, `not redriven: ${item.reason}`);
          continue;
        }
        if (blockedGroups.has(item.groupId)) {
          count.skipped++;
          record(
            message,
            "skipped",
            item.kind,
            `${item.description}; kept: an earlier item of group ${item.groupId} could not be sent`,
          );
          continue;
        }
        const to = `group ${item.groupId} of the rollout queue`;
        if (options.dryRun) {
          count.wouldRedrive++;
          record(message, "would-redrive", item.kind, `${item.description} → ${to}`);
          continue;
        }
        const deduplicationId = redriveDeduplicationId(
          attributes.MessageDeduplicationId ?? item.itemId,
          options.now(),
        );
        try {
          await sendFifoMessage(clients.sqs, options.targetQueueUrl, {
            body: message.Body ?? "",
            groupId: item.groupId,
            deduplicationId,
          });
        } catch (error) {
          const stopped = `stopped after moving ${count.redriven} item(s)`;
          if (
            isAwsErrorNamed(error, "QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue")
          ) {
            throw new NotFoundError(
              `The rollout queue ${options.targetQueueUrl} does not exist; ${stopped}`,
              {
                cause: error,
              },
            );
          }
          if (!isAwsError(error) || isAccessDeniedError(error)) {
            throw new CliError(`${describeError(error)}; ${stopped}`, { cause: error });
          }
          blockedGroups.add(item.groupId);
          count.failed++;
          record(
            message,
            "failed",
            item.kind,
            `${item.description}; send failed: ${describeError(error)}`,
          );
          continue;
        }
        try {
          await deleteMessage(clients.sqs, options.queueUrl, message.ReceiptHandle ?? "");
        } catch (error) {
          // It is back in the queue; a second copy later is a no-op for the rollout.
          count.redriven++;
          record(
            message,
            "redriven",
            item.kind,
            `${item.description} → ${to}; but it could not be deleted from the DLQ: ${describeError(error)}`,
          );
          continue;
        }
        held.delete(id);
        count.redriven++;
        record(message, "redriven", item.kind, `${item.description} → ${to}`);
      }
    }
  } finally {
    if (held.size > 0) {
      const notReleased = await releaseMessages(clients.sqs, options.queueUrl, [...held.values()]);
      if (notReleased > 0) {
        progress(
          `! ${notReleased} message(s) stay hidden until their visibility timeout (${REDRIVE.visibilityTimeoutSeconds} s) ends`,
        );
      }
    }
  }
  const depth = await queueDepth(clients.sqs, options.queueUrl);
  return {
    functionName: options.functionName,
    queueUrl: options.queueUrl,
    targetQueueUrl: options.targetQueueUrl,
    dryRun: options.dryRun,
    ...count,
    remaining: depth.visible + depth.inFlight,
    messages: outcomes,
  };
}
