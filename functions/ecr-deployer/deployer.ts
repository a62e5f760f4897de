import type { Logger } from "@aws-lambda-powertools/logger";
import type { ECRClient } from "@aws-sdk/client-ecr";
import type { ECSClient } from "@aws-sdk/client-ecs";
import type { Context } from "aws-lambda";
import { IgnoreReason } from "./constants.js";
import {
  discoverServices,
  lookupPushTimes,
  readTaskDefinitions,
  type TaskDefinitionCache,
} from "./discovery.js";
import { PartialFailureError } from "./errors.js";
import { classifyEvent } from "./event.js";
import type { DeployerMetrics, UnreadableService } from "./metrics.js";
import { imagesToCompare, planDeployment } from "./plan.js";
import { messageOf, type WorkQueue, workItemsOf } from "./queue.js";
import { eventKeys, logFields, plannedUpdates, pushSummaryFields, summary } from "./summary.js";
import type { Pacer } from "./throttle.js";
import type {
  DeployerConfig,
  DeploymentPlan,
  DeploymentSummary,
  Discovery,
  FailedService,
  PushedImage,
  PushTimes,
  QueuedItem,
  SkippedService,
} from "./types.js";

/** What the push handler depends on; index.ts wires the real ones, tests pass their own. */
export interface DeployerDependencies {
  readonly config: DeployerConfig;
  readonly ecsIn: (region: string) => ECSClient;
  readonly ecrIn: (region: string) => ECRClient;
  readonly logger: Logger;
  /** Paces the Describe and List calls (the ECS clients may pace themselves instead). */
  readonly readPacer: Pacer;
  /** Where the work items go: the rollout queue. */
  readonly queue: WorkQueue;
  /** Task definitions read by earlier pushes to this warm container. */
  readonly taskDefinitions: TaskDefinitionCache;
  readonly metrics: DeployerMetrics;
}

/** The Lambda handler of the ecr-deployer. */
export type DeployerHandler = (event: unknown, context?: Context) => Promise<DeploymentSummary>;

/**
 * Creates the push handler for native `ECR Image Action` events: a tagged, successful
 * push is planned against the ECS services that follow the repository and whose tag
 * pattern matches, and one work item per new revision goes to the rollout queue.
 *
 * @throws {InvalidEventError} when the event is malformed (not retryable).
 * @throws {DiscoveryError} when services or task definitions cannot be read.
 * @throws {PartialFailureError} when some services could not be planned; the others were queued.
 */
export function createHandler(deps: DeployerDependencies): DeployerHandler {
  const { config, logger } = deps;
  return async (event, context) => {
    logger.resetKeys();
    if (context) logger.addContext(context);
    logger.appendKeys(eventKeys(event));
    try {
      const classified = classifyEvent(event);
      if (classified.kind === "ignored") {
        logger.info("Event ignored", { reason: classified.reason, detail: classified.description });
        return summary(classified.eventId, config, {
          status: "ignored",
          reason: classified.reason,
        });
      }
      const image = classified.image;
      if (config.allowedRegions.length > 0 && !config.allowedRegions.includes(image.region)) {
        logger.info("Event ignored", {
          reason: IgnoreReason.REGION_NOT_ALLOWED,
          region: image.region,
          allowedRegions: config.allowedRegions,
        });
        return summary(image.eventId, config, {
          status: "ignored",
          reason: IgnoreReason.REGION_NOT_ALLOWED,
          image,
        });
      }
      return await deploy(image, deps);
    } catch (error) {
      logger.error("Invocation failed", {
        error,
        retryable: (error as { retryable?: unknown })?.retryable === true,
      });
      throw error;
    }
  };
}

/** What planning a push found. */
export interface PushPlan {
  readonly discovery: Discovery;
  readonly plan: DeploymentPlan;
  /** Services left alone because AWS refused to describe their task definition (not failures). */
  readonly unreadable: readonly UnreadableService[];
  readonly skipped: SkippedService[];
  /** Services that could not be planned (their task definition could not be read, …). */
  readonly failed: FailedService[];
  readonly pushTimes: PushTimes;
}

