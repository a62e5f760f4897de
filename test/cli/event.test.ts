import { describe, expect, it } from "vitest";
import { UsageError } from "../../cli/errors.js";
import { buildDeploymentEvent, eventTime } from "../../cli/event.js";
import { parseServiceReference } from "../../cli/service-ref.js";
import { parseEvent } from "../../functions/deployment-tracker/event.js";
import { EVENT_ID, fixture, NOW } from "./support.js";

const SERVICE_ARN = "arn:aws:ecs:us-west-2:111122223333:service/prod/web";
const SHORT_ARN = "arn:aws:ecs:us-west-2:111122223333:service/web";

/** The structure of a value: keys in order, with the type of each leaf. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).map(([key, inner]) => [key, shape(inner)]);
  }
  return typeof value;
}

describe("buildDeploymentEvent", () => {
  it("returns an event with the keys, key order and types of the documented completed event", () => {
    // Prepare
    const { event: documented } = fixture("deployment-completed.json");

    // Act
    const event = buildDeploymentEvent({
      serviceArn: SERVICE_ARN,
      deploymentId: "ecs-svc/42",
      status: "COMPLETED",
      now: NOW,
      id: EVENT_ID,
    });

    // Assess
    expect(shape(event)).toEqual(shape(documented));
    expect(event).toEqual({
      version: "0",
      id: EVENT_ID,
      "detail-type": "ECS Deployment State Change",
      source: "aws.ecs",
      account: "111122223333",
      time: "2026-11-21T10:30:45Z",
      region: "us-west-2",
      resources: [SERVICE_ARN],
      detail: {
        eventType: "INFO",
        eventName: "SERVICE_DEPLOYMENT_COMPLETED",
        deploymentId: "ecs-svc/42",
        updatedAt: "2026-11-21T10:30:45Z",
        reason: "ECS deployment ecs-svc/42 completed.",
      },
    });
  });

  it("returns an ERROR SERVICE_DEPLOYMENT_FAILED event shaped like the documented one when the status is FAILED", () => {
    // Prepare
    const { event: documented } = fixture("deployment-failed.json");

    // Act
    const event = buildDeploymentEvent({
      serviceArn: SERVICE_ARN,
      deploymentId: "ecs-svc/42",
      status: "FAILED",
      now: NOW,
      id: EVENT_ID,
    });

    // Assess
    expect(shape(event)).toEqual(shape(documented));
    expect(event.detail).toMatchObject({
      eventType: "ERROR",
      eventName: "SERVICE_DEPLOYMENT_FAILED",
    });
  });

  it("returns an event the tracker accepts for recording", () => {
    // Act
    const event = buildDeploymentEvent({
      serviceArn: SHORT_ARN,
      deploymentId: "ecs-svc/4980306466373577095",
      status: "COMPLETED",
      now: NOW,
      id: EVENT_ID,
    });

    // Assess
    const parsed = parseEvent(event);
    expect(parsed.kind).toBe("track");
    expect(parsed.kind === "track" && parsed.event.service.service).toBe("web");
  });

  it("throws when the service ARN is not an ECS service ARN", () => {
    // Act / Assess
    expect(() =>
      buildDeploymentEvent({
        serviceArn: "arn:aws:ecs:us-west-2:111122223333:cluster/prod",
        deploymentId: "ecs-svc/1",
        status: "COMPLETED",
        now: NOW,
        id: EVENT_ID,
      }),
    ).toThrow(/Not an ECS service ARN/);
  });
});

describe("eventTime", () => {
  it("returns the time to the second with a Z suffix", () => {
    // Act / Assess
    expect(eventTime(new Date("2026-01-02T03:04:05.999Z"))).toBe("2026-01-02T03:04:05Z");
  });
});

describe("parseServiceReference", () => {
  it("returns the cluster and region of a long service ARN", () => {
    // Act / Assess
    expect(parseServiceReference(SERVICE_ARN)).toEqual({
      cluster: "prod",
      service: SERVICE_ARN,
      region: "us-west-2",
    });
  });

  it("returns the --cluster for a short service ARN", () => {
    // Act / Assess
    expect(parseServiceReference(SHORT_ARN, "legacy")).toEqual({
      cluster: "legacy",
      service: SHORT_ARN,
      region: "us-west-2",
    });
  });

  it("returns no cluster for a short service ARN without --cluster, so ECS uses the default cluster", () => {
    // Act / Assess
    expect(parseServiceReference(SHORT_ARN).cluster).toBeUndefined();
  });

  it("returns cluster and service of cluster/service", () => {
    // Act / Assess
    expect(parseServiceReference("prod/web")).toEqual({
      cluster: "prod",
      service: "web",
      region: undefined,
    });
  });

  it("returns a bare name with the --cluster", () => {
    // Act / Assess
    expect(parseServiceReference("web", "prod")).toEqual({
      cluster: "prod",
      service: "web",
      region: undefined,
    });
  });

  it.each([
    ["a/b/c", undefined],
    ["arn:aws:ecs:us-west-2:111122223333:task/prod/abc", undefined],
    ["web app", undefined],
    [SERVICE_ARN, "other"],
    ["prod/web", "other"],
  ])("throws a UsageError when --service is %s and --cluster %s", (service, cluster) => {
    // Act / Assess
    expect(() => parseServiceReference(service, cluster)).toThrow(UsageError);
  });
});
