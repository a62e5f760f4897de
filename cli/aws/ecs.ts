import {
  DescribeServicesCommand,
  type DescribeServicesCommandOutput,
  type ECSClient,
} from "@aws-sdk/client-ecs";
import { isAwsErrorNamed, NotFoundError } from "../errors.js";
import type { ServiceReference } from "../service-ref.js";

/** A service and its current (PRIMARY) deployment. */
export interface ServiceDeployment {
  readonly serviceArn: string;
  readonly deploymentId: string;
  readonly taskDefinition: string | undefined;
  readonly rolloutState: string | undefined;
}

/**
 * Finds a service and its PRIMARY deployment with one DescribeServices call.
 *
 * @throws {NotFoundError} when the cluster or service does not exist or is not active, or
 *   the service has no PRIMARY deployment.
 */
export async function describeServiceDeployment(
  ecs: ECSClient,
  reference: ServiceReference,
): Promise<ServiceDeployment> {
  const where = reference.cluster ? `cluster ${reference.cluster}` : "the default cluster";
  let response: DescribeServicesCommandOutput;
  try {
    response = await ecs.send(
      new DescribeServicesCommand({
        ...(reference.cluster && { cluster: reference.cluster }),
        services: [reference.service],
      }),
    );
  } catch (error) {
    if (isAwsErrorNamed(error, "ClusterNotFoundException")) {
      throw new NotFoundError(`Cluster not found: ${reference.cluster ?? "default"}`, {
        cause: error,
      });
    }
    throw error;
  }
  const service = response.services?.[0];
  if (!service) {
    const reason = response.failures?.[0]?.reason ?? "MISSING";
    throw new NotFoundError(`Service ${reference.service} not found in ${where} (${reason})`);
  }
  if (service.status !== undefined && service.status !== "ACTIVE") {
    throw new NotFoundError(`Service ${reference.service} is ${service.status}, not ACTIVE`);
  }
  const primary = service.deployments?.find((deployment) => deployment.status === "PRIMARY");
  if (!service.serviceArn || !primary?.id) {
    throw new NotFoundError(`Service ${reference.service} has no PRIMARY deployment`);
  }
  return {
    serviceArn: service.serviceArn,
    deploymentId: primary.id,
    taskDefinition: primary.taskDefinition,
    rolloutState: primary.rolloutState,
  };
}
