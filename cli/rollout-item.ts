/**
 * The rollout DLQ's messages: rollout items (one per new task-definition revision) that
 * failed every receive. What one is, and how it goes back to the rollout queue.
 */
import { WORK_ITEM_KIND } from "../functions/ecr-deployer/contract.js";
import { isObject, text } from "./dlq-message.js";

/** A rollout item recognised in a DLQ message, or why it is not one. */
export type RolloutDlqMessage =
  | {
      readonly kind: "rollout-item";
      /** The message group it goes back to: `<account>/<region>` of its services. */
      readonly groupId: string;
      readonly itemId: string;
      /** One line for progress: image, base revision, services. */
      readonly description: string;
    }
  | { readonly kind: "unrecognised"; readonly reason: string };

/** Most characters of a value quoted in a progress line. */
const QUOTE = 120;

function quote(value: string): string {
  return value.length > QUOTE ? `${value.slice(0, QUOTE)}…` : value;
}

function describe(item: Record<string, unknown>): string {
  const image = isObject(item.image) ? item.image : {};
  const reference = [text(image.repository), text(image.tag)].filter(Boolean).join(":");
  const services = Array.isArray(item.services) ? item.services.length : 0;
  const base = text(item.baseTaskDefinition) ?? "?";
  return quote(`rollout of ${reference || "?"} from ${base} to ${services} service(s)`);
}

/**
 * Classifies the body of a rollout DLQ message. `groupId` is the message's own
 * `MessageGroupId`; without one, the group is the item's `target` (`<account>/<region>`),
 * which is how the push function chose it.
 */
export function classifyRolloutMessage(
  body: string | undefined,
  groupId: string | undefined,
): RolloutDlqMessage {
  if (body === undefined || body.trim() === "")
    return { kind: "unrecognised", reason: "empty body" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { kind: "unrecognised", reason: "body is not JSON" };
  }
  if (!isObject(parsed) || parsed.kind !== WORK_ITEM_KIND) {
    return { kind: "unrecognised", reason: `not a rollout item (no "kind": "${WORK_ITEM_KIND}")` };
  }
  const itemId = text(parsed.itemId);
  if (itemId === undefined) return { kind: "unrecognised", reason: "rollout item without itemId" };
  const target = isObject(parsed.target) ? parsed.target : {};
  const fromTarget =
    text(target.account) && text(target.region) ? `${target.account}/${target.region}` : undefined;
  const group = text(groupId) ?? fromTarget;
  if (group === undefined) {
    return { kind: "unrecognised", reason: "rollout item without a message group or target" };
  }
  return { kind: "rollout-item", groupId: group, itemId, description: describe(parsed) };
}

/** SQS's limit on a deduplication id. */
const MAX_DEDUPLICATION_ID = 128;

/**
 * A new deduplication id for an item sent back: the original one (or the item id) with
 * `-r<epoch seconds>`, because SQS drops a message whose id it saw in the last 5 minutes.
 */
export function redriveDeduplicationId(original: string, now: Date): string {
  const suffix = `-r${Math.floor(now.getTime() / 1000)}`;
  return `${original.slice(0, MAX_DEDUPLICATION_ID - suffix.length)}${suffix}`;
}
