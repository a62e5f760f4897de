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
import type { DeployerMetrics, UnreadableService } from "./metrics.js";
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
  /**
   * Task definitions read before (warm container): a revision found here is not read again.
   * @default - nothing is remembered
   */
  readonly cache?: TaskDefinitionCache;
}

/** Bounds of a {@link TaskDefinitionCache}. */
export interface TaskDefinitionCacheLimits {
  /** Revisions kept; the least recently used go first. */
  readonly maxEntries: number;
  /** Bytes kept (their JSON); a task definition is at most 64 KiB. */
  readonly maxBytes: number;
  /**
   * Milliseconds a revision is kept. Its contents never change, but its tags can
   * (TagResource on the same revision), and a new revision copies them.
   */
  readonly maxAgeMs: number;
}

/** The defaults of {@link TaskDefinitionCacheLimits}. */
export const TASK_DEFINITION_CACHE_LIMITS: TaskDefinitionCacheLimits = {
  maxEntries: 2000,
  maxBytes: 32 * 1024 * 1024,
  maxAgeMs: 10 * 60 * 1000,
};

/** A task-definition revision ARN (`…:task-definition/family:revision`): what the cache keys by. */
const REVISION_ARN = /:task-definition\/[^:/]+:\d+$/;

/**
 * Task definitions by revision ARN, for the life of a warm container: a revision's contents
 * are immutable, so a push reads only the revisions it has not seen. Bounded in entries,
 * bytes and age; a family name or an ARN without revision (which moves) is never kept.
 */
export class TaskDefinitionCache {
  readonly #limits: TaskDefinitionCacheLimits;
  readonly #now: () => number;
  // A Map iterates in insertion order: re-inserting on use keeps the least recent first.
  readonly #entries = new Map<
    string,
    { described: DescribedTaskDefinition; bytes: number; at: number }
  >();
  #bytes = 0;

  constructor(limits: Partial<TaskDefinitionCacheLimits> = {}, now: () => number = Date.now) {
    this.#limits = { ...TASK_DEFINITION_CACHE_LIMITS, ...limits };
    this.#now = now;
  }

  /** Revisions held. */
  get size(): number {
    return this.#entries.size;
  }

  /** The revision, if it was read (or registered) within the age limit. */
  get(arn: string): DescribedTaskDefinition | undefined {
    const entry = this.#entries.get(arn);
    if (entry === undefined) return undefined;
    this.#delete(arn);
    if (this.#now() - entry.at > this.#limits.maxAgeMs) return undefined;
    this.#entries.set(arn, entry);
    this.#bytes += entry.bytes;
    return entry.described;
  }

  /** Keeps a revision just read, or just registered (`{ taskDefinition, tags }` of the answer). */
  remember(arn: string, described: DescribedTaskDefinition): void {
    if (!REVISION_ARN.test(arn)) return;
    const bytes = Buffer.byteLength(JSON.stringify(described), "utf8");
    this.#delete(arn);
    if (bytes > this.#limits.maxBytes) return;
    this.#entries.set(arn, { described, bytes, at: this.#now() });
    this.#bytes += bytes;
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#limits.maxEntries && this.#bytes <= this.#limits.maxBytes)
        break;
      this.#delete(oldest);
    }
  }

  #delete(arn: string): void {
    const entry = this.#entries.get(arn);
    if (entry === undefined) return;
    this.#entries.delete(arn);
    this.#bytes -= entry.bytes;
  }
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
    const batches: string[][] = [];
    for (let i = 0; i < serviceArns.length; i += ApiLimits.DESCRIBE_SERVICES_BATCH) {
      batches.push(serviceArns.slice(i, i + ApiLimits.DESCRIBE_SERVICES_BATCH));
    }
    const describedBatches = await inOrder(
      batches,
      ApiLimits.DESCRIBE_SERVICES_CONCURRENCY,
      (batch) =>
        read(`DescribeServices in cluster ${cluster}`, pace, () =>
          ecs.send(
            new DescribeServicesCommand({
              cluster: clusterRef,
              services: batch,
              include: ["TAGS"],
            }),
          ),
        ),
    );
    for (const described of describedBatches) {
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

/**
 * `work` on each item, at most `concurrency` at a time; the results in the items' order.
 * After the first failure no further item starts, and that failure is thrown.
 */
async function inOrder<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await work(items[index] as T);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

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
 * Describes each distinct task definition once, with its tags, a few at a time; a
 * revision in `options.cache` is not read again, and each one read is remembered there.
 * A task definition that cannot be read is returned in `failures` rather than thrown,
 * so the services on other task definitions still roll.
 */
export async function describeTaskDefinitions(
  ecs: ECSClient,
  arns: Iterable<string>,
  options: DiscoveryOptions,
): Promise<{ described: Map<string, DescribedTaskDefinition>; failures: Map<string, Error> }> {
  const pace = options.pace ?? noPacing;
  const described = new Map<string, DescribedTaskDefinition>();
  const queue: string[] = [];
  for (const arn of new Set(arns)) {
    const cached = options.cache?.get(arn);
    if (cached === undefined) queue.push(arn);
    else described.set(arn, cached);
  }
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
          throw new DiscoveryError(`DescribeTaskDefinition ${current} returned nothing`, {
            retryable: false,
          });
        const taskDefinition: DescribedTaskDefinition = {
          taskDefinition: result.taskDefinition,
          ...(result.tags && { tags: result.tags }),
        };
        described.set(current, taskDefinition);
        options.cache?.remember(current, taskDefinition);
      } catch (error) {
        failures.set(current, error instanceof Error ? error : new Error(String(error)));
      }
    }
  };
  await Promise.all(Array.from({ length: ApiLimits.DESCRIBE_TASK_DEFINITION_CONCURRENCY }, worker));
  return { described, failures };
}

