import type { Message } from "@aws-sdk/client-sqs";
import { isAccessDeniedError } from "../../functions/shared/aws-errors.js";
import { positiveInteger, queueUrlOption, requiredString } from "../args.js";
import { invokeSync } from "../aws/lambda.js";
import {
  deleteMessage,
  queueDepth,
  queueUrl,
  receiveMessages,
  releaseMessages,
  stringAttributes,
} from "../aws/sqs.js";
import { ExitCode, REDRIVE, TOOL } from "../constants.js";
import { classifyDlqMessage, type DlqMessage, describeEvent } from "../dlq-message.js";
import { CliError, describeError, isAwsError, isAwsErrorNamed, NotFoundError } from "../errors.js";
import {
  dlqName,
  isRolloutFunction,
  resolveFunctionName,
  rolloutDlqName,
  rolloutQueueName,
} from "../names.js";
import { redriveRollout } from "../redrive-rollout.js";
import type { AwsClients, Command, Output } from "../types.js";

const NAME = "redrive";

/** What a redrive did, per message and in total. */
export interface RedriveSummary {
  readonly functionName: string;
  readonly queueUrl: string;
  readonly dryRun: boolean;
  readonly redriven: number;
  readonly failed: number;
  readonly skipped: number;
  /** Dry run only: messages that would be redriven. */
  readonly wouldRedrive: number;
  readonly remaining: number;
  readonly messages: readonly MessageOutcome[];
}

/** What happened to one message. */
export interface MessageOutcome {
  readonly messageId: string;
  readonly outcome: "redriven" | "failed" | "skipped" | "would-redrive";
  readonly kind: DlqMessage["kind"] | "rollout-item";
  readonly detail: string;
}

interface RedriveOptions {
  readonly functionName: string;
  readonly queueUrl: string;
  readonly dryRun: boolean;
  readonly max: number;
}

/** Records what happened to a message and prints its progress line. */
export function outcomeRecorder(outcomes: MessageOutcome[], progress: Output["err"]) {
  return (
    message: Message,
    outcome: MessageOutcome["outcome"],
    kind: MessageOutcome["kind"],
    detail: string,
  ): void => {
    outcomes.push({ messageId: message.MessageId ?? "?", outcome, kind, detail });
    const mark = { redriven: "✔", failed: "✘", skipped: "-", "would-redrive": "→" }[outcome];
    progress(`${mark} ${message.MessageId}: ${outcome} — ${detail}`);
  };
}

function origin(message: DlqMessage): string {
  switch (message.kind) {
    case "invocation-record":
      return `invocation record (${message.condition}${message.lastError ? `, last error: ${message.lastError}` : ""})`;
    case "eventbridge-event":
      return `EventBridge event${message.errorCode ? ` (${message.errorCode}${message.errorMessage ? `: ${message.errorMessage}` : ""})` : ""}`;
    case "unrecognised":
      return message.reason;
  }
}

/**
 * Reads a DLQ until it is empty or `max` messages were read, re-invokes the function with
 * each message's event, and deletes only what the function then processed. Messages that
 * failed or were skipped are made visible again at the end (in a `finally`), so the next
 * run or another consumer sees them at once; they stay hidden during the run so that the
 * loop ends.
 */
