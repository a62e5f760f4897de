/**
 * The rollout handler: consumes the rollout queue (an SQS event source mapping with
 * `ReportBatchItemFailures`) and applies each work item under the same safety rules as at
 * planning time, re-checked now: a service that moved since the push was planned is
 * planned again from what it runs (a newer image is never replaced, a service already on
 * the pushed digest is a no-op), and a revision an interrupted attempt registered is
 * found by its item tag and reused.
 */
import type { ECRClient } from "@aws-sdk/client-ecr";
import {
  DescribeServicesCommand,
  type ECSClient,
  ListTaskDefinitionsCommand,
  type Service,
  type Tag,
} from "@aws-sdk/client-ecs";
import type { SSMClient } from "@aws-sdk/client-ssm";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { isThrottlingError } from "../shared/aws-errors.js";
import { applyPlan } from "./apply.js";
import { ApiLimits, Backoff, SkipReason, WorkItemLimits } from "./constants.js";
import { RolloutItemTag } from "./contract.js";
import { describeTaskDefinitions, lookupPushTimes, type TaskDefinitionCache } from "./discovery.js";
import { ConfigurationError, failureOf, InvalidEventError } from "./errors.js";
import { publicationsFor } from "./parameters.js";
import { imagesToCompare, planDeployment } from "./plan.js";
import { publishImages } from "./publish.js";
import { parseWorkItem, pushTimesOf, type WorkQueue } from "./queue.js";
import { logFields } from "./summary.js";
import { deriveRegisterInput } from "./task-definition.js";
import type { BucketPacers, Pacer } from "./throttle.js";
import type {
  CandidateService,
  CurrentTaskDefinition,
  DeployerConfig,
  DeploymentPlan,
  FailedService,
  ItemOutcome,
  Log,
  PublishedImage,
  SkippedService,
  TaskDefinitionChange,
  UpdatedService,
  WorkItem,
} from "./types.js";

/** How the rollout hands items back; defaults in `Backoff` (constants.ts), tests shorten them. */
export type BackoffSettings = { readonly [K in keyof typeof Backoff]: number };

/** What the rollout handler depends on; index.ts wires the real ones. */
export interface RolloutDependencies {
  readonly config: DeployerConfig;
  /**
   * The ECS client of the item's region and account (`target.account`): a linked account's
   * through its deploy role, any other account's with the function's own credentials.
   */
  readonly ecsIn: (region: string, account?: string) => ECSClient;
  /** ECR (push times) and SSM (image parameters) stay in the function's own account. */
  readonly ecrIn: (region: string) => ECRClient;
  readonly ssmIn: (region: string) => SSMClient;
  readonly logger: Log & { appendKeys(keys: Record<string, unknown>): void; resetKeys(): void };
  /** The rollout queue: where failed items are handed back with a longer visibility. */
  readonly queue: WorkQueue;
  /** The pacers of an account and region's ECS buckets (they pace the ECS clients' calls). */
  readonly pacersIn: (region: string, account?: string) => BucketPacers;
  /** Paces GetParameter and PutParameter. */
  readonly parameterPacer: Pacer;
  /** @default Backoff */
  readonly backoff?: BackoffSettings;
  /** Task definitions read or registered in this warm container. */
  readonly taskDefinitions?: TaskDefinitionCache;
}

/** What a batch came to: the answer for Lambda and, per item, what was done. */
export interface BatchResult {
  readonly response: SQSBatchResponse;
  readonly outcomes: readonly ItemOutcome[];
  /** Message ids handed back without being started (the invocation ran short of time). */
  readonly unprocessed: readonly string[];
}

/** The rollout handler, for the SQS event source mapping. */
export type RolloutHandler = (event: unknown, context?: Context) => Promise<SQSBatchResponse>;

const noPacing: Pacer = { wait: async () => {} };

/**
 * Creates the handler of the rollout function: applies a batch of work items, and reports
 * the items to be delivered again in `batchItemFailures` (each handed back with a
 * visibility that backs off: throttled items longest).
 *
 * @throws {ConfigurationError} at creation when `ROLLOUT_QUEUE_URL` is not set.
 */
