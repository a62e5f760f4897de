import { DescribeImagesCommand, type ECRClient, type ImageIdentifier } from "@aws-sdk/client-ecr";
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  type ECSClient,
  paginateListClusters,
  paginateListServices,
  type Service,
} from "@aws-sdk/client-ecs";
import { clusterNameOf } from "../shared/arn.js";
import { awsErrorName } from "../shared/aws-errors.js";
import { ApiLimits, SkipReason, SUPPORTED_DEPLOYMENT_CONTROLLER } from "./constants.js";
import { PublishTag } from "./contract.js";
import { DeployerError, DiscoveryError, deployerErrorOf } from "./errors.js";
import { imageKey } from "./image-key.js";
import { readPublishTag } from "./parameters.js";
import { matchesTagPattern } from "./pattern.js";
import type {
  CandidateService,
  DeployerConfig,
  DescribedTaskDefinition,
  Discovery,
  FailedService,
  Log,
  PushedImage,
  PushTimes,
  SkippedService,
} from "./types.js";

/** Shared options of the discovery calls. */
export interface DiscoveryOptions {
  readonly logger: Log;
  /**
   * Waits before each read request (the ECS read quotas: 20/s sustained).
   * @default - no pacing
   */
  readonly pace?: () => Promise<void>;
}

/**
 * Decides, without I/O, which described services of a cluster follow the pushed tag:
 * opted in (tag or default pattern), active, on the ECS deployment controller, and with
 * a pattern matching the tag. Services that opted in but do not qualify are skipped with
 * a reason; the rest are only counted. With publishing on, a candidate's publish tag is
 * read: a service whose tag is invalid fails and is not rolled (rolling it without its
 * parameter would let its own Terraform roll it back).
 */
export function selectCandidates(
  cluster: string,
  services: readonly Service[],
  config: Pick<
    DeployerConfig,
    "optInTagKey" | "defaultTagPattern" | "publishImages" | "imageParameterPath"
  >,
  tag: string,
): {
  candidates: CandidateService[];
  skipped: SkippedService[];
  failed: FailedService[];
  notOptedIn: number;
} {
  const candidates: CandidateService[] = [];
  const skipped: SkippedService[] = [];
  const failed: FailedService[] = [];
  let notOptedIn = 0;
  for (const service of services) {
    const name = service.serviceName ?? service.serviceArn ?? "unknown";
    const tagged = service.tags?.find((t) => t.key === config.optInTagKey)?.value?.trim();
    const pattern = tagged || config.defaultTagPattern;
    if (
      pattern === undefined ||
      service.serviceArn === undefined ||
      service.taskDefinition === undefined
    ) {
      notOptedIn++;
      continue;
    }
    const skip = (reason: SkippedService["reason"], detail: string) =>
      skipped.push({ cluster, service: name, reason, detail });
    const controller = service.deploymentController?.type ?? SUPPORTED_DEPLOYMENT_CONTROLLER;
    if (service.status !== undefined && service.status !== "ACTIVE") {
      skip(SkipReason.NOT_ACTIVE, `service status is ${service.status}`);
    } else if (controller !== SUPPORTED_DEPLOYMENT_CONTROLLER) {
      skip(
        SkipReason.DEPLOYMENT_CONTROLLER,
        `deployment controller is ${controller}; only ${SUPPORTED_DEPLOYMENT_CONTROLLER} services are rolled (deploy ${controller} services with their own tooling)`,
      );
    } else if (!matchesTagPattern(pattern, tag)) {
      skip(SkipReason.TAG_PATTERN_MISMATCH, `tag "${tag}" does not match pattern "${pattern}"`);
    } else {
      const publish = config.publishImages
        ? readPublishTag(
            service.tags?.find((t) => t.key === PublishTag.KEY)?.value,
            config.imageParameterPath,
          )
        : { kind: "off" as const };
      if (publish.kind === "invalid") {
        failed.push({ cluster, service: name, error: publish.error, retryable: false });
        continue;
      }
      candidates.push({
        cluster,
        service: name,
        serviceArn: service.serviceArn,
        taskDefinitionArn: service.taskDefinition,
        pattern,
        patternSource: tagged ? "tag" : "default",
        ...(publish.kind === "target" && { publishTo: publish.target }),
      });
    }
  }
  return { candidates, skipped, failed, notOptedIn };
}

