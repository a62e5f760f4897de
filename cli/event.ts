import { TrackedEvent } from "../functions/deployment-tracker/contract.js";
import { parseServiceArn } from "../functions/shared/arn.js";
import { DeploymentStatus as StatusFields } from "./constants.js";

/** The statuses test-event can send. */
export type DeploymentStatus = keyof typeof StatusFields;

/** An `ECS Deployment State Change` event, as EventBridge delivers it. */
export interface DeploymentStateChangeEvent {
  readonly version: "0";
  readonly id: string;
  readonly "detail-type": typeof TrackedEvent.DETAIL_TYPE;
  readonly source: typeof TrackedEvent.SOURCE;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: {
    readonly eventType: string;
    readonly eventName: string;
    readonly deploymentId: string;
    readonly updatedAt: string;
    readonly reason: string;
  };
}

/** What the event is built from. */
export interface DeploymentEventInput {
  /** The service ARN as ECS reports it (long or short form). */
  readonly serviceArn: string;
  /** The deployment's id, `ecs-svc/…`. */
  readonly deploymentId: string;
  readonly status: DeploymentStatus;
  readonly now: Date;
  /** The event id (a UUID). */
  readonly id: string;
}

/** An ISO 8601 time to the second, as EventBridge writes `time`. */
export function eventTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Builds the event ECS sends when a deployment completes or fails, with the keys in the
 * order of the AWS documentation's example; account and region come from the service ARN.
 *
 * @throws {InvalidArnError} when serviceArn is not an ECS service ARN.
 */
export function buildDeploymentEvent(input: DeploymentEventInput): DeploymentStateChangeEvent {
  const service = parseServiceArn(input.serviceArn);
  const { eventType, eventName } = StatusFields[input.status];
  const time = eventTime(input.now);
  const reason =
    input.status === "COMPLETED"
      ? `ECS deployment ${input.deploymentId} completed.`
      : `ECS deployment ${input.deploymentId} failed.`;
  return {
    version: "0",
    id: input.id,
    "detail-type": TrackedEvent.DETAIL_TYPE,
    source: TrackedEvent.SOURCE,
    account: service.accountId,
    time,
    region: service.region,
    resources: [input.serviceArn],
    detail: { eventType, eventName, deploymentId: input.deploymentId, updatedAt: time, reason },
  };
}