export function createRolloutHandler(deps: RolloutDependencies): RolloutHandler {
  return async (event, context) => (await rollOutBatch(event, context, deps)).response;
}

/** Checks what the rollout handler needs of the configuration (at init). */
export function requireRolloutQueue(config: DeployerConfig): string {
  if (config.rolloutQueueUrl === undefined)
    throw new ConfigurationError("Environment variable ROLLOUT_QUEUE_URL is required");
  return config.rolloutQueueUrl;
}

function isSqsEvent(event: unknown): event is SQSEvent {
  return (
    typeof event === "object" &&
    event !== null &&
    Array.isArray((event as { Records?: unknown }).Records) &&
    (event as SQSEvent).Records.every(
      (r) => typeof r?.messageId === "string" && typeof r?.body === "string",
    )
  );
}

function receiveCountOf(record: SQSRecord): number {
  const count = Number(record.attributes?.ApproximateReceiveCount);
  return Number.isInteger(count) && count > 0 ? count : 1;
}

/**
 * Whether an earlier attempt may have registered this item's revision: the message was
 * received before, it is a later part of a split revision, or it was sent again (a redrive
 * sends it with another deduplication id). Only then is the family looked through.
 */
export function mayHaveOrphan(record: SQSRecord, item: WorkItem): boolean {
  return (
    receiveCountOf(record) > 1 ||
    item.part > 0 ||
    record.attributes?.MessageDeduplicationId !== `${item.itemId}-${item.part}`
  );
}

/** The visibility (seconds) a failed item is handed back with. */
export function backoffSeconds(
  outcome: Pick<ItemOutcome, "failed" | "throttled" | "cutShort">,
  receiveCount: number,
  backoff: BackoffSettings = Backoff,
): number {
  if (outcome.failed.length === 0) return backoff.UNPROCESSED_SECONDS;
  if (!outcome.throttled && outcome.failed.every((f) => !f.retryable))
    return backoff.NOT_RETRYABLE_SECONDS;
  const base = outcome.throttled ? backoff.THROTTLED_BASE_SECONDS : backoff.FAILED_BASE_SECONDS;
  return Math.min(backoff.MAX_SECONDS, base * 2 ** Math.min(receiveCount - 1, 20));
}

/**
 * Applies the items of one batch in order. Items are independent (each re-checks its
 * services at apply time), so one failing item does not hold back the next; an item that
 * cannot finish before the invocation's time runs out is handed back, and so is every
 * item after it, unstarted.
 *
 * @throws {InvalidEventError} when the event is not an SQS batch.
 */