/**
 * Finds the services that follow the pushed image's tag. Cost: one ListClusters page per
 * 100 clusters (none with an allowlist), one ListServices page per 100 services of each
 * cluster, one DescribeServices per 10 services — independent of task-definition revisions.
 *
 * @throws {DiscoveryError} when a read fails after retries.
 */
export async function discoverServices(
  ecs: ECSClient,
  config: Pick<
    DeployerConfig,
    "allowedClusters" | "optInTagKey" | "defaultTagPattern" | "publishImages" | "imageParameterPath"
  >,
  image: PushedImage,
  options: DiscoveryOptions,
): Promise<Discovery> {
  const pace = options.pace ?? noPacing;
  const clusters =
    config.allowedClusters.length > 0 ? [...config.allowedClusters] : await listClusters(ecs, pace);
  const candidates: CandidateService[] = [];
  const skipped: SkippedService[] = [];
  const failed: FailedService[] = [];
  let notOptedIn = 0;
  let servicesScanned = 0;
  for (const clusterRef of clusters) {
    const cluster = clusterNameOf(clusterRef);
    let serviceArns: string[];
    try {
      serviceArns = await listServices(ecs, clusterRef, pace);
    } catch (error) {
      // An allowlisted cluster that does not exist (yet) in this region is not worth a retry.
      if (awsErrorName(error) !== "ClusterNotFoundException") {
        throw deployerErrorOf(error, `ListServices in cluster ${cluster}`, DiscoveryError);
      }
      options.logger.warn("Cluster not found; skipped", { cluster });
      continue;
    }
    for (let i = 0; i < serviceArns.length; i += ApiLimits.DESCRIBE_SERVICES_BATCH) {
      const batch = serviceArns.slice(i, i + ApiLimits.DESCRIBE_SERVICES_BATCH);
      const described = await read(`DescribeServices in cluster ${cluster}`, pace, () =>
        ecs.send(
          new DescribeServicesCommand({ cluster: clusterRef, services: batch, include: ["TAGS"] }),
        ),
      );
      for (const failure of described.failures ?? []) {
        options.logger.warn("Service could not be described", { cluster, failure });
      }
      const services = described.services ?? [];
      servicesScanned += services.length;
      const selection = selectCandidates(cluster, services, config, image.tag);
      candidates.push(...selection.candidates);
      skipped.push(...selection.skipped);
      failed.push(...selection.failed);
      notOptedIn += selection.notOptedIn;
    }
  }
  return {
    candidates,
    skipped,
    failed,
    notOptedIn,
    clustersScanned: clusters.length,
    servicesScanned,
  };
}

const noPacing = async (): Promise<void> => {};

/** Every cluster ARN of the region, with the SDK's paginator. */
async function listClusters(ecs: ECSClient, pace: () => Promise<void>): Promise<string[]> {
  const arns: string[] = [];
  try {
    await pace();
    const pages = paginateListClusters({ client: ecs, pageSize: ApiLimits.LIST_CLUSTERS_PAGE }, {});
    for await (const page of pages) {
      arns.push(...(page.clusterArns ?? []));
      if (page.nextToken) await pace();
    }
  } catch (error) {
    throw deployerErrorOf(error, "ListClusters", DiscoveryError);
  }
  return arns;
}

/** Every service ARN of a cluster, with the SDK's paginator; AWS errors are thrown as they are. */
async function listServices(
  ecs: ECSClient,
  cluster: string,
  pace: () => Promise<void>,
): Promise<string[]> {
  const arns: string[] = [];
  await pace();
  const pages = paginateListServices(
    { client: ecs, pageSize: ApiLimits.LIST_SERVICES_PAGE },
    { cluster },
  );
  for await (const page of pages) {
    arns.push(...(page.serviceArns ?? []));
    if (page.nextToken) await pace();
  }
  return arns;
}

