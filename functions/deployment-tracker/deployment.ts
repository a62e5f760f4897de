import type { Logger } from "@aws-lambda-powertools/logger";
import {
  type Deployment,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  type ECSClient,
  ListServiceDeploymentsCommand,
  type ServiceDeploymentBrief,
  type ServiceRevision,
} from "@aws-sdk/client-ecs";
import { isThrottlingError } from "../shared/aws-errors.js";
import { DEPLOYMENT_ID_PREFIX, SERVICE_DEPLOYMENTS_PAGE_SIZE } from "./constants.js";
import { AwsThrottledError, ServiceNotFoundError, trackerErrorOf } from "./errors.js";
import type {
  ContainerSpec,
  DeploymentStateChange,
  DeploymentTarget,
  ResolvedImage,
} from "./types.js";

/**
 * Picks the service deployment of an `ecs-svc/<id>` deployment id from a
 * ListServiceDeployments page: the one whose service-deployment ARN or target
 * service-revision ARN ends in `/<id>`.
 */
export function matchServiceDeployment(
  deployments: readonly ServiceDeploymentBrief[] | undefined,
  deploymentId: string,
): ServiceDeploymentBrief | undefined {
  const id = deploymentId.startsWith(DEPLOYMENT_ID_PREFIX)
    ? deploymentId.slice(DEPLOYMENT_ID_PREFIX.length)
    : deploymentId;
  const suffix = `/${id}`;
  return deployments?.find(
    (d) =>
      d.serviceDeploymentArn?.endsWith(suffix) === true ||
      d.targetServiceRevisionArn?.endsWith(suffix) === true,
  );
}

/**
 * Picks the deployment of the event from a service's `deployments[]`: the one with the
 * event's id; else, for a failed deployment, one whose rollout FAILED (after a rollback
 * PRIMARY is the revision rolled back to, not the one that failed); else the PRIMARY one
 * (`matched: false`).
 */
export function pickServiceDeployment(
  deployments: readonly Deployment[] | undefined,
  deploymentId: string,
  failed = false,
): { deployment: Deployment; matched: boolean } | undefined {
  const exact = deployments?.find((d) => d.id === deploymentId);
  if (exact) return { deployment: exact, matched: true };
  const rolledOut = failed ? deployments?.find((d) => d.rolloutState === "FAILED") : undefined;
  if (rolledOut) return { deployment: rolledOut, matched: false };
  const primary = deployments?.find((d) => d.status === "PRIMARY");
  return primary ? { deployment: primary, matched: false } : undefined;
}

/** Container name → image and digest, from a service revision's `containerImages`. */
export function resolvedImagesOf(revision: ServiceRevision): Map<string, ResolvedImage> {
  const images = new Map<string, ResolvedImage>();
  for (const c of revision.containerImages ?? []) {
    if (!c.containerName) continue;
    images.set(c.containerName, {
      ...(c.image && { image: c.image }),
      ...(c.imageDigest && { digest: c.imageDigest }),
    });
  }
  return images;
}

async function send<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw trackerErrorOf(error, operation);
  }
}

/**
 * Tries the service-deployment APIs (ListServiceDeployments, DescribeServiceRevisions):
 * they give the task definition of exactly this deployment and the digests ECS resolved.
 * Returns `undefined` when they are unavailable or do not know the deployment (older
 * deployments, emulators); throttling is rethrown as {@link AwsThrottledError}.
 */
