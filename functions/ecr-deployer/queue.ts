/**
 * The rollout queue: the work items the push handler plans (one per new revision, split
 * when its services are many), their encoding as SQS FIFO messages, and the two SQS calls
 * the handlers make (SendMessageBatch, ChangeMessageVisibility).
 */
import { createHash } from "node:crypto";
import {
  ChangeMessageVisibilityCommand,
  SendMessageBatchCommand,
  type SendMessageBatchCommandOutput,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { parseArn } from "../shared/arn.js";
import { WorkItemLimits } from "./constants.js";
import { WORK_ITEM_KIND } from "./contract.js";
import { deployerErrorOf, InvalidWorkItemError, QueueError } from "./errors.js";
import type {
  CandidateService,
  ContainerImage,
  DeploymentPlan,
  PushedImage,
  PushTimes,
  WorkItem,
  WorkItemAction,
  WorkItemService,
} from "./types.js";

/** A message for the rollout queue. */
export interface QueueMessage {
  readonly groupId: string;
  readonly deduplicationId: string;
  readonly body: string;
}

/** The id of the work of one push on one base revision: sha256 of digest and base ARN. */
export function workItemId(digest: string, baseTaskDefinitionArn: string): string {
  return createHash("sha256").update(`${digest}\n${baseTaskDefinitionArn}`).digest("hex");
}

/** The message group of a target: `<account>/<region>` (one bucket set per group). */
export function messageGroupOf(target: WorkItem["target"]): string {
  return `${target.account}/${target.region}`;
}

function bodyBytes(item: WorkItem): number {
  return Buffer.byteLength(JSON.stringify(item), "utf8");
}

function serviceOf(candidate: CandidateService): WorkItemService {
  return {
    cluster: candidate.cluster,
    service: candidate.service,
    serviceArn: candidate.serviceArn,
    pattern: candidate.pattern,
    patternSource: candidate.patternSource,
    ...(candidate.publishTo && { publishTo: candidate.publishTo }),
  };
}

/** Splits services into parts that each fit the item bounds, given the bytes of the rest. */
function partsOf(
  services: readonly WorkItemService[],
  fixedBytes: number,
): WorkItemService[][] | undefined {
  const parts: WorkItemService[][] = [];
  let current: WorkItemService[] = [];
  let bytes = fixedBytes;
  for (const service of services) {
    const size = Buffer.byteLength(JSON.stringify(service), "utf8") + 1;
    if (fixedBytes + size > WorkItemLimits.MAX_BODY_BYTES) return undefined;
    if (
      current.length >= WorkItemLimits.MAX_SERVICES ||
      bytes + size > WorkItemLimits.MAX_BODY_BYTES
    ) {
      parts.push(current);
      current = [];
      bytes = fixedBytes;
    }
    current.push(service);
    bytes += size;
  }
  if (current.length > 0) parts.push(current);
  return parts;
}

/**
 * The work items of a plan, without I/O: one per new revision (and, with publishing, one
 * per task definition already on the pushed image whose services publish), each holding at
 * most {@link WorkItemLimits.MAX_SERVICES} services and {@link WorkItemLimits.MAX_BODY_BYTES}
 * bytes; a revision whose RegisterTaskDefinition input alone takes more than half of that
 * goes without it (the rollout reads the base revision then; ECS allows 64 KiB, so this is
 * for a bound that would otherwise leave room for a few services per item only).
 */
export function workItemsOf(
  plan: DeploymentPlan,
  image: PushedImage,
  pushTimes: PushTimes,
  options: { readonly publishImages: boolean },
): WorkItem[] {
  const times: Record<string, string> = {};
  for (const [key, at] of pushTimes) times[key] = at.toISOString();
  const items: WorkItem[] = [];
  const add = (
    action: WorkItemAction,
    baseArn: string,
    family: string,
    containers: WorkItem["containers"],
    images: readonly ContainerImage[],
    register: WorkItem["register"],
    candidates: readonly CandidateService[],
  ) => {
    const { accountId, region } = parseArn(baseArn);
    const base: WorkItem = {
      kind: WORK_ITEM_KIND,
      version: 1,
      itemId: workItemId(image.digest, baseArn),
      part: 0,
      parts: 1,
      action,
      target: { account: accountId, region },
      image,
      baseTaskDefinition: baseArn,
      family,
      containers,
      images,
      ...(register !== undefined && { register }),
      services: [],
      pushTimes: times,
    };
    const services = candidates.map(serviceOf);
    const fixed = bodyBytes(base) + 16;
    let parts = fixed > WorkItemLimits.MAX_BODY_BYTES / 2 ? undefined : partsOf(services, fixed);
    let item = base;
    if (parts === undefined) {
      // The input alone nearly fills a message: carry the base ARN only.
      const { register: _dropped, ...withoutInput } = base;
      item = withoutInput;
      parts = partsOf(services, bodyBytes(item) + 16) ?? services.map((s) => [s]);
    }
    parts.forEach((part, index) => {
      items.push({ ...item, part: index, parts: parts.length, services: part });
    });
  };
  for (const change of plan.changes) {
    add(
      change.input === undefined ? "redeploy" : "register",
      change.sourceArn,
      change.family,
      change.containers,
      change.images,
      change.input,
      change.services,
    );
  }
  if (options.publishImages) {
    for (const current of plan.current) {
      const publishing = current.services.filter((s) => s.publishTo !== undefined);
      if (publishing.length === 0) continue;
      const family = /task-definition\/([^:]+)/.exec(current.arn)?.[1] ?? current.arn;
      add("publish", current.arn, family, [], current.images, undefined, publishing);
    }
  }
  return items;
}

/** The SQS FIFO message of a work item. */
export function messageOf(item: WorkItem): QueueMessage {
  return {
    groupId: messageGroupOf(item.target),
    deduplicationId: `${item.itemId}-${item.part}`,
    body: JSON.stringify(item),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads a work item from a message body.
 *
 * @throws {InvalidWorkItemError} naming the field when the body is not a work item.
 */
export function parseWorkItem(body: string): WorkItem {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    throw new InvalidWorkItemError("message body is not JSON", { cause: error, field: "body" });
  }
  if (!isRecord(value))
    throw new InvalidWorkItemError("message body is not an object", { field: "body" });
  const fail = (field: string, what: string): never => {
    throw new InvalidWorkItemError(`work item field ${field} must be ${what}`, { field });
  };
  if (value.kind !== WORK_ITEM_KIND) fail("kind", `"${WORK_ITEM_KIND}"`);
  if (value.version !== 1) fail("version", "1");
  if (typeof value.itemId !== "string" || !/^[0-9a-f]{64}$/.test(value.itemId))
    fail("itemId", "64 hexadecimal characters");
  for (const field of ["part", "parts"] as const) {
    const n = value[field];
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0) fail(field, "a whole number");
  }
  if (!["register", "redeploy", "publish"].includes(value.action as string))
    fail("action", "register, redeploy or publish");
  const target = value.target;
  if (!isRecord(target) || typeof target.account !== "string" || typeof target.region !== "string")
    fail("target", "{ account, region }");
  const image = value.image;
  if (
    !isRecord(image) ||
    !["eventId", "accountId", "region", "repository", "tag", "digest", "time"].every(
      (k) => typeof image[k] === "string",
    )
  )
    fail("image", "the pushed image");
  if (
    typeof value.baseTaskDefinition !== "string" ||
    !value.baseTaskDefinition.includes(":task-definition/")
  )
    fail("baseTaskDefinition", "a task-definition ARN");
  if (typeof value.family !== "string") fail("family", "a string");
  if (!Array.isArray(value.containers)) fail("containers", "a list");
  if (!Array.isArray(value.images)) fail("images", "a list");
  if (value.register !== undefined && !isRecord(value.register)) fail("register", "an object");
  const services = value.services;
  if (
    !Array.isArray(services) ||
    services.length === 0 ||
    !services.every(
      (s) =>
        isRecord(s) &&
        typeof s.cluster === "string" &&
        typeof s.service === "string" &&
        typeof s.serviceArn === "string",
    )
  )
    fail("services", "a non-empty list of { cluster, service, serviceArn }");
  if (!isRecord(value.pushTimes)) fail("pushTimes", "an object");
  return value as unknown as WorkItem;
}

/** The push times of a work item, as the plan had them. */
export function pushTimesOf(item: WorkItem): Map<string, Date> {
  return new Map(Object.entries(item.pushTimes).map(([key, at]) => [key, new Date(at)]));
}

/** Where work items go: the rollout queue, or (tests, the demo) anything that takes messages. */
export interface WorkQueue {
  /** Sends the messages, in order. @throws {QueueError} when some could not be sent. */
  send(messages: readonly QueueMessage[]): Promise<void>;
  /** Hands a received message back after `seconds` (its visibility timeout from now). */
  retryAfter(receiptHandle: string, seconds: number): Promise<void>;
}

/** The rollout queue over SQS: SendMessageBatch by 10 (and by size), ChangeMessageVisibility. */
export function sqsWorkQueue(sqs: SQSClient, queueUrl: string): WorkQueue {
  return {
    async send(messages) {
      const batches: QueueMessage[][] = [];
      let batch: QueueMessage[] = [];
      let bytes = 0;
      for (const message of messages) {
        const size = Buffer.byteLength(message.body, "utf8");
        if (
          batch.length >= WorkItemLimits.SEND_BATCH ||
          (batch.length > 0 && bytes + size > WorkItemLimits.MAX_BODY_BYTES)
        ) {
          batches.push(batch);
          batch = [];
          bytes = 0;
        }
        batch.push(message);
        bytes += size;
      }
      if (batch.length > 0) batches.push(batch);
      for (const entries of batches) {
        let result: SendMessageBatchCommandOutput;
        try {
          result = await sqs.send(
            new SendMessageBatchCommand({
              QueueUrl: queueUrl,
              Entries: entries.map((m, i) => ({
                Id: String(i),
                MessageBody: m.body,
                MessageGroupId: m.groupId,
                MessageDeduplicationId: m.deduplicationId,
              })),
            }),
          );
        } catch (error) {
          throw deployerErrorOf(error, "SendMessageBatch to the rollout queue", QueueError);
        }
        const failed = result.Failed ?? [];
        if (failed.length > 0) {
          throw new QueueError(
            `SendMessageBatch to the rollout queue failed for ${failed.length} of ${entries.length} item(s): ${failed.map((f) => `${f.Code}: ${f.Message}`).join("; ")}`,
            { retryable: failed.some((f) => f.SenderFault !== true) },
          );
        }
      }
    },
    async retryAfter(receiptHandle, seconds) {
      try {
        await sqs.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: queueUrl,
            ReceiptHandle: receiptHandle,
            VisibilityTimeout: Math.max(0, Math.round(seconds)),
          }),
        );
      } catch (error) {
        throw deployerErrorOf(error, "ChangeMessageVisibility on the rollout queue", QueueError);
      }
    },
  };
}
