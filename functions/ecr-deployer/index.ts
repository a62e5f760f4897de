import { Logger } from "@aws-lambda-powertools/logger";
import { ECRClient } from "@aws-sdk/client-ecr";
import { ECSClient } from "@aws-sdk/client-ecs";
import type { Context } from "aws-lambda";
import { regionalClients } from "../shared/clients.js";
import { applyPlan } from "./apply.js";
import { readConfig } from "./config.js";
import { IgnoreReason, Throttle } from "./constants.js";
import { describeTaskDefinitions, discoverServices, lookupPushTimes } from "./discovery.js";
import { PartialFailureError } from "./errors.js";
import { classifyEvent } from "./event.js";
import { imagesToCompare, planDeployment } from "./plan.js";
import { createPacer, type Pacer, realSleep, type Sleep } from "./throttle.js";
import type {
  DeployerConfig,
  DeploymentPlan,
  DeploymentSummary,
  PlannedUpdate,
  PushedImage,
} from "./types.js";

/** What the handler depends on; every member can be replaced in tests. */
export interface DeployerDependencies {
  readonly config: DeployerConfig;
  readonly ecsIn: (region: string) => ECSClient;
  readonly ecrIn: (region: string) => ECRClient;
  readonly logger: Logger;
  readonly sleep: Sleep;
  readonly registerPacer: Pacer;
  readonly updatePacer: Pacer;
}

const clientOptions = { retryMode: "adaptive", maxAttempts: Throttle.SDK_MAX_ATTEMPTS } as const;

/** Builds the default dependencies: configuration from the environment, clients per region. */
export function defaultDependencies(
  overrides: Partial<DeployerDependencies> = {},
): DeployerDependencies {
  const sleep = overrides.sleep ?? realSleep;
  const config = overrides.config ?? readConfig();
  return {
    config,
    ecsIn:
      overrides.ecsIn ?? regionalClients((region) => new ECSClient({ region, ...clientOptions })),
    ecrIn:
      overrides.ecrIn ?? regionalClients((region) => new ECRClient({ region, ...clientOptions })),
    // POWERTOOLS_LOG_LEVEL is read by the Logger itself.
    logger: overrides.logger ?? new Logger({ serviceName: config.serviceName }),
    sleep,
    registerPacer:
      overrides.registerPacer ?? createPacer(Throttle.REGISTER_TASK_DEFINITION_PER_SECOND, sleep),
    updatePacer: overrides.updatePacer ?? createPacer(Throttle.UPDATE_SERVICE_PER_SECOND, sleep),
  };
}

/**
 * Creates the Lambda handler for native `ECR Image Action` events: a tagged, successful
 * push rolls the ECS services that follow the repository and whose tag pattern matches.
 *
 * @throws {InvalidEventError} when the event is malformed (not retryable).
 * @throws {DiscoveryError} when services or task definitions cannot be read (retryable).
 * @throws {PartialFailureError} when some services could not be updated (retryable).
 */
export function createHandler(dependencies: DeployerDependencies) {
  const { logger } = dependencies;
  return async (event: unknown, context?: Context): Promise<DeploymentSummary> => {
    logger.resetKeys();
    if (context) logger.addContext(context);
    logger.appendKeys(eventKeys(event));
    try {
      return await handle(event, dependencies);
    } catch (error) {
      logger.error("Invocation failed", {
        error,
        retryable: (error as { retryable?: unknown })?.retryable === true,
      });
      throw error;
    }
  };
}