async function fromServiceRevision(
  ecs: ECSClient,
  event: DeploymentStateChange,
  logger: Logger,
): Promise<DeploymentTarget | undefined> {
  const { service } = event;
  let step = "ListServiceDeployments";
  try {
    const list = await ecs.send(
      new ListServiceDeploymentsCommand({
        cluster: service.cluster,
        service: service.service,
        maxResults: SERVICE_DEPLOYMENTS_PAGE_SIZE,
      }),
    );
    const brief = matchServiceDeployment(list.serviceDeployments, event.deploymentId);
    if (!brief?.targetServiceRevisionArn) {
      logger.info(
        "Deployment not among the service deployments; falling back to DescribeServices",
        {
          listed: list.serviceDeployments?.length ?? 0,
        },
      );
      return undefined;
    }
    step = "DescribeServiceRevisions";
    const described = await ecs.send(
      new DescribeServiceRevisionsCommand({
        serviceRevisionArns: [brief.targetServiceRevisionArn],
      }),
    );
    const revision = described.serviceRevisions?.[0];
    if (!revision?.taskDefinition) {
      logger.warn("Service revision not found; falling back to DescribeServices", {
        serviceRevisionArn: brief.targetServiceRevisionArn,
        failures: described.failures,
      });
      return undefined;
    }
    return {
      taskDefinitionArn: revision.taskDefinition,
      source: "service-revision",
      resolvedImages: resolvedImagesOf(revision),
      serviceRevisionArn: brief.targetServiceRevisionArn,
    };
  } catch (error) {
    if (isThrottlingError(error)) {
      throw new AwsThrottledError(`${step} was throttled`, { cause: error });
    }
    logger.warn(`${step} unavailable; falling back to DescribeServices`, {
      error: {
        name: (error as Error)?.name,
        message: String((error as Error)?.message).slice(0, 300),
      },
    });
    return undefined;
  }
}

async function fromDescribeServices(
  ecs: ECSClient,
  event: DeploymentStateChange,
  logger: Logger,
): Promise<DeploymentTarget> {
  const { service } = event;
  const described = await send("DescribeServices", () =>
    ecs.send(
      new DescribeServicesCommand({ cluster: service.cluster, services: [service.service] }),
    ),
  );
  const found =
    described.services?.find((s) => s.serviceName === service.service) ?? described.services?.[0];
  if (!found) {
    throw new ServiceNotFoundError(
      `Service ${service.service} not found in cluster ${service.cluster}: ${JSON.stringify(described.failures ?? [])}`,
    );
  }
  const picked = pickServiceDeployment(
    found.deployments,
    event.deploymentId,
    event.eventName === "SERVICE_DEPLOYMENT_FAILED",
  );
  const taskDefinitionArn = picked?.deployment.taskDefinition ?? found.taskDefinition;
  if (!taskDefinitionArn) {
    throw new ServiceNotFoundError(`Service ${service.service} has no task definition`);
  }
  if (!picked?.matched) {
    logger.warn(
      "Deployment of the event is no longer listed on the service; recording the task definition of the failed (for a failed event) or primary deployment",
      {
        taskDefinition: taskDefinitionArn,
      },
    );
  }
  return {
    taskDefinitionArn,
    source: picked?.matched ? "service-deployment-list" : "primary-deployment",
    resolvedImages: new Map(),
  };
}

/**
 * Finds the task definition of the event's deployment, preferring service revisions
 * (ListServiceDeployments + DescribeServiceRevisions), else the service's `deployments[]`
 * (DescribeServices).
 */
export async function resolveDeployment(
  ecs: ECSClient,
  event: DeploymentStateChange,
  logger: Logger,
): Promise<DeploymentTarget> {
  return (
    (await fromServiceRevision(ecs, event, logger)) ??
    (await fromDescribeServices(ecs, event, logger))
  );
}

/**
 * The containers of a task definition (name and image as written). When the task
 * definition cannot be described, falls back to the images of the service revision.
 */
export async function describeContainers(
  ecs: ECSClient,
  target: DeploymentTarget,
  logger: Logger,
): Promise<ContainerSpec[]> {
  try {
    const described = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: target.taskDefinitionArn }),
    );
    const containers = (described.taskDefinition?.containerDefinitions ?? []).flatMap((c) =>
      c.name && c.image ? [{ name: c.name, image: c.image }] : [],
    );
    if (containers.length > 0) return containers;
    throw new ServiceNotFoundError(`Task definition ${target.taskDefinitionArn} has no containers`);
  } catch (error) {
    const fromRevision = [...target.resolvedImages].flatMap(([name, r]) =>
      r.image ? [{ name, image: r.image }] : [],
    );
    if (fromRevision.length > 0 && !isThrottlingError(error)) {
      logger.warn("DescribeTaskDefinition failed; using the service revision's container images", {
        error: {
          name: (error as Error)?.name,
          message: String((error as Error)?.message).slice(0, 300),
        },
      });
      return fromRevision;
    }
    throw trackerErrorOf(error, "DescribeTaskDefinition");
  }
}