export async function rollOutBatch(
  event: unknown,
  context: Pick<Context, "getRemainingTimeInMillis"> | undefined,
  deps: RolloutDependencies,
): Promise<BatchResult> {
  const { logger } = deps;
  const backoff = deps.backoff ?? Backoff;
  if (!isSqsEvent(event))
    throw new InvalidEventError("event is not an SQS batch (Records with messageId and body)");
  const remaining = () => context?.getRemainingTimeInMillis() ?? Number.POSITIVE_INFINITY;
  const failures: string[] = [];
  const unprocessed: string[] = [];
  const outcomes: ItemOutcome[] = [];
  const handBack = async (record: SQSRecord, seconds: number) => {
    failures.push(record.messageId);
    try {
      await deps.queue.retryAfter(record.receiptHandle, seconds);
    } catch (error) {
      // The queue's own visibility timeout brings it back later; nothing is lost.
      logger.warn("Work item could not be handed back early", {
        messageId: record.messageId,
        error: failureOf(error).message,
      });
    }
  };
  // The services of the whole batch, read at once (10 per call), then kept up to date as items move them.
  const known = new Map<string, Service>();
  try {
    await prefetchServices(event.Records, deps, known);
  } catch (error) {
    // Each item reads what it still needs.
    logger.debug("Services of the batch could not be read at once", {
      error: failureOf(error).message,
    });
  }
  let stopping = false;
  for (const [index, record] of event.Records.entries()) {
    logger.resetKeys();
    logger.appendKeys({ messageId: record.messageId });
    if (stopping) {
      unprocessed.push(record.messageId);
      await handBack(record, backoff.UNPROCESSED_SECONDS);
      continue;
    }
    let item: WorkItem;
    try {
      item = parseWorkItem(record.body);
    } catch (error) {
      logger.error("Message is not a work item", { error: failureOf(error).message });
      await handBack(record, backoff.NOT_RETRYABLE_SECONDS);
      continue;
    }
    logger.appendKeys({
      eventId: item.image.eventId,
      repository: item.image.repository,
      tag: item.image.tag,
      digest: item.image.digest,
      itemId: item.itemId,
      part: item.part,
    });
    const pacers = deps.pacersIn(item.target.region, item.target.account);
    // Start an item only when it can finish; the first one always starts (it makes
    // progress on each delivery, as done services are no-ops the next time).
    const needed =
      pacers.TASK_DEFINITION_MODIFY.delayFor(1) +
      pacers.SERVICE_MODIFY.delayFor(item.services.length) +
      backoff.SAFETY_MARGIN_MS;
    if (index > 0 && remaining() < needed) {
      stopping = true;
      unprocessed.push(record.messageId);
      logger.debug("Not enough time left for the next work item; handed back", {
        remainingMs: remaining(),
        neededMs: Math.round(needed),
      });
      await handBack(record, backoff.UNPROCESSED_SECONDS);
      continue;
    }
    const canWrite = () =>
      remaining() > backoff.SAFETY_MARGIN_MS + pacers.SERVICE_MODIFY.delayFor(1);
    let outcome: ItemOutcome;
    try {
      outcome = await rollOutItem(item, deps, canWrite, known, mayHaveOrphan(record, item));
    } catch (error) {
      const { message, retryable } = failureOf(error);
      logger.error("Work item failed", { error: message, retryable });
      outcome = {
        ...emptyOutcome(item),
        failed: item.services.map((s) => ({
          cluster: s.cluster,
          service: s.service,
          error: message,
          retryable,
        })),
        throttled: isThrottlingError((error as { cause?: unknown })?.cause ?? error),
      };
    }
    outcomes.push(outcome);
    logger.debug("Work item done", {
      updated: outcome.updated.length,
      registered: outcome.registered,
      reused: outcome.reused,
      skipped: outcome.skipped.length,
      failed: outcome.failed.length,
      published: outcome.published.length,
      cutShort: outcome.cutShort,
    });
    if (outcome.failed.length > 0 || outcome.cutShort) {
      await handBack(record, backoffSeconds(outcome, receiveCountOf(record), backoff));
    }
    if (outcome.cutShort) stopping = true;
  }
  logger.resetKeys();
  return {
    response: { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) },
    outcomes,
    unprocessed,
  };
}

/** Reads the services of every well-formed item of a batch, per account and region. */
async function prefetchServices(
  records: readonly SQSRecord[],
  deps: RolloutDependencies,
  known: Map<string, Service>,
): Promise<void> {
  const byTarget = new Map<
    string,
    { target: WorkItem["target"]; services: WorkItem["services"][number][] }
  >();
  for (const record of records) {
    let item: WorkItem;
    try {
      item = parseWorkItem(record.body);
    } catch {
      continue;
    }
    const { allowedClusters, allowedRegions } = deps.config;
    if (allowedRegions.length > 0 && !allowedRegions.includes(item.target.region)) continue;
    const key = `${item.target.account}/${item.target.region}`;
    const entry = byTarget.get(key) ?? { target: item.target, services: [] };
    entry.services.push(
      ...item.services.filter(
        (s) => allowedClusters.length === 0 || allowedClusters.includes(s.cluster),
      ),
    );
    byTarget.set(key, entry);
  }
  for (const { target, services } of byTarget.values()) {
    try {
      await describeServicesOf(deps.ecsIn(target.region, target.account), services, known);
    } catch (error) {
      // One account's failure (its role) leaves the others' reads; its items read again.
      deps.logger.debug("Services of an account could not be read at once", {
        account: target.account,
        error: failureOf(error).message,
      });
    }
  }
}

function emptyOutcome(item: WorkItem): ItemOutcome {
  return {
    itemId: item.itemId,
    part: item.part,
    updated: [],
    registered: [],
    skipped: [],
    failed: [],
    published: [],
    throttled: false,
    cutShort: false,
  };
}

