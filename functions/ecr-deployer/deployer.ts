import type { Logger } from "@aws-lambda-powertools/logger";
import type { ECRClient } from "@aws-sdk/client-ecr";
import type { ECSClient } from "@aws-sdk/client-ecs";
import type { Context } from "aws-lambda";
import { AssumeRoleError } from "../shared/errors.js";
import { IgnoreReason } from "./constants.js";
import {
  discoverServices,
  lookupPushTimes,
  readTaskDefinitions,
  type TaskDefinitionCache,
} from "./discovery.js";
import {
  AccountFailureError,
  type FailedAccount,
  failureOf,
  PartialFailureError,
} from "./errors.js";
import { classifyEvent } from "./event.js";
import type { DeployerMetrics, UnreadableService } from "./metrics.js";
import { imagesToCompare, planDeployment } from "./plan.js";
import { messageOf, type WorkQueue, workItemsOf } from "./queue.js";
import { eventKeys, logFields, plannedUpdates, pushSummaryFields, summary } from "./summary.js";
import type { Pacer } from "./throttle.js";
import type {
  AccountOutcome,
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
  /**
   * The ECS client of a region: of the function's own account when `account` is undefined,
   * else of that linked account (through its deploy role).
   */
  readonly ecsIn: (region: string, account?: string) => ECSClient;
  /** The ECR client of a region, in the function's own account (where the registry is). */
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
export async function planPush(
  image: PushedImage,
  deps: DeployerDependencies,
  account?: string,
): Promise<PushPlan> {
  const { config, logger } = deps;
  const ecs = deps.ecsIn(image.region, account);
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
  const linked = [...(config.linkedAccounts?.values() ?? [])].filter(
    (a) => a.accountId !== image.accountId && a.regions.includes(image.region),
  );
  if (linked.length > 0)
    return deployToAccounts(
      image,
      deps,
      linked.map((a) => a.accountId),
    );
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

/**
 * The message and retryability of an account's failure: an AssumeRoleError (the first call
 * in the account wraps it) says its own; anything else as {@link failureOf} says.
 */
function accountFailure(account: string, error: unknown): FailedAccount {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e instanceof AssumeRoleError)
      return { account, error: `${e.name}: ${e.message}`, retryable: e.retryable };
  }
  const { message, retryable } = failureOf(error);
  return { account, error: message, retryable };
}

/**
 * A push with linked accounts: the registry's own account and each linked account that
 * lists the push's region are planned side by side (each through its own clients, so each
 * its own ECS buckets); work items of every account that could be planned are queued,
 * in the message group of their account and region. One account's failure (its deploy
 * role cannot be assumed, its services cannot be listed) never stops the others: it is
 * reported in the summary line and then by {@link AccountFailureError}.
 *
 * @throws {QueueError} when the work items cannot be sent.
 * @throws {AccountFailureError} when some accounts could not be planned; the others were queued.
 * @throws {PartialFailureError} when some services could not be planned; the others were queued.
 */
