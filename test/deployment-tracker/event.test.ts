import { describe, expect, it } from "vitest";
import { InvalidEventError } from "../../functions/deployment-tracker/errors.js";
import { parseEvent } from "../../functions/deployment-tracker/event.js";
import { ACCOUNT, completedEvent, DEPLOYMENT_ID, fixture, REGION } from "./helpers.js";

describe("parseEvent", () => {
  it("returns the deployment of the documented completed event", () => {
    // Prepare
    const { event } = fixture("deployment-completed.json");

    // Act
    const parsed = parseEvent(event);

    // Assess
    expect(parsed).toEqual({
      kind: "track",
      event: expect.objectContaining({
        id: "ddca6449-b258-46c0-8653-e0e3a6EXAMPLE",
        eventName: "SERVICE_DEPLOYMENT_COMPLETED",
        eventType: "INFO",
        deploymentId: "ecs-svc/123",
        time: "2020-05-23T12:31:14Z",
        reason: "ECS deployment ecs-svc/123 completed.",
        service: expect.objectContaining({
          cluster: "default",
          service: "servicetest",
          region: "us-west-2",
        }),
      }),
    });
  });

  it("returns the deployment of the documented failed event with its ERROR type", () => {
    // Prepare
    const { event } = fixture("deployment-failed.json");

    // Act
    const parsed = parseEvent(event);

    // Assess
    expect(parsed.kind).toBe("track");
    expect(parsed.kind === "track" && parsed.event.eventName).toBe("SERVICE_DEPLOYMENT_FAILED");
    expect(parsed.kind === "track" && parsed.event.eventType).toBe("ERROR");
  });

  it("returns skip when the deployment is in progress", () => {
    // Act
    const parsed = parseEvent(fixture("deployment-in-progress.json").event);

    // Assess
    expect(parsed).toEqual({
      kind: "skip",
      reason: expect.stringContaining("SERVICE_DEPLOYMENT_IN_PROGRESS"),
    });
  });

  it("returns skip for an ECS Service Action event", () => {
    // Act
    const parsed = parseEvent(fixture("service-action.json").event);

    // Assess
    expect(parsed).toEqual({ kind: "skip", reason: expect.stringContaining("ECS Service Action") });
  });

  it("returns skip for a Service Action event that carries a deployment event name", () => {
    // Prepare
    const event = completedEvent({ "detail-type": "ECS Service Action" });

    // Act
    const parsed = parseEvent(event);

    // Assess
    expect(parsed.kind).toBe("skip");
  });

  it("returns skip when the source is not aws.ecs", () => {
    // Act
    const parsed = parseEvent(completedEvent({ source: "aws.ecr" }));

    // Assess
    expect(parsed).toEqual({ kind: "skip", reason: expect.stringContaining("aws.ecr") });
  });

  it("returns skip for an unknown deployment event name", () => {
    // Act
    const parsed = parseEvent(
      completedEvent({}, { eventName: "SERVICE_DEPLOYMENT_SOMETHING_NEW" }),
    );

    // Assess
    expect(parsed.kind).toBe("skip");
  });

  it("returns the cluster default and the service for a short service ARN", () => {
    // Prepare
    const event = completedEvent({
      resources: [`arn:aws:ecs:${REGION}:${ACCOUNT}:service/legacy-svc`],
    });

    // Act
    const parsed = parseEvent(event);

    // Assess
    expect(parsed.kind === "track" && parsed.event.service).toMatchObject({
      cluster: "default",
      service: "legacy-svc",
      shortForm: true,
    });
  });

  it("returns the cluster and service of a long service ARN", () => {
    // Act
    const parsed = parseEvent(completedEvent());

    // Assess
    expect(parsed.kind === "track" && parsed.event.service).toMatchObject({
      cluster: "prod",
      service: "web",
      shortForm: false,
    });
    expect(parsed.kind === "track" && parsed.event.deploymentId).toBe(DEPLOYMENT_ID);
  });

  it("ignores unknown extra fields", () => {
    // Act
    const parsed = parseEvent(completedEvent({ extra: { a: 1 } }, { somethingNew: true }));

    // Assess
    expect(parsed.kind).toBe("track");
  });

  const { detail: _detail, ...withoutDetail } = completedEvent();
  const { resources: _resources, ...withoutResources } = completedEvent();
  const { id: _id, ...withoutId } = completedEvent();
  const { time: _time, ...withoutTime } = completedEvent();
  const { source: _source, ...withoutSource } = completedEvent();
  const malformed: [string, unknown, RegExp][] = [
    ["null", null, /event must be an object/],
    ["a string", "SERVICE_DEPLOYMENT_COMPLETED", /event must be an object/],
    ["an array", [completedEvent()], /event must be an object/],
    ["a number", 42, /event must be an object/],
    ["no source", withoutSource, /source/],
    ["a numeric detail-type", completedEvent({ "detail-type": 7 }), /detail-type/],
    ["no detail", withoutDetail, /detail/],
    ["a string detail", completedEvent({ detail: "completed" }), /detail/],
    ["no detail.eventName", completedEvent({}, { eventName: undefined }), /detail\.eventName/],
    ["a numeric detail.eventName", completedEvent({}, { eventName: 3 }), /detail\.eventName/],
    ["no resources", withoutResources, /resources/],
    ["empty resources", completedEvent({ resources: [] }), /resources/],
    ["resources not an array", completedEvent({ resources: "arn:aws:ecs:x" }), /resources/],
    ["a numeric resource", completedEvent({ resources: [12] }), /resources\[0\]/],
    [
      "a resource that is not an ARN",
      completedEvent({ resources: ["my-service"] }),
      /resources\[0\]/,
    ],
    [
      "a task ARN instead of a service ARN",
      completedEvent({ resources: [`arn:aws:ecs:${REGION}:${ACCOUNT}:task/prod/abc`] }),
      /resources\[0\]/,
    ],
    [
      "a cluster ARN",
      completedEvent({ resources: [`arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/prod`] }),
      /resources\[0\]/,
    ],
    [
      "an ARN of another service",
      completedEvent({ resources: [`arn:aws:lambda:${REGION}:${ACCOUNT}:function:f`] }),
      /resources\[0\]/,
    ],
    [
      "an ARN with an empty partition",
      completedEvent({ resources: [`arn::ecs:${REGION}:${ACCOUNT}:service/prod/web`] }),
      /resources\[0\].*empty partition/,
    ],
    [
      "an ARN of an unknown partition",
      completedEvent({ resources: [`arn:foo:ecs:${REGION}:${ACCOUNT}:service/prod/web`] }),
      /resources\[0\].*unknown partition "foo"/,
    ],
    [
      "an ARN of another region",
      completedEvent({ resources: [`arn:aws:ecs:eu-west-1:${ACCOUNT}:service/prod/web`] }),
      /resources\[0\].*region/,
    ],
    [
      "an ARN of another account",
      completedEvent({ resources: [`arn:aws:ecs:${REGION}:999999999999:service/prod/web`] }),
      /resources\[0\].*account/,
    ],
    ["no deploymentId", completedEvent({}, { deploymentId: undefined }), /detail\.deploymentId/],
    ["a numeric deploymentId", completedEvent({}, { deploymentId: 123 }), /detail\.deploymentId/],
    [
      "a deploymentId without ecs-svc/",
      completedEvent({}, { deploymentId: "123" }),
      /detail\.deploymentId/,
    ],
    ["no id", withoutId, /\bid\b/],
    ["an id with spaces", completedEvent({ id: "a b" }), /\bid\b/],
    ["no time", withoutTime, /time/],
    ["a time that is not ISO 8601", completedEvent({ time: "yesterday" }), /time/],
    ["a bad region", completedEvent({ region: "mars" }), /region/],
    ["a bad account", completedEvent({ account: "12" }), /account/],
    ["no detail.eventType", completedEvent({}, { eventType: undefined }), /detail\.eventType/],
  ];

  it.each(malformed)(
    "throws InvalidEventError naming the field when the event has %s",
    (_label, event, field) => {
      // Act
      const act = () => parseEvent(event);

      // Assess
      expect(act).toThrow(InvalidEventError);
      expect(act).toThrow(field);
      try {
        act();
      } catch (error) {
        expect(error).not.toBeInstanceOf(TypeError);
        expect((error as InvalidEventError).retryable).toBe(false);
      }
    },
  );
});
