import { describe, expect, it } from "vitest";
import { parseEvent } from "../../functions/deployment-tracker/event.js";
import { buildRecord, idempotencyKey } from "../../functions/deployment-tracker/record.js";
import type { DeploymentStateChange } from "../../functions/deployment-tracker/types.js";
import {
  ACCOUNT,
  completedEvent,
  digest,
  ecrImage,
  REGION,
  SERVICE_ARN,
  TASK_DEFINITION_ARN,
} from "./helpers.js";

function parsed(event: unknown): DeploymentStateChange {
  const result = parseEvent(event);
  if (result.kind !== "track") throw new Error("expected a tracked event");
  return result.event;
}

describe("buildRecord", () => {
  it("returns the seed's payload shape for a completed deployment", () => {
    // Prepare
    const event = parsed(completedEvent());
    const images = [
      { containerName: "app", image: ecrImage("team/app", "v1"), digest: digest("a") },
      { containerName: "sidecar", image: "nginx:1.27", digest: null },
    ];

    // Act
    const record = buildRecord(event, TASK_DEFINITION_ARN, images);

    // Assess
    expect(JSON.parse(JSON.stringify(record))).toEqual({
      runtime: "ecs",
      scope: `${REGION}/prod`,
      workloads: [
        {
          name: "web",
          properties: {
            serviceArn: SERVICE_ARN,
            cluster: "prod",
            region: REGION,
            account: ACCOUNT,
            deploymentId: event.deploymentId,
            eventType: "SERVICE_DEPLOYMENT_COMPLETED",
            taskDefinition: TASK_DEFINITION_ARN,
            images,
            timestamp: "2026-11-21T10:30:45Z",
            status: "COMPLETED",
            reason: event.reason,
          },
          digests: [digest("a")],
        },
      ],
    });
    expect(Object.keys(record)).toEqual(["runtime", "scope", "workloads"]);
    expect(Object.keys(record.workloads[0] ?? {})).toEqual(["name", "properties", "digests"]);
  });

  it("returns status FAILED and the reason for a failed deployment", () => {
    // Prepare
    const event = parsed(
      completedEvent(
        {},
        {
          eventType: "ERROR",
          eventName: "SERVICE_DEPLOYMENT_FAILED",
          reason: "ECS deployment circuit breaker: task failed to start.",
        },
      ),
    );

    // Act
    const record = buildRecord(event, TASK_DEFINITION_ARN, []);

    // Assess
    expect(record.workloads[0]?.properties).toMatchObject({
      status: "FAILED",
      eventType: "SERVICE_DEPLOYMENT_FAILED",
      reason: "ECS deployment circuit breaker: task failed to start.",
    });
  });

  it("returns unique digests without nulls", () => {
    // Prepare
    const event = parsed(completedEvent());
    const images = [
      { containerName: "a", image: "x", digest: digest("b") },
      { containerName: "b", image: "y", digest: digest("b") },
      { containerName: "c", image: "z", digest: null },
    ];

    // Act
    const record = buildRecord(event, TASK_DEFINITION_ARN, images);

    // Assess
    expect(record.workloads[0]?.digests).toEqual([digest("b")]);
    expect(record.workloads[0]?.properties.images).toHaveLength(3);
  });

  it("returns scope <region>/default for a short service ARN", () => {
    // Prepare
    const event = parsed(
      completedEvent({ resources: [`arn:aws:ecs:${REGION}:${ACCOUNT}:service/legacy`] }),
    );

    // Act
    const record = buildRecord(event, TASK_DEFINITION_ARN, []);

    // Assess
    expect(record.scope).toBe(`${REGION}/default`);
    expect(record.workloads[0]?.name).toBe("legacy");
  });

  it("omits reason when the event has none", () => {
    // Prepare
    const event = parsed(completedEvent({}, { reason: undefined }));

    // Act
    const record = buildRecord(event, TASK_DEFINITION_ARN, []);

    // Assess
    expect(record.workloads[0]?.properties).not.toHaveProperty("reason");
  });
});

describe("idempotencyKey", () => {
  it("returns the same key for the same event every time", () => {
    // Prepare
    const event = parsed(completedEvent());

    // Act & Assess
    expect(idempotencyKey(event)).toBe(idempotencyKey(parsed(completedEvent())));
    expect(idempotencyKey(event)).toBe("0d9c1a44-7a4d-4f8e-9a51-1f2b0c3d4e5f");
  });

  it("returns different keys for different events", () => {
    // Act & Assess
    expect(idempotencyKey(parsed(completedEvent({ id: "other-event" })))).not.toBe(
      idempotencyKey(parsed(completedEvent())),
    );
  });
});