async function deployToAccounts(
  image: PushedImage,
  deps: DeployerDependencies,
  linked: readonly string[],
): Promise<DeploymentSummary> {
  const { config, logger } = deps;
  const targets: { account: string; linked: boolean }[] = [
    { account: image.accountId, linked: false },
    ...linked.map((account) => ({ account, linked: true })),
  ];
  const settled = await Promise.allSettled(
    targets.map((t) => planPush(image, deps, t.linked ? t.account : undefined)),
  );
  const plans: { account: string; planned: PushPlan }[] = [];
  const failedAccounts: FailedAccount[] = [];
  settled.forEach((result, i) => {
    const { account } = targets[i] as { account: string };
    if (result.status === "fulfilled") plans.push({ account, planned: result.value });
    else failedAccounts.push(accountFailure(account, result.reason));
  });

  const items = config.dryRun
    ? []
    : plans.flatMap(({ planned }) =>
        workItemsOf(planned.plan, image, planned.pushTimes, {
          publishImages: config.publishImages,
        }),
      );
  if (items.length > 0) await deps.queue.send(items.map(messageOf));

  const outcomes: AccountOutcome[] = targets.map(({ account }) => {
    const failure = failedAccounts.find((f) => f.account === account);
    const p = plans.find((x) => x.account === account)?.planned;
    return {
      account,
      candidates: p?.discovery.candidates.length ?? 0,
      servicesToUpdate: p?.plan.changes.reduce((n, c) => n + c.services.length, 0) ?? 0,
      workItems: items.filter((item) => item.target.account === account).length,
      failed: p?.failed.length ?? 0,
      ...(failure && { error: failure.error }),
    };
  });
  const all = plans.map((x) => x.planned);
  const merged: PushPlan = {
    discovery: {
      clustersScanned: all.reduce((n, p) => n + p.discovery.clustersScanned, 0),
      servicesScanned: all.reduce((n, p) => n + p.discovery.servicesScanned, 0),
      notOptedIn: all.reduce((n, p) => n + p.discovery.notOptedIn, 0),
      candidates: all.flatMap((p) => p.discovery.candidates),
      skipped: all.flatMap((p) => p.discovery.skipped),
      failed: all.flatMap((p) => p.discovery.failed),
    },
    plan: {
      changes: all.flatMap((p) => p.plan.changes),
      skipped: all.flatMap((p) => p.plan.skipped),
      current: all.flatMap((p) => p.plan.current),
    },
    skipped: all.flatMap((p) => p.skipped),
    unreadable: all.flatMap((p) => p.unreadable),
    failed: all.flatMap((p) => p.failed),
    pushTimes: new Map(all.flatMap((p) => [...p.pushTimes])),
  };
  const { skipped, failed, unreadable } = merged;
  const accountFields = {
    accounts: outcomes.map(({ account, candidates, servicesToUpdate, workItems, failed: f }) => ({
      account,
      candidates,
      servicesToUpdate,
      workItems,
      failed: f,
    })),
    failedAccounts: failedAccounts.length,
    ...(failedAccounts.length > 0 && {
      failedAccountErrors: failedAccounts.map((f) => `${f.account}: ${f.error}`),
    }),
  };

  if (config.dryRun) {
    const updates = plannedUpdates(merged.plan, config.imageParameterPath);
    logger.info("Dry run: nothing changed", {
      ...pushSummaryFields({ ...merged, workItems: 0 }),
      ...accountFields,
      plan: updates.map((p) => ({
        ...logFields(p),
        containers: p.containers.map((c) => `${c.container}: ${c.from} -> ${c.to}`),
        ...(p.parameters && { parameters: p.parameters }),
      })),
    });
  } else {
    logger.info("Push planned", {
      ...pushSummaryFields({ ...merged, workItems: items.length }),
      ...accountFields,
    });
  }
  const result: DeploymentSummary = {
    ...summary(image.eventId, config, {
      status: config.dryRun
        ? "planned"
        : failed.length > 0 || failedAccounts.length > 0
          ? "partial-failure"
          : "queued",
      image,
      skipped,
      failed,
      ...(config.dryRun && { planned: plannedUpdates(merged.plan, config.imageParameterPath) }),
    }),
    unreadable,
    ...(!config.dryRun && {
      queued: items.map((item) => ({
        itemId: item.itemId,
        part: item.part,
        action: item.action,
        taskDefinition: item.baseTaskDefinition,
        services: item.services.length,
      })),
    }),
    accounts: outcomes,
  };
  if (failedAccounts.length > 0) {
    const services =
      failed.length > 0
        ? `; ${failed.length} service(s) could not be planned: ${failed.map((f) => `${f.cluster}/${f.service} (${f.error})`).join("; ")}`
        : "";
    throw new AccountFailureError(
      `${failedAccounts.length} account(s) could not be rolled out to, the other accounts' work items were queued: ${failedAccounts.map((f) => `${f.account} (${f.error})`).join("; ")}${services}`,
      { accounts: failedAccounts },
    );
  }
  if (failed.length > 0 && !config.dryRun) {
    throw new PartialFailureError(
      `${failed.length} service(s) could not be planned: ${failed.map((f) => `${f.cluster}/${f.service} (${f.error})`).join("; ")}`,
      { failures: failed },
    );
  }
  return result;
}
