/**
 * doctor's checks of the deployer's rollout: the rollout function, the event source
 * mapping that feeds it from the rollout queue, the queue and its DLQ.
 */
import { DEFAULT_NAME_PREFIX } from "../../functions/shared/contract.js";
import { type EventSourceMappingFacts, eventSourceMappings, findFunction } from "../aws/lambda.js";
import { TOOL } from "../constants.js";
import { rolloutDlqName, rolloutFunctionName, rolloutQueueName } from "../names.js";
import type { AwsClients } from "../types.js";
import { lookup, queueFacts } from "./facts.js";
import type { Check, Lookup } from "./types.js";

type QueueLookup = Lookup<{
  readonly name: string;
  readonly url: string;
  readonly depth: number;
} | null>;

/** What doctor found out about the rollout. */
export interface RolloutFacts {
  readonly functionName: string;
  /** The function's state; null when it does not exist. */
  readonly function: Lookup<{
    readonly state: string | undefined;
    readonly reason?: string;
    /** The function's execution role, which linked accounts' deploy roles must trust. */
    readonly role?: string;
  } | null>;
  readonly mappings?: Lookup<EventSourceMappingFacts[]>;
  readonly queue?: QueueLookup;
  readonly dlq?: QueueLookup;
}

/** Looks up the rollout function, its mappings, its queue and its DLQ. */
export async function gatherRolloutFacts(
  clients: AwsClients,
  namePrefix: string,
): Promise<RolloutFacts> {
  const name = rolloutFunctionName(namePrefix);
  const fn = await lookup(async () => {
    const config = await findFunction(clients.lambda, name);
    return config === null
      ? null
      : { state: config.State, reason: config.StateReason, role: config.Role };
  });
  const [mappings, queue, dlq] = await Promise.all([
    fn.ok && fn.value !== null
      ? lookup(() => eventSourceMappings(clients.lambda, name))
      : Promise.resolve(undefined),
    lookup(() => queueFacts(clients, rolloutQueueName(name))),
    lookup(() => queueFacts(clients, rolloutDlqName(name))),
  ]);
  return { functionName: name, function: fn, ...(mappings && { mappings }), queue, dlq };
}

const APPLY = "run terraform apply for the module";

function regionFlag(region: string | undefined): string {
  return region ? ` --region ${region}` : "";
}

function mappingChecks(facts: RolloutFacts, region: string | undefined): Check[] {
  const subject = `event source of ${facts.functionName}`;
  const mappings = facts.mappings;
  if (!mappings) return [];
  if (!mappings.ok) {
    return [
      {
        status: "fail",
        subject,
        message: `cannot be read: ${mappings.error}`,
        fix: "grant lambda:ListEventSourceMappings",
      },
    ];
  }
  const queueName = rolloutQueueName(facts.functionName);
  const mapping = mappings.value.find((m) => m.eventSourceArn?.endsWith(`:${queueName}`));
  if (mapping === undefined) {
    return [
      {
        status: "fail",
        subject,
        message: `no event source mapping reads ${queueName}: planned rollouts wait there and are never applied`,
        fix: `${APPLY}; it creates the mapping`,
      },
    ];
  }
  const checks: Check[] = [];
  checks.push(
    mapping.state === "Enabled"
      ? { status: "pass", subject, message: `reads ${queueName} and is Enabled` }
      : {
          status: "fail",
          subject,
          message: `reads ${queueName} but is ${mapping.state ?? "in no known state"}${mapping.stateReason ? ` (${mapping.stateReason})` : ""}: rollouts wait in the queue`,
          fix: `aws lambda update-event-source-mapping --uuid ${mapping.uuid} --enabled${regionFlag(region)} (or ${APPLY})`,
        },
  );
  if (!mapping.functionResponseTypes.includes("ReportBatchItemFailures")) {
    checks.push({
      status: "fail",
      subject,
      message:
        "does not report batch item failures: one failed item makes the whole batch be received again",
      fix: APPLY,
    });
  }
  return checks;
}

function queueChecks(
  lookupResult: QueueLookup | undefined,
  name: string,
  kind: "queue" | "dlq",
  options: { region: string | undefined; namePrefix: string },
): Check[] {
  if (!lookupResult) return [];
  const subject = `queue ${name}`;
  if (!lookupResult.ok) {
    return [
      {
        status: "fail",
        subject,
        message: `cannot be read: ${lookupResult.error}`,
        fix: "grant sqs:GetQueueUrl and sqs:GetQueueAttributes",
      },
    ];
  }
  if (lookupResult.value === null) {
    return [
      {
        status: "fail",
        subject,
        message:
          kind === "queue"
            ? "does not exist: the push function has nowhere to put rollouts"
            : "does not exist: rollouts that keep failing have nowhere to go",
        fix: `${APPLY}; it creates the queue`,
      },
    ];
  }
  const depth = lookupResult.value.depth;
  if (kind === "queue") {
    return [
      {
        status: "pass",
        subject,
        message:
          depth === 0
            ? "exists and is empty"
            : `exists; ${depth} rollout item(s) wait or are in progress`,
      },
    ];
  }
  if (depth === 0) return [{ status: "pass", subject, message: "is empty" }];
  const prefix =
    options.namePrefix === DEFAULT_NAME_PREFIX ? "" : ` --name-prefix ${options.namePrefix}`;
  return [
    {
      status: "fail",
      subject,
      message: `holds ${depth} rollout item(s) that failed every receive`,
      fix: `find the cause in the rollout function's logs, then: ${TOOL} redrive --function rollout${prefix}${regionFlag(options.region)}`,
    },
  ];
}

/** Turns what doctor found about the rollout into report lines. Pure. */
export function rolloutVerdicts(
  facts: RolloutFacts,
  options: { region: string | undefined; namePrefix: string },
): Check[] {
  const subject = `function ${facts.functionName}`;
  const fn = facts.function;
  const checks: Check[] = [];
  if (!fn.ok) {
    checks.push({
      status: "fail",
      subject,
      message: `cannot be read: ${fn.error}`,
      fix: "grant lambda:GetFunctionConfiguration, or check your credentials and --region",
    });
  } else if (fn.value === null) {
    checks.push({
      status: "fail",
      subject,
      message: "is not installed: pushes are planned but never rolled out",
      fix: `${APPLY}; it creates the rollout function`,
    });
  } else if (fn.value.state === undefined || fn.value.state === "Active") {
    checks.push({ status: "pass", subject, message: "exists and is Active" });
  } else {
    checks.push({
      status: "fail",
      subject,
      message: `is ${fn.value.state}${fn.value.reason ? `: ${fn.value.reason}` : ""}`,
      fix: APPLY,
    });
  }
  const name = facts.functionName;
  return [
    ...checks,
    ...mappingChecks(facts, options.region),
    ...queueChecks(facts.queue, rolloutQueueName(name), "queue", options),
    ...queueChecks(facts.dlq, rolloutDlqName(name), "dlq", options),
  ];
}
