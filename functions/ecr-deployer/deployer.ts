import type { Logger } from "@aws-lambda-powertools/logger";
import type { ECRClient } from "@aws-sdk/client-ecr";
import type { ECSClient } from "@aws-sdk/client-ecs";
import type { SSMClient } from "@aws-sdk/client-ssm";
import type { Context } from "aws-lambda";
import { applyPlan } from "./apply.js";
import { IgnoreReason } from "./constants.js";
import { describeTaskDefinitions, discoverServices, lookupPushTimes } from "./discovery.js";
import { PartialFailureError } from "./errors.js";
import { classifyEvent } from "./event.js";
import { publicationsFor } from "./parameters.js";
import { imagesToCompare, planDeployment } from "./plan.js";
import { publishImages } from "./publish.js";
import { eventKeys, logFields, plannedUpdates, summary } from "./summary.js";
import type { Pacer } from "./throttle.js";
import type {
  DeployerConfig,
  DeploymentPlan,
  DeploymentSummary,
  FailedService,
  PublishedImage,
  PushedImage,
  PushTimes,
  UpdatedService,
} from "./types.js";

/** What the handler depends on; index.ts wires the real ones, tests pass their own. */
export interface DeployerDependencies {
  readonly config: DeployerConfig;
  readonly ecsIn: (region: string) => ECSClient;
  readonly ecrIn: (region: string) => ECRClient;
  /** Parameter Store of a region: where services that ask for it get their images published. */
  readonly ssmIn: (region: string) => SSMClient;
  readonly logger: Logger;
  /** Paces RegisterTaskDefinition (1/s). */
  readonly registerPacer: Pacer;
  /** Paces UpdateService (5/s). */
  readonly updatePacer: Pacer;
  /** Paces the Describe and List calls (20/s). */
  readonly readPacer: Pacer;
  /** Paces GetParameter and PutParameter (10/s). */
  readonly parameterPacer: Pacer;
}

/** The Lambda handler of the ecr-deployer. */
export type DeployerHandler = (event: unknown, context?: Context) => Promise<DeploymentSummary>;

/**
 * Creates the Lambda handler for native `ECR Image Action` events: a tagged, successful
 * push rolls the ECS services that follow the repository and whose tag pattern matches.
 *
 * @throws {InvalidEventError} when the event is malformed (not retryable).
 * @throws {DiscoveryError} when services or task definitions cannot be read.
 * @throws {PartialFailureError} when some services could not be updated or published.
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

/**
 * Rolls one push out: discovers the services that follow it, reads their task
 * definitions and the push times of what they run, plans, and (unless dry run) applies,
 * then publishes the images of the services that ask for it.
 *
 * @throws {DiscoveryError} when services cannot be listed or described.
 * @throws {PartialFailureError} when some services could not be updated or their images
 *   not published; the others were.
 */
export async function deploy(
  image: PushedImage,
  deps: DeployerDependencies,
): Promise<DeploymentSummary> {
  const { config, logger } = deps;
  const ecs = deps.ecsIn(image.region);
  const options = { logger, pace: () => deps.readPacer.wait() };

  const discovery = await discoverServices(ecs, config, image, options);
  logger.info("Discovered services", {
    clusters: discovery.clustersScanned,
    services: discovery.servicesScanned,
    notOptedIn: discovery.notOptedIn,
    candidates: discovery.candidates.map((c) => `${c.cluster}/${c.service}`),
  });
  for (const skip of discovery.skipped) logger.info("Service skipped", logFields(skip));
  for (const failure of discovery.failed) logger.error("Service not rolled", logFields(failure));

  const { described, failures } = await describeTaskDefinitions(
    ecs,
    discovery.candidates.map((c) => c.taskDefinitionArn),
    options,
  );
  const unreadable: FailedService[] = [...discovery.failed];
  const undescribed: FailedService[] = discovery.candidates
    .filter((c) => failures.has(c.taskDefinitionArn))
    .map((c) => {
      const failure = failures.get(c.taskDefinitionArn);
      return {
        cluster: c.cluster,
        service: c.service,
        error: `DescribeTaskDefinition ${c.taskDefinitionArn}: ${failure?.message}`,
        retryable: (failure as { retryable?: unknown } | undefined)?.retryable !== false,
      };
    });
  for (const failure of undescribed)
    logger.error("Task definition could not be read", logFields(failure));
  unreadable.push(...undescribed);

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
  for (const skip of plan.skipped) logger.info("Service skipped", logFields(skip));
  const skipped = [...discovery.skipped, ...plan.skipped];

  if (config.dryRun) {
    const planned = plannedUpdates(plan, config.imageParameterPath);
    logger.info("Dry run: nothing changed", {
      plan: planned.map((p) => ({
        ...logFields(p),
        containers: p.containers.map((c) => `${c.container}: ${c.from} -> ${c.to}`),
        ...(p.parameters && { parameters: p.parameters }),
      })),
    });
    return summary(image.eventId, config, {
      status: "planned",
      image,
      skipped,
      failed: unreadable,
      planned,
    });
  }

  const applied = await applyPlan(plan, {
    ecs,
    logger,
    registerPacer: deps.registerPacer,
    updatePacer: deps.updatePacer,
  });
  const publishing = config.publishImages
    ? await publish(image, plan, applied.updated, pushTimes, deps)
    : { published: [], failed: [] };
  const failed = [...unreadable, ...applied.failed, ...publishing.failed];
  const result = summary(image.eventId, config, {
    status: failed.length > 0 ? "partial-failure" : "deployed",
    image,
    skipped,
    failed,
    updated: applied.updated,
    registered: applied.registered,
    published: publishing.published,
  });
  logger.info("Deployment finished", {
    updated: result.updated.length,
    published: result.published.filter((p) => p.outcome === "written").length,
    skipped: skipped.length,
    failed: failed.length,
  });
  if (failed.length > 0) {
    throw new PartialFailureError(
      `${failed.length} service(s) could not be updated or published: ${failed.map((f) => `${f.cluster}/${f.service} (${f.error})`).join("; ")}`,
      { failures: failed },
    );
  }
  return result;
}

/**
 * Publishes the images of the rolled services (and of those already on the push) that
 * ask for it; a service whose parameters cannot be named or written fails alone.
 */
async function publish(
  image: PushedImage,
  plan: DeploymentPlan,
  updated: readonly UpdatedService[],
  pushTimes: PushTimes,
  deps: DeployerDependencies,
): Promise<{ published: PublishedImage[]; failed: FailedService[] }> {
  const { publications, failed } = publicationsFor(plan, updated, deps.config.imageParameterPath);
  for (const failure of failed)
    deps.logger.error("Image could not be published", logFields(failure));
  if (publications.length === 0) return { published: [], failed };
  const written = await publishImages(publications, image, pushTimes, {
    ssm: deps.ssmIn(image.region),
    ecr: deps.ecrIn(image.region),
    parameterPacer: deps.parameterPacer,
    logger: deps.logger,
  });
  return { published: written.published, failed: [...failed, ...written.failed] };
}