async function handle(
  event: unknown,
  dependencies: DeployerDependencies,
): Promise<DeploymentSummary> {
  const { config, logger } = dependencies;
  const classified = classifyEvent(event);
  if (classified.kind === "ignored") {
    logger.info("Event ignored", { reason: classified.reason, detail: classified.description });
    return summary(classified.eventId, config, { status: "ignored", reason: classified.reason });
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
  return deploy(image, dependencies);
}

async function deploy(image: PushedImage, deps: DeployerDependencies): Promise<DeploymentSummary> {
  const { config, logger, sleep } = deps;
  const ecs = deps.ecsIn(image.region);
  const options = { logger, sleep };

  const discovery = await discoverServices(ecs, config, image, options);
  logger.info("Discovered services", {
    clusters: discovery.clustersScanned,
    services: discovery.servicesScanned,
    notOptedIn: discovery.notOptedIn,
    candidates: discovery.candidates.map((c) => `${c.cluster}/${c.service}`),
  });
  for (const skip of discovery.skipped) logger.info("Service skipped", logFields(skip));

  const { described, failures } = await describeTaskDefinitions(
    ecs,
    discovery.candidates.map((c) => c.taskDefinitionArn),
    options,
  );
  const unreadable = discovery.candidates
    .filter((c) => failures.has(c.taskDefinitionArn))
    .map((c) => ({
      cluster: c.cluster,
      service: c.service,
      error: `DescribeTaskDefinition ${c.taskDefinitionArn}: ${failures.get(c.taskDefinitionArn)?.message}`,
    }));
  for (const failure of unreadable)
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
  for (const skip of plan.skipped) logger.info("Service skipped", logFields(skip));
  const skipped = [...discovery.skipped, ...plan.skipped];

  if (config.dryRun) {
    const planned = plannedUpdates(plan);
    logger.info("Dry run: nothing changed", {
      plan: planned.map((p) => ({
        ...logFields(p),
        containers: p.containers.map((c) => `${c.container}: ${c.from} -> ${c.to}`),
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
    sleep,
    registerPacer: deps.registerPacer,
    updatePacer: deps.updatePacer,
  });
  const failed = [...unreadable, ...applied.failed];
  const result = summary(image.eventId, config, {
    status: failed.length > 0 ? "partial-failure" : "deployed",
    image,
    skipped,
    failed,
    updated: applied.updated,
    registered: applied.registered,
  });
  logger.info("Deployment finished", {
    updated: result.updated.length,
    skipped: skipped.length,
    failed: failed.length,
  });
  if (failed.length > 0) {
    throw new PartialFailureError(
      `${failed.length} service(s) could not be updated: ${failed.map((f) => `${f.cluster}/${f.service} (${f.error})`).join("; ")}`,
      { failures: failed },
    );
  }
  return result;
}

/** The plan of a dry run: per service, cluster, old task definition, containers old → new. */
export function plannedUpdates(plan: DeploymentPlan): PlannedUpdate[] {
  return plan.changes.flatMap((change) =>
    change.services.map((s) => ({
      cluster: s.cluster,
      service: s.service,
      taskDefinition: change.sourceArn,
      newRevision: change.input !== undefined,
      containers: change.containers,
    })),
  );
}

function summary(
  eventId: string,
  config: DeployerConfig,
  parts: {
    status: DeploymentSummary["status"];
    reason?: string;
    image?: PushedImage;
    skipped?: DeploymentSummary["skipped"];
    failed?: DeploymentSummary["failed"];
    updated?: DeploymentSummary["updated"];
    registered?: readonly string[];
    planned?: readonly PlannedUpdate[];
  },
): DeploymentSummary {
  return {
    eventId,
    status: parts.status,
    ...(parts.reason !== undefined && { reason: parts.reason }),
    dryRun: config.dryRun,
    ...(parts.image && {
      repository: parts.image.repository,
      tag: parts.image.tag,
      digest: parts.image.digest,
    }),
    updated: parts.updated ?? [],
    skipped: parts.skipped ?? [],
    failed: parts.failed ?? [],
    registeredTaskDefinitions: parts.registered ?? [],
    ...(parts.planned && { planned: parts.planned }),
  };
}

/** A service record for the log: Powertools reserves the key `service` (the function's own name). */
function logFields<T extends { service: string }>(
  record: T,
): Omit<T, "service"> & { ecsService: string } {
  const { service, ...rest } = record;
  return { ...rest, ecsService: service };
}

/** eventId, repository, tag and digest of the raw event, for every log line (even of a malformed event). */
function eventKeys(event: unknown): Record<string, string> {
  const keys: Record<string, string> = {};
  if (typeof event !== "object" || event === null) return keys;
  const { id, detail } = event as { id?: unknown; detail?: unknown };
  if (typeof id === "string") keys.eventId = id;
  if (typeof detail === "object" && detail !== null) {
    const d = detail as Record<string, unknown>;
    if (typeof d["repository-name"] === "string") keys.repository = d["repository-name"];
    if (typeof d["image-tag"] === "string") keys.tag = d["image-tag"];
    if (typeof d["image-digest"] === "string") keys.digest = d["image-digest"];
  }
  return keys;
}

/** The Lambda handler; configuration and clients are set up once, at init. */
export const handler = createHandler(defaultDependencies());