/** What {@link readTaskDefinitions} found. */
export interface TaskDefinitionReads {
  /** By revision ARN. */
  readonly described: Map<string, DescribedTaskDefinition>;
  /**
   * Candidates whose task definition AWS refused to describe (deleted revision, no
   * permission, …): left alone, logged (WARN) and counted, never a failure of the push.
   */
  readonly unreadable: readonly UnreadableService[];
  /** Candidates whose read failed in a way a retry may fix (throttled, server error): failures. */
  readonly failed: readonly FailedService[];
}

/**
 * Reads the task definitions of the candidates (see {@link describeTaskDefinitions}).
 * One broken service does not fail the push: a refused read makes its service
 * unreadable — a WARN naming it, and `Metric.UNREADABLE_TASK_DEFINITIONS` — while a
 * throttled or failed read stays a retryable failure.
 */
export async function readTaskDefinitions(
  ecs: ECSClient,
  candidates: readonly CandidateService[],
  options: DiscoveryOptions & { readonly metrics?: DeployerMetrics },
): Promise<TaskDefinitionReads> {
  const { described, failures } = await describeTaskDefinitions(
    ecs,
    candidates.map((c) => c.taskDefinitionArn),
    options,
  );
  const unreadable: UnreadableService[] = [];
  const failed: FailedService[] = [];
  for (const candidate of candidates) {
    const failure = failures.get(candidate.taskDefinitionArn);
    if (failure === undefined) continue;
    const { cluster, service, taskDefinitionArn } = candidate;
    if ((failure as { retryable?: unknown }).retryable === false) {
      unreadable.push({ cluster, service, taskDefinitionArn, error: failure.message });
      options.logger.warn("Task definition unreadable; service left alone", {
        cluster,
        ecsService: service,
        taskDefinition: taskDefinitionArn,
        error: failure.message,
      });
    } else {
      failed.push({ cluster, service, error: failure.message, retryable: true });
    }
  }
  options.metrics?.unreadableTaskDefinitions(unreadable);
  return { described, unreadable, failed };
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
      options.logger.debug("Some referenced images no longer exist; looking them up one by one", {
        count: batch.length,
      });
      for (const id of batch) {
        try {
          await describe([id]);
        } catch (single) {
          if (isImageNotFound(single)) {
            options.logger.debug("Referenced image no longer exists", { imageId: id });
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