function candidateOf(
  service: WorkItem["services"][number],
  taskDefinitionArn: string,
): CandidateService {
  return { ...service, taskDefinitionArn };
}

/**
 * Services as ECS has them now, by service ARN: DescribeServices by 10 per cluster.
 * Services already in `known` are not read again.
 */
async function describeServicesOf(
  ecs: ECSClient,
  services: readonly Pick<WorkItem["services"][number], "cluster" | "serviceArn">[],
  known: Map<string, Service>,
): Promise<void> {
  const byCluster = new Map<string, Set<string>>();
  for (const s of services) {
    if (known.has(s.serviceArn)) continue;
    const arns = byCluster.get(s.cluster) ?? new Set<string>();
    arns.add(s.serviceArn);
    byCluster.set(s.cluster, arns);
  }
  for (const [cluster, set] of byCluster) {
    const arns = [...set];
    for (let i = 0; i < arns.length; i += ApiLimits.DESCRIBE_SERVICES_BATCH) {
      const described = await ecs.send(
        new DescribeServicesCommand({
          cluster,
          services: arns.slice(i, i + ApiLimits.DESCRIBE_SERVICES_BATCH),
        }),
      );
      for (const service of described.services ?? []) {
        if (service.serviceArn) known.set(service.serviceArn, service);
      }
      for (const failure of described.failures ?? []) {
        if (failure.arn) known.set(failure.arn, { serviceArn: failure.arn, status: "MISSING" });
      }
    }
  }
}

function revisionOf(arn: string): number {
  return Number(/:(\d+)$/.exec(arn)?.[1] ?? 0);
}

/**
 * The revision an earlier attempt of this item registered, if any: among the family's
 * newest revisions above the base, the one tagged with the item id. Costs one
 * ListTaskDefinitions, plus one DescribeTaskDefinition per revision newer than the base
 * (none when the base is the family's latest, the usual case).
 */
async function findOrphan(
  ecs: ECSClient,
  item: WorkItem,
  logger: Log,
  cache: TaskDefinitionCache | undefined,
): Promise<string | undefined> {
  const listed = await ecs.send(
    new ListTaskDefinitionsCommand({
      familyPrefix: item.family,
      sort: "DESC",
      maxResults: WorkItemLimits.ORPHAN_LOOKUP_REVISIONS * 2,
    }),
  );
  const base = revisionOf(item.baseTaskDefinition);
  const newer = (listed.taskDefinitionArns ?? [])
    .filter((arn) => arn.includes(`:task-definition/${item.family}:`) && revisionOf(arn) > base)
    .sort((a, b) => revisionOf(b) - revisionOf(a))
    .slice(0, WorkItemLimits.ORPHAN_LOOKUP_REVISIONS);
  if (newer.length === 0) return undefined;
  const { described } = await describeTaskDefinitions(ecs, newer, { logger, cache });
  for (const arn of newer) {
    const tags = described.get(arn)?.tags ?? [];
    if (tags.some((t) => t.key === RolloutItemTag.KEY && t.value === item.itemId)) return arn;
  }
  return undefined;
}

/** The register input of an item, tagged with its id (unless the revision has no room for a tag). */
async function registerInputOf(
  ecs: ECSClient,
  item: WorkItem,
  logger: Log,
  cache: TaskDefinitionCache | undefined,
): Promise<TaskDefinitionChange["input"]> {
  let input = item.register;
  if (input === undefined) {
    const { described, failures } = await describeTaskDefinitions(ecs, [item.baseTaskDefinition], {
      logger,
      cache,
    });
    const base = described.get(item.baseTaskDefinition);
    if (base === undefined)
      throw failures.get(item.baseTaskDefinition) ?? new Error("base revision not found");
    input = deriveRegisterInput(
      base.taskDefinition,
      base.tags,
      new Map(item.containers.map((c) => [c.container, c.to])),
    );
  }
  const tags: Tag[] = (input.tags ?? []).filter((t) => t.key !== RolloutItemTag.KEY);
  // ECS allows 50 tags per resource; without room the revision goes untagged (no reuse).
  if (tags.length < 50) tags.push({ key: RolloutItemTag.KEY, value: item.itemId });
  return { ...input, tags };
}

