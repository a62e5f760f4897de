import * as z from "zod/mini";
import { EcrEvent, IgnoreReason, ImageAction } from "./constants.js";
import { InvalidEventError } from "./errors.js";
import type { ClassifiedEvent } from "./types.js";

const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
// ECR repository names: lowercase path components (same grammar as parseImageReference).
const REPOSITORY =
  /^(?:[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*\/)*[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;

const nonEmpty = () => z.string().check(z.minLength(1, "must be a non-empty string"));
const matching = (pattern: RegExp, message: string) => z.string().check(z.regex(pattern, message));

/** Fields every EventBridge event has; `detail` is checked per detail-type. */
const envelopeSchema = z.object({
  version: z.optional(z.string()),
  id: nonEmpty(),
  "detail-type": nonEmpty(),
  source: z.literal(EcrEvent.SOURCE, `must be "${EcrEvent.SOURCE}"`),
  account: matching(ACCOUNT, "must be a 12-digit account id"),
  time: z
    .string()
    .check(z.refine((value) => !Number.isNaN(Date.parse(value)), "must be an ISO 8601 time")),
  region: matching(REGION, "must be an AWS region"),
  resources: z.optional(z.array(z.string())),
  detail: z.record(z.string(), z.unknown(), "must be an object"),
});

/** What decides whether an `ECR Image Action` is acted on. */
const actionSchema = z.object({
  "action-type": nonEmpty(),
  result: nonEmpty(),
});

/** A successful push; `image-tag` is absent for untagged pushes (platform manifests of multi-arch images). */
const pushSchema = z.object({
  "repository-name": matching(REPOSITORY, "must be an ECR repository name"),
  "image-digest": matching(DIGEST, "must be a sha256 digest"),
  "image-tag": z.optional(
    z.string().check(z.refine((value) => value === "" || TAG.test(value), "must be an image tag")),
  ),
});

/**
 * Validates an EventBridge event and classifies it: a tagged, successful push to act on,
 * or a no-op with its reason (other detail-types, DELETE, FAILURE, untagged pushes).
 *
 * @throws {InvalidEventError} naming the field, when the event is not a well-formed ECR event.
 */
export function classifyEvent(event: unknown): ClassifiedEvent {
  const envelope = parse(envelopeSchema, event, "");
  const base = { eventId: envelope.id, detailType: envelope["detail-type"] };
  if (envelope["detail-type"] !== EcrEvent.IMAGE_ACTION) {
    return {
      kind: "ignored",
      reason: IgnoreReason.OTHER_DETAIL_TYPE,
      ...base,
      description: `detail-type is "${envelope["detail-type"]}"`,
    };
  }
  const action = parse(actionSchema, envelope.detail, "detail.");
  if (action["action-type"] !== ImageAction.PUSH) {
    return {
      kind: "ignored",
      reason: IgnoreReason.NOT_A_PUSH,
      ...base,
      description: `action-type is "${action["action-type"]}"`,
    };
  }
  if (action.result !== ImageAction.SUCCESS) {
    return {
      kind: "ignored",
      reason: IgnoreReason.NOT_SUCCESSFUL,
      ...base,
      description: `result is "${action.result}"`,
    };
  }
  const push = parse(pushSchema, envelope.detail, "detail.");
  const tag = push["image-tag"];
  if (tag === undefined || tag === "") {
    return {
      kind: "ignored",
      reason: IgnoreReason.UNTAGGED,
      ...base,
      description: `image ${push["image-digest"]} was pushed without a tag`,
    };
  }
  return {
    kind: "push",
    image: {
      eventId: envelope.id,
      accountId: envelope.account,
      region: envelope.region,
      repository: push["repository-name"],
      tag,
      digest: push["image-digest"],
      time: envelope.time,
    },
  };
}

function parse<T>(schema: z.ZodMiniType<T>, value: unknown, prefix: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.map(String).join(".") ?? "";
  const field = `${prefix}${path}`.replace(/\.$/, "") || "event";
  const actual = valueAt(value, issue?.path ?? []);
  const message =
    actual === undefined
      ? "is required"
      : issue?.code === "invalid_type"
        ? `must be ${expectedOf(issue)}, got ${describe(actual)}`
        : `${issue?.message ?? "is invalid"}, got ${describe(actual)}`;
  throw new InvalidEventError(`Invalid ECR event: ${field} ${message}`, {
    field,
    cause: result.error,
  });
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function expectedOf(issue: z.core.$ZodIssue): string {
  if (issue.message.startsWith("must be")) return issue.message.slice("must be ".length);
  return "expected" in issue && typeof issue.expected === "string"
    ? `${/^[aeiou]/.test(issue.expected) ? "an" : "a"} ${issue.expected}`
    : "valid";
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string")
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}
