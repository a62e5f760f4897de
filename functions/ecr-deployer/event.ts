import * as z from "zod/mini";
import { isArn } from "../shared/arn.js";
import { validateEvent } from "../shared/event-validation.js";
import {
  ACCOUNT_ID,
  ECR_REPOSITORY_NAME,
  IMAGE_DIGEST,
  IMAGE_TAG,
  Limits,
  REGION,
} from "../shared/grammar.js";
import { IgnoreReason } from "./constants.js";
import { EcrEvent, ImageAction } from "./contract.js";
import { InvalidEventError } from "./errors.js";
import type { ClassifiedEvent, IgnoreReasonCode } from "./types.js";

const nonEmpty = () => z.string().check(z.minLength(1, "must be a non-empty string"));
const matching = (pattern: RegExp, message: string) => z.string().check(z.regex(pattern, message));

/**
 * A string of `min` to `max` characters matching `pattern`; the length is checked first, so
 * a huge value is refused without running the pattern on it.
 */
const bounded = (min: number, max: number, pattern: RegExp, what: string) =>
  z.string().check(
    z.superRefine((value: string, ctx) => {
      if (value.length < min || value.length > max) {
        ctx.addIssue({
          code: "custom",
          input: value,
          message: `must be ${what} of ${min === max ? max : `${min} to ${max}`} characters`,
        });
      } else if (!pattern.test(value)) {
        ctx.addIssue({ code: "custom", input: value, message: `must be ${what}` });
      }
    }),
  );

/** Fields every EventBridge event has; `detail` is checked per detail-type. */
const envelopeSchema = z.object({
  version: z.optional(z.string()),
  id: bounded(1, Limits.EVENT_ID_MAX, /^[\s\S]*$/, "an event id"),
  "detail-type": bounded(1, Limits.DETAIL_TYPE_MAX, /^[\s\S]*$/, "a detail-type"),
  source: z.literal(EcrEvent.SOURCE, `must be "${EcrEvent.SOURCE}"`),
  account: matching(ACCOUNT_ID, "must be a 12-digit account id"),
  time: z.string().check(
    z.refine(
      // The longest ISO 8601 time with a fraction and an offset is under 40 characters.
      (value) => value.length <= 64 && !Number.isNaN(Date.parse(value)),
      "must be an ISO 8601 time",
    ),
  ),
  region: bounded(1, Limits.REGION_MAX, REGION, "an AWS region"),
  resources: z.optional(
    z.array(
      z.string().check(z.refine(isArn, "must be an ARN of a known partition (aws, aws-cn, …)")),
    ),
  ),
  detail: z.record(z.string(), z.unknown(), "must be an object"),
});

/** What decides whether an `ECR Image Action` is acted on. */
const actionSchema = z.object({
  "action-type": nonEmpty(),
  result: nonEmpty(),
});

/** A successful push; `image-tag` is absent for untagged pushes (platform manifests of multi-arch images). */
const pushSchema = z.object({
  "repository-name": bounded(
    Limits.ECR_REPOSITORY_NAME_MIN,
    Limits.ECR_REPOSITORY_NAME_MAX,
    ECR_REPOSITORY_NAME,
    "an ECR repository name",
  ),
  "image-digest": matching(IMAGE_DIGEST, "must be a sha256 digest"),
  "image-tag": z.optional(
    z
      .string()
      .check(
        z.refine(
          (value) =>
            value === "" || (value.length <= Limits.IMAGE_TAG_MAX && IMAGE_TAG.test(value)),
          `must be an image tag (at most ${Limits.IMAGE_TAG_MAX} letters, digits, _ . -; not starting with . or -)`,
        ),
      ),
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
