import * as z from "zod/mini";
import { validateEvent } from "../shared/event-validation.js";
import {
  ACCOUNT_ID,
  ECR_REPOSITORY_NAME,
  IMAGE_DIGEST,
  IMAGE_TAG,
  REGION,
} from "../shared/grammar.js";
import { IgnoreReason } from "./constants.js";
import { EcrEvent, ImageAction } from "./contract.js";
import { InvalidEventError } from "./errors.js";
import type { ClassifiedEvent, IgnoreReasonCode } from "./types.js";

const nonEmpty = () => z.string().check(z.minLength(1, "must be a non-empty string"));
const matching = (pattern: RegExp, message: string) => z.string().check(z.regex(pattern, message));

/** Fields every EventBridge event has; `detail` is checked per detail-type. */
const envelopeSchema = z.object({
  version: z.optional(z.string()),
  id: nonEmpty(),
  "detail-type": nonEmpty(),
  source: z.literal(EcrEvent.SOURCE, `must be "${EcrEvent.SOURCE}"`),
  account: matching(ACCOUNT_ID, "must be a 12-digit account id"),
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
  "repository-name": matching(ECR_REPOSITORY_NAME, "must be an ECR repository name"),
  "image-digest": matching(IMAGE_DIGEST, "must be a sha256 digest"),
  "image-tag": z.optional(
    z
      .string()
      .check(z.refine((value) => value === "" || IMAGE_TAG.test(value), "must be an image tag")),
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
  const ignored = (reason: IgnoreReasonCode, description: string): ClassifiedEvent => ({
    kind: "ignored",
    reason,
    eventId: envelope.id,
    detailType: envelope["detail-type"],
    description,
  });
  if (envelope["detail-type"] !== EcrEvent.IMAGE_ACTION) {
    return ignored(IgnoreReason.OTHER_DETAIL_TYPE, `detail-type is "${envelope["detail-type"]}"`);
  }
  const action = parse(actionSchema, envelope.detail, "detail.");
  if (action["action-type"] !== ImageAction.PUSH) {
    return ignored(IgnoreReason.NOT_A_PUSH, `action-type is "${action["action-type"]}"`);
  }
  if (action.result !== ImageAction.SUCCESS) {
    return ignored(IgnoreReason.NOT_SUCCESSFUL, `result is "${action.result}"`);
  }
  const push = parse(pushSchema, envelope.detail, "detail.");
  const tag = push["image-tag"];
  if (tag === undefined || tag === "") {
    return ignored(IgnoreReason.UNTAGGED, `image ${push["image-digest"]} was pushed without a tag`);
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
  const result = validateEvent(schema, value, prefix);
  if (result.ok) return result.data;
  const { field, problem } = result.issue;
  throw new InvalidEventError(`Invalid ECR event: ${field} ${problem}`, {
    field,
    cause: result.cause,
  });
}
