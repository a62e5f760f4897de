import { RUNTIME } from "./constants.js";
import { RecordedStatus } from "./contract.js";
import type { DeploymentRecord, DeploymentStateChange, ImageRecord } from "./types.js";

/**
 * Builds the record POSTed for a deployment, in the original CloudFormation tracker's shape:
 * `{ runtime, scope: "<region>/<cluster>", workloads: [{ name, properties, digests }] }`.
 * Fields the original CloudFormation tracker did not have (`account`, `status`, `reason`) live inside `properties`.
 */
export function buildRecord(
  event: DeploymentStateChange,
  taskDefinitionArn: string,
  images: readonly ImageRecord[],
): DeploymentRecord {
  const { service } = event;
  const digests = [...new Set(images.map((i) => i.digest).filter((d): d is string => d !== null))];
  return {
    runtime: RUNTIME,
    scope: `${service.region}/${service.cluster}`,
    workloads: [
      {
        name: service.service,
        properties: {
          serviceArn: service.arn,
          cluster: service.cluster,
          region: service.region,
          account: event.account,
          deploymentId: event.deploymentId,
          eventType: event.eventName,
          taskDefinition: taskDefinitionArn,
          images: images.map(({ containerName, image, digest }) => ({
            containerName,
            image,
            digest,
          })),
          timestamp: event.time,
          status: RecordedStatus[event.eventName],
          ...(event.reason !== undefined && { reason: event.reason }),
        },
        digests,
      },
    ],
  };
}

/** The idempotency key of an event's record: the EventBridge event id, the same on every retry. */
export function idempotencyKey(event: Pick<DeploymentStateChange, "id">): string {
  return event.id;
}
