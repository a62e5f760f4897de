import { functionNameOfArn } from "../functions/shared/arn.js";
import { FAILURE_CONDITIONS } from "./constants.js";

/** The SQS message attributes EventBridge adds to events it could not deliver. */
export type MessageAttributes = Readonly<Record<string, string | undefined>>;

/** What a DLQ message is, and the event to redrive when it has one. */
export type DlqMessage =
  | {
      /** A Lambda on-failure destination record (async invocation failed every attempt). */
      readonly kind: "invocation-record";
      readonly event: unknown;
      readonly condition: string;
      readonly functionArn: string | undefined;
      /** The error of the last attempt, e.g. `Error: HTTP 503 from …`. */
      readonly lastError: string | undefined;
    }
  | {
      /** An EventBridge event the rule could not deliver to the function (target DLQ). */
      readonly kind: "eventbridge-event";
      readonly event: Record<string, unknown>;
      readonly errorCode: string | undefined;
      readonly errorMessage: string | undefined;
    }
  | { readonly kind: "unrecognised"; readonly reason: string };

type Json = Record<string, unknown>;

/** Whether a value is a JSON object (not an array, not null). */
export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A non-empty string, or undefined. */
export function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

const EVENT_KEYS = ["version", "id", "detail-type", "source", "account", "time", "region"] as const;

/** Whether a value is an EventBridge event (the envelope fields and a `detail` object). */
export function isEventBridgeEvent(value: unknown): value is Json {
  return (
    isObject(value) &&
    EVENT_KEYS.every((key) => typeof value[key] === "string") &&
    Array.isArray(value.resources) &&
    isObject(value.detail)
  );
}

function lastError(responsePayload: unknown): string | undefined {
  if (!isObject(responsePayload)) return text(responsePayload);
  const message = text(responsePayload.errorMessage);
  const type = text(responsePayload.errorType);
  if (message && type) return `${type}: ${message}`;
  return message ?? type;
}

function classifyRecord(record: Json, functionName: string | undefined): DlqMessage {
  const context = record.requestContext;
  if (!isObject(context) || typeof context.condition !== "string") {
    return { kind: "unrecognised", reason: "invocation record without requestContext.condition" };
  }
  if (!(FAILURE_CONDITIONS as readonly string[]).includes(context.condition)) {
    return {
      kind: "unrecognised",
      reason: `invocation record with condition ${context.condition}, not a failure`,
    };
  }
  if (!("requestPayload" in record)) {
    return { kind: "unrecognised", reason: "invocation record without requestPayload" };
  }
  const functionArn = text(context.functionArn);
  if (functionName && functionArn && functionNameOfArn(functionArn) !== functionName) {
    return {
      kind: "unrecognised",
      reason: `invocation record of function ${functionNameOfArn(functionArn)}, not ${functionName}`,
    };
  }
  return {
    kind: "invocation-record",
    event: record.requestPayload,
    condition: context.condition,
    functionArn,
    lastError: lastError(record.responsePayload),
  };
}

/**
 * Classifies the body of a DLQ message. The module's DLQs receive two kinds: the Lambda
 * on-failure destination record (`{"version":"1.0","requestContext":{…"condition":
 * "RetriesExhausted"},"requestPayload":<event>,…}`) and the raw event from the rule
 * target's dead-letter queue (with `ERROR_CODE`/`ERROR_MESSAGE` message attributes).
 *
 * @param functionName when given, invocation records of another function are not redriven.
 */
export function classifyDlqMessage(
  body: string | undefined,
  attributes: MessageAttributes = {},
  functionName?: string,
): DlqMessage {
  if (body === undefined || body.trim() === "")
    return { kind: "unrecognised", reason: "empty body" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { kind: "unrecognised", reason: "body is not JSON" };
  }
  if (!isObject(parsed)) return { kind: "unrecognised", reason: "body is not a JSON object" };
  if ("requestContext" in parsed && "requestPayload" in parsed) {
    return classifyRecord(parsed, functionName);
  }
  if (parsed.version === "1.0" && "requestContext" in parsed) {
    return classifyRecord(parsed, functionName);
  }
  if (isEventBridgeEvent(parsed)) {
    return {
      kind: "eventbridge-event",
      event: parsed,
      errorCode: attributes.ERROR_CODE,
      errorMessage: attributes.ERROR_MESSAGE,
    };
  }
  return {
    kind: "unrecognised",
    reason: "neither a Lambda invocation record nor an EventBridge event",
  };
}

/** A one-line description of an event for progress lines: detail-type and resource. */
export function describeEvent(event: unknown): string {
  if (!isObject(event)) return typeof event;
  const type = text(event["detail-type"]) ?? "event";
  const resource = Array.isArray(event.resources) ? text(event.resources[0]) : undefined;
  const id = text(event.id);
  return [type, resource, id && `(id ${id})`].filter(Boolean).join(" ");
}