/**
 * Plans one push: discovers the services that follow it, reads their task definitions
 * and the push times of what they run, decides the new revisions.
 *
 * @throws {DiscoveryError} when services cannot be listed or described.
 */
export async function planPush(image: PushedImage, deps: DeployerDependencies): Promise<PushPlan> {
  const { config, logger } = deps;
  const ecs = deps.ecsIn(image.region);
  const options = { logger, pace: () => deps.readPacer.wait() };

  const discovery = await discoverServices(ecs, config, image, options);
  logger.debug("Discovered services", {
    clusters: discovery.clustersScanned,
    services: discovery.servicesScanned,
    notOptedIn: discovery.notOptedIn,
    candidates: discovery.candidates.map((c) => `${c.cluster}/${c.service}`),
  });
  for (const skip of discovery.skipped) logger.debug("Service skipped", logFields(skip));
  for (const failure of discovery.failed) logger.error("Service not rolled", logFields(failure));

  const reads = await readTaskDefinitions(ecs, discovery.candidates, {
    ...options,
    cache: deps.taskDefinitions,
    metrics: deps.metrics,
  });
  const { described, unreadable } = reads;
  const failed: FailedService[] = [...discovery.failed, ...reads.failed];
  for (const failure of reads.failed)
    logger.error("Task definition could not be read", logFields(failure));

  const imageIds = imagesToCompare(image, described.values());
  const pushTimes =
    imageIds.length > 0
      ? await lookupPushTimes(deps.ecrIn(image.region), image, imageIds, options)
      : new Map();
  const plan = planDeployment({
    image,
    candidates: discovery.candidates,
    taskDefinitions: described,
    pushTimes,
    pin: config.imagePin,
  });
  for (const skip of plan.skipped) logger.debug("Service skipped", logFields(skip));
  return {
    discovery,
    plan,
    skipped: [...discovery.skipped, ...plan.skipped],
    unreadable,
    failed,
    pushTimes,
  };
}

/**
 * Plans one push and (unless dry run) puts its work items on the rollout queue: one per
 * new revision, in the message group of the services' account and region, deduplicated by
 * (pushed digest, base revision) so that a retried push within SQS's deduplication window
 * adds nothing. The rollout function applies them.
 *
 * @throws {DiscoveryError} when services cannot be listed or described.
 * @throws {QueueError} when the work items cannot be sent.
 * @throws {PartialFailureError} when some services could not be planned; the others were queued.
 */
export async function deploy(
  image: PushedImage,
  deps: DeployerDependencies,
): Promise<DeploymentSummary> {
  const { config, logger } = deps;
  const planned = await planPush(image, deps);
  const { plan, skipped, failed, pushTimes, unreadable } = planned;

  if (config.dryRun) {
    const updates = plannedUpdates(plan, config.imageParameterPath);
    logger.info("Dry run: nothing changed", {
      ...pushSummaryFields({ ...planned, workItems: 0 }),
      plan: updates.map((p) => ({
        ...logFields(p),
        containers: p.containers.map((c) => `${c.container}: ${c.from} -> ${c.to}`),
        ...(p.parameters && { parameters: p.parameters }),
      })),
    });
    return {
      ...summary(image.eventId, config, {
        status: "planned",
        image,
        skipped,
        failed,
        planned: updates,
      }),
      unreadable,
    };
  }

  const items = workItemsOf(plan, image, pushTimes, { publishImages: config.publishImages });
  await deps.queue.send(items.map(messageOf));
  const queued: QueuedItem[] = items.map((item) => ({
    itemId: item.itemId,
    part: item.part,
    action: item.action,
    taskDefinition: item.baseTaskDefinition,
    services: item.services.length,
  }));
  const result: DeploymentSummary = {
    ...summary(image.eventId, config, {
      status: failed.length > 0 ? "partial-failure" : "queued",
      image,
      skipped,
      failed,
    }),
    unreadable,
    queued,
  };
  logger.info("Push planned", pushSummaryFields({ ...planned, workItems: items.length }));
  if (failed.length > 0) {
    throw new PartialFailureError(
      `${failed.length} service(s) could not be planned: ${failed.map((f) => `${f.cluster}/${f.service} (${f.error})`).join("; ")}`,
      { failures: failed },
    );
  }
  return result;
}
