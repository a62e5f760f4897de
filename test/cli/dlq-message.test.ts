import { describe, expect, it } from "vitest";
import { classifyDlqMessage, describeEvent } from "../../cli/dlq-message.js";
import { fixture, invocationRecord } from "./support.js";

const FUNCTION = "ecs-deployments-deployment-tracker";

describe("classifyDlqMessage", () => {
  it("returns the original event of a Lambda on-failure invocation record", () => {
    // Prepare
    const { event } = fixture("deployment-completed.json");
    const body = JSON.stringify(invocationRecord(event, FUNCTION));

    // Act
    const message = classifyDlqMessage(body, {}, FUNCTION);

    // Assess
    expect(message).toEqual({
      kind: "invocation-record",
      event,
      condition: "RetriesExhausted",
      functionArn: `arn:aws:lambda:us-east-1:123456789012:function:${FUNCTION}:$LATEST`,
      lastError: "DeliveryError: HTTP 503 from receiver.example.com",
    });
  });

  it("returns the event of an invocation record whose event grew too old", () => {
    // Prepare
    const { event } = fixture("deployment-completed.json");

    // Act
    const message = classifyDlqMessage(
      JSON.stringify(invocationRecord(event, FUNCTION, "EventAgeExceeded")),
    );

    // Assess
    expect(message).toMatchObject({
      kind: "invocation-record",
      condition: "EventAgeExceeded",
      event,
    });
  });

  it("returns the raw EventBridge event with EventBridge's error attributes", () => {
    // Prepare
    const { event } = fixture("deployment-failed.json");

    // Act
    const message = classifyDlqMessage(JSON.stringify(event), {
      ERROR_CODE: "SDK_CLIENT_ERROR",
      ERROR_MESSAGE: "Throttled",
    });

    // Assess
    expect(message).toEqual({
      kind: "eventbridge-event",
      event,
      errorCode: "SDK_CLIENT_ERROR",
      errorMessage: "Throttled",
    });
  });

  it("returns unrecognised for an on-success invocation record", () => {
    // Prepare
    const body = JSON.stringify(invocationRecord({ any: 1 }, FUNCTION, "Success"));

    // Act / Assess
    expect(classifyDlqMessage(body)).toEqual({
      kind: "unrecognised",
      reason: "invocation record with condition Success, not a failure",
    });
  });

  it("returns unrecognised for an invocation record of another function", () => {
    // Prepare
    const body = JSON.stringify(invocationRecord({ any: 1 }, "someone-else"));

    // Act / Assess
    expect(classifyDlqMessage(body, {}, FUNCTION)).toMatchObject({
      kind: "unrecognised",
      reason: expect.stringContaining("someone-else"),
    });
  });

  it.each([
    ["not JSON", "hello", "body is not JSON"],
    ["empty", "", "empty body"],
    ["an array", "[1,2]", "body is not a JSON object"],
    [
      "JSON of another kind",
      '{"Records":[]}',
      "neither a Lambda invocation record nor an EventBridge event",
    ],
    [
      "an event without detail",
      '{"version":"0","id":"1","detail-type":"x","source":"s","account":"1","time":"t","region":"r","resources":[]}',
      "neither a Lambda invocation record nor an EventBridge event",
    ],
    [
      "a record without condition",
      '{"version":"1.0","requestContext":{},"requestPayload":{}}',
      "invocation record without requestContext.condition",
    ],
    [
      "a record without payload",
      '{"version":"1.0","requestContext":{"condition":"RetriesExhausted"}}',
      "invocation record without requestPayload",
    ],
  ])("returns unrecognised when the body is %s", (_name, body, reason) => {
    // Act / Assess
    expect(classifyDlqMessage(body)).toEqual({ kind: "unrecognised", reason });
  });
});

describe("describeEvent", () => {
  it("returns the detail-type, resource and id of an event", () => {
    // Prepare
    const { event } = fixture("deployment-completed.json");

    // Act / Assess
    expect(describeEvent(event)).toBe(
      "ECS Deployment State Change arn:aws:ecs:us-west-2:111122223333:service/default/servicetest (id ddca6449-b258-46c0-8653-e0e3a6EXAMPLE)",
    );
  });
});