/**
 * Describes each distinct task definition once, with its tags, a few at a time.
 * A task definition that cannot be read is returned in `failures` rather than thrown,
 * so the services on other task definitions still roll.
 */
export async function describeTaskDefinitions(
  ecs: ECSClient,
  arns: Iterable<string>,
  options: DiscoveryOptions,
): Promise<{ described: Map<string, DescribedTaskDefinition>; failures: Map<string, Error> }> {
  const pace = options.pace ?? noPacing;
  const queue = [...new Set(arns)];
  const described = new Map<string, DescribedTaskDefinition>();
  const failures = new Map<string, Error>();
  const worker = async () => {
    for (let arn = queue.shift(); arn !== undefined; arn = queue.shift()) {
      const current = arn;
      try {
        const result = await read(`DescribeTaskDefinition ${current}`, pace, () =>
          ecs.send(
            new DescribeTaskDefinitionCommand({ taskDefinition: current, include: ["TAGS"] }),
          ),
        );
        if (result.taskDefinition === undefined)
          throw new DiscoveryError(`DescribeTaskDefinition ${current} returned nothing`);
        described.set(current, {
          taskDefinition: result.taskDefinition,
          ...(result.tags && { tags: result.tags }),
        });
      } catch (error) {
        failures.set(current, error instanceof Error ? error : new Error(String(error)));
      }
    }
  };
  await Promise.all(Array.from({ length: ApiLimits.DESCRIBE_TASK_DEFINITION_CONCURRENCY }, worker));
  return { described, failures };
}

/**
 * Looks up when images of the pushed repository were pushed (ECR DescribeImages, up to
 * 100 ids per call). An id that no longer exists (deleted, or a tag moved away) is left
 * out: it cannot be newer than an image pushed just now.
 *
 * @throws {DiscoveryError} when a read fails after retries.
 */
export async function lookupPushTimes(
  ecr: ECRClient,
  image: PushedImage,
  imageIds: readonly ImageIdentifier[],
  options: DiscoveryOptions,
): Promise<PushTimes> {
  const times = new Map<string, Date>();
  const describe = async (ids: ImageIdentifier[]) => {
    const result = await read(`DescribeImages in ${image.repository}`, noPacing, () =>
      ecr.send(
        new DescribeImagesCommand({
          registryId: image.accountId,
          repositoryName: image.repository,
          imageIds: ids,
        }),
      ),
    );
    for (const detail of result.imageDetails ?? []) {
      if (detail.imagePushedAt === undefined) continue;
      const pushedAt = new Date(detail.imagePushedAt);
      if (detail.imageDigest) times.set(detail.imageDigest, pushedAt);
      for (const tag of detail.imageTags ?? []) times.set(imageKey({ tag }), pushedAt);
    }
  };
  for (let i = 0; i < imageIds.length; i += ApiLimits.DESCRIBE_IMAGES_BATCH) {
    const batch = imageIds.slice(i, i + ApiLimits.DESCRIBE_IMAGES_BATCH);
    try {
      await describe(batch);
    } catch (error) {
      if (!isImageNotFound(error)) throw error;
      // One missing id fails the whole call: ask for each id alone, and ignore the missing ones.
      options.logger.info("Some referenced images no longer exist; looking them up one by one", {
        count: batch.length,
      });
      for (const id of batch) {
        try {
          await describe([id]);
        } catch (single) {
          if (isImageNotFound(single)) {
            options.logger.info("Referenced image no longer exists", { imageId: id });
            continue;
          }
          throw single;
        }
      }
    }
  }
  return times;
}

/** Makes one read call (the SDK retries it); its failure becomes a classified {@link DiscoveryError}. */
async function read<T>(
  what: string,
  pace: () => Promise<void>,
  call: () => Promise<T>,
): Promise<T> {
  try {
    await pace();
    return await call();
  } catch (error) {
    throw deployerErrorOf(error, what, DiscoveryError);
  }
}

/** Whether a DescribeImages failure says an asked-for image does not exist. */
function isImageNotFound(error: unknown): boolean {
  return error instanceof DeployerError && awsErrorName(error.cause) === "ImageNotFoundException";
}