/**
 * Applies one work item: re-reads its services (unless `known` has them), finds an orphaned
 * revision of an earlier attempt (when `mayHaveOrphan`), registers (unless reused), updates the services still on the base revision,
 * re-plans those that moved, publishes images. Failures are per service; an error before
 * any write (the services cannot be read) is thrown.
 */
export async function rollOutItem(
  item: WorkItem,
  deps: RolloutDependencies,
  canWrite: () => boolean = () => true,
  known?: Map<string, Service>,
  mayHaveOrphan = true,
): Promise<ItemOutcome> {
  const { config, logger } = deps;
  const { region, account } = item.target;
  const ecs = deps.ecsIn(region, account);
  const failed: FailedService[] = [];
  const skipped: SkippedService[] = [];
  const refuse = (s: WorkItem["services"][number], error: string) =>
    failed.push({ cluster: s.cluster, service: s.service, error, retryable: false });

  let services = item.services;
  if (config.allowedRegions.length > 0 && !config.allowedRegions.includes(region)) {
    for (const s of services) refuse(s, `Rollout: region ${region} is not allowed`);
    services = [];
  }
  if (config.allowedClusters.length > 0) {
    for (const s of services.filter((x) => !config.allowedClusters.includes(x.cluster)))
      refuse(s, `Rollout: cluster ${s.cluster} is not allowed`);
    services = services.filter((s) => config.allowedClusters.includes(s.cluster));
  }
  if (config.dryRun) {
    logger.info("Dry run: work item not applied", {
      taskDefinition: item.baseTaskDefinition,
      services: services.map((s) => `${s.cluster}/${s.service}`),
    });
    return { ...emptyOutcome(item), failed };
  }
  if (services.length === 0) return { ...emptyOutcome(item), failed };

  const current = known ?? new Map<string, Service>();
  await describeServicesOf(ecs, services, current);
  const reuse =
    item.action === "register" && mayHaveOrphan
      ? await findOrphan(ecs, item, logger, deps.taskDefinitions)
      : undefined;
  if (reuse !== undefined) logger.debug("Reusing the revision of an earlier attempt", { reuse });

  const onBase: CandidateService[] = [];
  const onReused: CandidateService[] = [];
  const moved: CandidateService[] = [];
  for (const s of services) {
    const service = current.get(s.serviceArn);
    if (service === undefined || (service.status !== undefined && service.status !== "ACTIVE")) {
      skipped.push({
        cluster: s.cluster,
        service: s.service,
        reason: SkipReason.NOT_ACTIVE,
        detail: `service status is ${service?.status ?? "MISSING"}`,
      });
    } else if (service.taskDefinition === item.baseTaskDefinition) {
      onBase.push(candidateOf(s, item.baseTaskDefinition));
    } else if (reuse !== undefined && service.taskDefinition === reuse) {
      onReused.push(candidateOf(s, reuse));
      skipped.push({
        cluster: s.cluster,
        service: s.service,
        reason: SkipReason.ALREADY_CURRENT,
        detail: `already on ${reuse}, registered for this push`,
      });
    } else if (service.taskDefinition !== undefined) {
      moved.push(candidateOf(s, service.taskDefinition));
    }
  }

  // The item's own change, on the services still where the plan found them.
  const changes: TaskDefinitionChange[] = [];
  const currentTds: CurrentTaskDefinition[] = [];
  if (onReused.length > 0)
    currentTds.push({ arn: reuse as string, images: item.images, services: onReused });
  if (onBase.length > 0) {
    if (item.action === "publish") {
      currentTds.push({ arn: item.baseTaskDefinition, images: item.images, services: onBase });
    } else {
      changes.push({
        sourceArn: item.baseTaskDefinition,
        family: item.family,
        containers: item.containers,
        images: item.images,
        ...(item.action === "register" &&
          (reuse !== undefined
            ? { reuse }
            : { input: await registerInputOf(ecs, item, logger, deps.taskDefinitions) })),
        services: onBase,
      });
    }
  }

  // Services that moved since planning: planned again from what they run now.
  let pushTimes = pushTimesOf(item);
  if (moved.length > 0) {
    const { described, failures } = await describeTaskDefinitions(
      ecs,
      moved.map((m) => m.taskDefinitionArn),
      { logger, cache: deps.taskDefinitions },
    );
    for (const m of moved) {
      const failure = failures.get(m.taskDefinitionArn);
      if (failure !== undefined) {
        const { message, retryable } = failureOf(failure);
        failed.push({
          cluster: m.cluster,
          service: m.service,
          error: `DescribeTaskDefinition ${m.taskDefinitionArn}: ${message}`,
          retryable,
        });
      }
    }
    const missing = imagesToCompare(item.image, described.values());
    if (missing.length > 0) {
      const found = await lookupPushTimes(deps.ecrIn(region), item.image, missing, { logger });
      pushTimes = new Map([...pushTimes, ...found]);
    }
    const replanned = planDeployment({
      image: item.image,
      candidates: moved,
      taskDefinitions: described,
      pushTimes,
      pin: config.imagePin,
    });
    for (const change of replanned.changes) {
      changes.push(
        change.input === undefined
          ? change
          : {
              ...change,
              input: {
                ...change.input,
                tags: [
                  ...(change.input.tags ?? []).filter((t) => t.key !== RolloutItemTag.KEY),
                  ...((change.input.tags?.length ?? 0) < 50
                    ? [{ key: RolloutItemTag.KEY, value: item.itemId }]
                    : []),
                ],
              },
            },
      );
    }
    skipped.push(...replanned.skipped);
    currentTds.push(...replanned.current);
  }
  for (const skip of skipped) logger.debug("Service skipped", logFields(skip));

  const plan: DeploymentPlan = { changes, skipped, current: currentTds };
  const applied = await applyPlan(plan, {
    ecs,
    logger,
    // The ECS clients pace every attempt themselves (withBucketPacing).
    registerPacer: noPacing,
    updatePacer: noPacing,
    beforeWrite: canWrite,
    onRegistered: (arn, registered) => {
      if (registered.taskDefinition)
        deps.taskDefinitions?.remember(arn, {
          taskDefinition: registered.taskDefinition,
          ...(registered.tags && { tags: registered.tags }),
        });
    },
  });
  failed.push(...applied.failed);
  // What the next items of the batch must see: these services are on their new revision now.
  for (const u of applied.updated) {
    const arn = services.find(
      (s) => s.cluster === u.cluster && s.service === u.service,
    )?.serviceArn;
    const service = arn === undefined ? undefined : current.get(arn);
    if (arn !== undefined && service !== undefined)
      current.set(arn, { ...service, taskDefinition: u.toTaskDefinition });
  }

  let published: PublishedImage[] = [];
  if (config.publishImages && !applied.cutShort) {
    const publishing = await publish(item, plan, applied.updated, pushTimes, deps);
    published = publishing.published;
    failed.push(...publishing.failed);
  }
  return {
    itemId: item.itemId,
    part: item.part,
    updated: applied.updated,
    registered: applied.registered,
    ...(reuse !== undefined && { reused: reuse }),
    skipped,
    failed,
    published,
    throttled: applied.throttled,
    cutShort: applied.cutShort,
  };
}

async function publish(
  item: WorkItem,
  plan: DeploymentPlan,
  updated: readonly UpdatedService[],
  pushTimes: Map<string, Date>,
  deps: RolloutDependencies,
): Promise<{ published: PublishedImage[]; failed: FailedService[] }> {
  const { publications, failed } = publicationsFor(plan, updated, deps.config.imageParameterPath);
  for (const failure of failed)
    deps.logger.error("Image could not be published", logFields(failure));
  if (publications.length === 0) return { published: [], failed };
  const written = await publishImages(publications, item.image, pushTimes, {
    ssm: deps.ssmIn(item.target.region),
    ecr: deps.ecrIn(item.target.region),
    parameterPacer: deps.parameterPacer,
    logger: deps.logger,
  });
  return { published: written.published, failed: [...failed, ...written.failed] };
}