export async function redrive(
  clients: AwsClients,
  options: RedriveOptions,
  progress: Output["err"],
): Promise<RedriveSummary> {
  const held = new Map<string, string>(); // MessageId → latest receipt handle, to release
  const outcomes: MessageOutcome[] = [];
  const seen = new Set<string>();
  const count = { redriven: 0, failed: 0, skipped: 0, wouldRedrive: 0 };
  const record = outcomeRecorder(outcomes, progress);

  try {
    while (seen.size < options.max) {
      const batch = await receiveMessages(clients.sqs, options.queueUrl, options.max - seen.size);
      const fresh = batch.filter((message) => !seen.has(message.MessageId ?? ""));
      // A message seen before came back (its visibility ran out): keep its new handle.
      for (const message of batch) {
        if (seen.has(message.MessageId ?? "") && message.ReceiptHandle) {
          held.set(message.MessageId ?? "", message.ReceiptHandle);
        }
      }
      if (fresh.length === 0) break;
      // Held until deleted: whatever is not deleted is released in the finally.
      for (const message of fresh) held.set(message.MessageId ?? "", message.ReceiptHandle ?? "");
      for (const message of fresh) {
        const id = message.MessageId ?? "";
        seen.add(id);
        const handle = message.ReceiptHandle ?? "";
        const classified = classifyDlqMessage(
          message.Body,
          stringAttributes(message),
          options.functionName,
        );
        if (classified.kind === "unrecognised") {
          count.skipped++;
          record(message, "skipped", classified.kind, `not redriven: ${classified.reason}`);
          continue;
        }
        const what = `${describeEvent(classified.event)} from ${origin(classified)}`;
        if (options.dryRun) {
          count.wouldRedrive++;
          record(message, "would-redrive", classified.kind, what);
          continue;
        }
        let result: Awaited<ReturnType<typeof invokeSync>>;
        try {
          result = await invokeSync(clients.lambda, options.functionName, classified.event);
        } catch (error) {
          const stopped = `stopped after redriving ${count.redriven} message(s)`;
          if (isAwsErrorNamed(error, "ResourceNotFoundException")) {
            throw new NotFoundError(`Function ${options.functionName} does not exist; ${stopped}`, {
              cause: error,
            });
          }
          // Every further invocation would fail the same way: stop instead of counting them.
          if (!isAwsError(error) || isAccessDeniedError(error)) {
            throw new CliError(`${describeError(error)}; ${stopped}`, { cause: error });
          }
          count.failed++;
          record(
            message,
            "failed",
            classified.kind,
            `${what}; invoke failed: ${describeError(error)}`,
          );
          continue;
        }
        if (!result.ok) {
          count.failed++;
          record(
            message,
            "failed",
            classified.kind,
            `${what}; FunctionError ${result.functionError}: ${result.error}`,
          );
          continue;
        }
        try {
          await deleteMessage(clients.sqs, options.queueUrl, handle);
        } catch (error) {
          // The event was processed; a duplicate later is harmless (idempotent functions).
          count.redriven++;
          record(
            message,
            "redriven",
            classified.kind,
            `${what}; but the message could not be deleted: ${describeError(error)}`,
          );
          continue;
        }
        held.delete(id);
        count.redriven++;
        record(message, "redriven", classified.kind, what);
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
    dryRun: options.dryRun,
    ...count,
    remaining: depth.visible + depth.inFlight,
    messages: outcomes,
  };
}

export const redriveCommand: Command = {
  name: NAME,
  summary:
    "Re-invoke a function with the events waiting in its DLQ (rollout items: back to their queue); delete what was handled",
  help: `Usage: ${TOOL} ${NAME} --function <tracker|deployer|rollout|name> [options]

Reads the function's dead-letter queue (<function>-dlq), takes the original event out of
each message, invokes the function synchronously with it, and deletes the message only
when the invocation succeeded.

The rollout function's DLQ (<rollout function>-dlq.fifo) holds rollout items, one per new
task-definition revision. Those go back to the rollout queue (<rollout function>.fifo),
in their message group (the account and region of their services) and in order, each under
a new deduplication id, and are deleted from the DLQ once sent; the rollout function then
takes them as usual. When one item of a group cannot be sent, the later items of that
group stay in the DLQ. Two kinds of message are understood: Lambda's on-failure
invocation record ({"requestContext":{"condition":"RetriesExhausted",…},"requestPayload":
<event>,…}) and the raw EventBridge event the rule could not deliver. Anything else is
reported and left in the queue. Failed and skipped messages are made visible again when
the run ends. Stops when the queue is empty or --max messages were read.

Options:
  --function <value>    tracker, deployer, rollout, or a function name. Required.
  --queue-url <url>     The queue (default: looked up by the name <function>-dlq).
  --dry-run             Print what would be redriven; invoke and delete nothing.
  --max <n>             Read at most n messages (default ${REDRIVE.defaultMax}).
  --region <region>     The region (default: the SDK's).
  --name-prefix <p>     The module's name_prefix (default: ecs-deployments).
  --json                Print the summary as JSON.
  --debug               Show stack traces.
  -h, --help            Show this help.
  -V, --version         Print the version of ${TOOL}.

Exit codes: 0 nothing failed, 1 a redrive failed or an AWS error, 2 usage error.

Examples:
  ${TOOL} ${NAME} --function tracker --dry-run
  ${TOOL} ${NAME} --function tracker --region eu-west-1
  ${TOOL} ${NAME} --function deployer --name-prefix platform --max 10
  ${TOOL} ${NAME} --function rollout --dry-run`,
  options: {
    function: { type: "string" },
    "queue-url": { type: "string" },
    "dry-run": { type: "boolean" },
    max: { type: "string" },
  },
  async run({ deps, global, values }) {
    const { output } = deps;
    const fn = resolveFunctionName(
      requiredString(NAME, "function", values.function),
      global.namePrefix,
    );
    const max = positiveInteger(NAME, "max", values.max, REDRIVE.defaultMax);
    const dryRun = values["dry-run"] === true;
    const givenUrl = queueUrlOption(NAME, "queue-url", values["queue-url"]);
    const clients = deps.clients(global.region);
    const progress = (line: string) => output.err(line);
    let summary: RedriveSummary;
    if (isRolloutFunction(fn)) {
      const url = givenUrl ?? (await queueUrl(clients.sqs, rolloutDlqName(fn)));
      const target = await queueUrl(clients.sqs, rolloutQueueName(fn));
      output.err(`${dryRun ? "Dry run: reading" : "Moving"} ${url} back to ${target} …`);
      summary = await redriveRollout(
        clients,
        { functionName: fn, queueUrl: url, targetQueueUrl: target, dryRun, max, now: deps.now },
        progress,
      );
    } else {
      const url = givenUrl ?? (await queueUrl(clients.sqs, dlqName(fn)));
      output.err(`${dryRun ? "Dry run: reading" : "Redriving"} ${url} into ${fn} …`);
      summary = await redrive(clients, { functionName: fn, queueUrl: url, dryRun, max }, progress);
    }
    if (global.json) {
      output.out(JSON.stringify(summary, null, 2));
    } else if (dryRun) {
      output.out(
        `dry run: would redrive ${summary.wouldRedrive}, skipped ${summary.skipped}, remaining in queue ${summary.remaining}; nothing was changed`,
      );
    } else {
      output.out(
        `redriven ${summary.redriven}, failed ${summary.failed}, skipped ${summary.skipped}, remaining in queue ${summary.remaining}`,
      );
    }
    if (summary.failed > 0) return ExitCode.FAILURE;
    return ExitCode.OK;
  },
};
