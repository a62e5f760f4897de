/**
 * A fleet on moto_server behind the ECS quota stand-in, for the fleet acceptance tests and
 * the bench: ECR repositories, clusters and services on distinct task definitions, the
 * rollout queue, both deployer handlers with their rates scaled to the stand-in's time
 * scale, and the event source mapping stand-in between them.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { CreateRepositoryCommand, ECRClient, PutImageCommand } from "@aws-sdk/client-ecr";
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
} from "@aws-sdk/client-ecs";
import { SQSClient } from "@aws-sdk/client-sqs";
import { loadConfig } from "../../functions/ecr-deployer/config.js";
import { Backoff, EcsBuckets } from "../../functions/ecr-deployer/constants.js";
import { createHandler, type DeployerHandler } from "../../functions/ecr-deployer/deployer.js";
import {
  bucketPacers,
  defaultDependencies,
  defaultRolloutDependencies,
} from "../../functions/ecr-deployer/index.js";
import {
  type BackoffSettings,
  createRolloutHandler,
  type RolloutHandler,
} from "../../functions/ecr-deployer/rollout.js";
import type { BucketPacers } from "../../functions/ecr-deployer/throttle.js";
import type { DeployerConfig } from "../../functions/ecr-deployer/types.js";
import type { RetryTiming } from "../../functions/shared/clients.js";
import { fakeImageManifest } from "../moto.js";
import { ecrPushEvent } from "./ecr-deployer.js";
import { type EcsQuotaProxy, MOTO_DEFAULT_ACCOUNT } from "./ecs-quota-proxy.js";
import {
  createRolloutQueue,
  type RolloutQueue,
  type SqsEventSourceOptions,
  startSqsEventSource,
} from "./sqs-event-source.js";

const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };

/** One account-region's part of the fleet: a repository, a cluster, services on their own families. */
export interface FleetRegion {
  readonly region: string;
  readonly repository: string;
  readonly cluster: string;
  readonly services: readonly string[];
  readonly families: readonly string[];
  /** The digest every service runs before the push. */
  readonly initialDigest: string;
}

/** Options of {@link createFleetRegion}. */
export interface FleetRegionOptions {
  readonly region: string;
  readonly services: number;
  /** @default "team/app" */
  readonly repository?: string;
  /** @default "fleet" */
  readonly cluster?: string;
  /** Services per task definition. @default 1 (every service its own family) */
  readonly servicesPerTaskDefinition?: number;
  /** Prefix of family and service names. @default "svc" */
  readonly prefix?: string;
}

/** Runs `work` on the items, `concurrency` at a time. */
export async function inParallel<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) await work(items[i] as T, i);
    }),
  );
}

/**
 * Creates a repository with image v1, a cluster and `services` services following `v*`,
 * each on its own task definition (or `servicesPerTaskDefinition` per family), directly on
 * moto (setup is not what the quota stand-in measures).
 */
export async function createFleetRegion(
  motoEndpoint: string,
  options: FleetRegionOptions,
): Promise<FleetRegion> {
  const { region } = options;
  const repository = options.repository ?? "team/app";
  const cluster = options.cluster ?? "fleet";
  const prefix = options.prefix ?? "svc";
  const perFamily = options.servicesPerTaskDefinition ?? 1;
  // moto under load sometimes answers a 500: setup retries more than the SDK's default.
  const ecs = new ECSClient({ region, endpoint: motoEndpoint, credentials, maxAttempts: 10 });
  const ecr = new ECRClient({ region, endpoint: motoEndpoint, credentials, maxAttempts: 10 });
  await ecr
    .send(new CreateRepositoryCommand({ repositoryName: repository }))
    .catch((error: { name?: string }) => {
      if (error.name !== "RepositoryAlreadyExistsException") throw error;
    });
  const v1 = await ecr.send(
    new PutImageCommand({
      repositoryName: repository,
      imageManifest: fakeImageManifest(`${repository}-${region}-v1`),
      imageTag: "v1",
    }),
  );
  const initialDigest = v1.image?.imageId?.imageDigest as string;
  await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
  const image = `${MOTO_DEFAULT_ACCOUNT}.dkr.ecr.${region}.amazonaws.com/${repository}:v1@${initialDigest}`;
  const familyCount = Math.ceil(options.services / perFamily);
  const families = Array.from({ length: familyCount }, (_, i) => `${prefix}-${i}`);
  const arns: string[] = [];
  await inParallel(families, 8, async (family, i) => {
    const registered = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: [{ name: "app", image, memory: 64, essential: true }],
      }),
    );
    arns[i] = registered.taskDefinition?.taskDefinitionArn as string;
  });
  const services = Array.from({ length: options.services }, (_, i) => `${prefix}-${i}`);
  await inParallel(services, 8, async (name, i) => {
    await ecs.send(
      new CreateServiceCommand({
        cluster,
        serviceName: name,
        taskDefinition: arns[Math.floor(i / perFamily)],
        desiredCount: 0,
        tags: [{ key: "ecs-deployments:follow", value: "v*" }],
      }),
    );
  });
  ecs.destroy();
  ecr.destroy();
  return { region, repository, cluster, services, families, initialDigest };
}

/** Pushes `tag` of a new image to the region's repository; returns the push event. */
export async function pushImage(
  motoEndpoint: string,
  fleet: Pick<FleetRegion, "region" | "repository">,
  tag: string,
): Promise<ReturnType<typeof ecrPushEvent>> {
  const ecr = new ECRClient({ region: fleet.region, endpoint: motoEndpoint, credentials });
  const pushed = await ecr.send(
    new PutImageCommand({
      repositoryName: fleet.repository,
      imageManifest: fakeImageManifest(`${fleet.repository}-${fleet.region}-${tag}`),
      imageTag: tag,
    }),
  );
  ecr.destroy();
  return ecrPushEvent({
    account: MOTO_DEFAULT_ACCOUNT,
    region: fleet.region,
    repository: fleet.repository,
    digest: pushed.image?.imageId?.imageDigest as string,
    tag,
  });
}

/** What the fleet's services run now: per service, its task definition; and each family's revisions. */
export async function fleetState(
  motoEndpoint: string,
  fleet: FleetRegion,
): Promise<{ taskDefinitions: Map<string, string>; revisions: Map<string, string[]> }> {
  const ecs = new ECSClient({ region: fleet.region, endpoint: motoEndpoint, credentials });
  const taskDefinitions = new Map<string, string>();
  for (let i = 0; i < fleet.services.length; i += 10) {
    const { services = [] } = await ecs.send(
      new DescribeServicesCommand({
        cluster: fleet.cluster,
        services: fleet.services.slice(i, i + 10),
      }),
    );
    for (const s of services)
      taskDefinitions.set(s.serviceName as string, s.taskDefinition as string);
  }
  const revisions = new Map<string, string[]>();
  await inParallel(fleet.families, 8, async (family) => {
    const { taskDefinitionArns = [] } = await ecs.send(
      new ListTaskDefinitionsCommand({ familyPrefix: family }),
    );
    revisions.set(family, taskDefinitionArns);
  });
  ecs.destroy();
  return { taskDefinitions, revisions };
}

/**
 * The SDK's waiting, scaled to the time scale: its backoff divided by it, and no client-side
 * rate limiter (it measures real seconds, which the stand-in compresses; the pacers slow
 * down on throttling in ECS's time instead).
 */
export function scaledRetryTiming(timeScale: number): RetryTiming {
  return {
    backoff: {
      computeNextBackoffDelay: (attempts: number) =>
        (Math.random() * Math.min(20_000, 500 * 2 ** attempts)) / timeScale,
      setDelayBase: () => {},
    },
    rateLimiter: { getSendToken: async () => {}, updateClientSendingRate: () => {} },
  } as unknown as RetryTiming;
}

/**
 * The rollout's backoff in ECS time: every duration divided by the time scale, except the
 * safety margin at the end of an invocation. That one covers the latency of the calls still
 * under way, which the stand-in does not compress, so it stays in real milliseconds (at
 * most a third of the scaled function timeout, so that items still start).
 */
export function scaledBackoff(timeScale: number, functionTimeoutSeconds = 300): BackoffSettings {
  const scaled = {} as Record<keyof typeof Backoff, number>;
  for (const [key, value] of Object.entries(Backoff))
    scaled[key as keyof typeof Backoff] = value / timeScale;
  scaled.SAFETY_MARGIN_MS = Math.min(
    Backoff.SAFETY_MARGIN_MS,
    (functionTimeoutSeconds * 1000) / timeScale / 3,
  );
  return scaled;
}

/** Options of {@link startDeployer}. */
export interface DeployerRigOptions {
  readonly proxy: Pick<EcsQuotaProxy, "url" | "timeScale">;
  readonly queue: RolloutQueue;
  readonly config?: Partial<DeployerConfig>;
  /** @default "SILENT" */
  readonly logLevel?: "DEBUG" | "INFO" | "WARN" | "ERROR" | "SILENT";
  readonly logger?: Logger;
  /** The mapping's settings (the module's defaults: batch 10, maximum concurrency 2). */
  readonly mapping?: Partial<Pick<SqsEventSourceOptions, "batchSize" | "maximumConcurrency">>;
  /** The rollout function's timeout in ECS seconds (the module's default 300). */
  readonly functionTimeoutSeconds?: number;
}

/** Both handlers and the mapping between them, against the stand-in. */
export interface DeployerRig {
  readonly push: DeployerHandler;
  readonly rollout: RolloutHandler;
  readonly pacersIn: (region: string) => BucketPacers;
  readonly mapping: ReturnType<typeof startSqsEventSource>;
  /** Replaces the rollout handler the mapping invokes (a new container). */
  replaceRollout(handler: RolloutHandler): void;
  stop(): Promise<void>;
}

/**
 * Wires the push handler and the rollout handler as the module does, at the stand-in's
 * time scale (the pacers' rates, the SDK's backoff, the rollout's backoff and the
 * function's timeout all in ECS time), and starts the mapping on the rollout queue.
 */
export function startDeployer(options: DeployerRigOptions): DeployerRig {
  const timeScale = options.proxy.timeScale;
  const config: DeployerConfig = {
    ...loadConfig({ ROLLOUT_QUEUE_URL: options.queue.url }),
    ...options.config,
  };
  const logger =
    options.logger ?? new Logger({ serviceName: "fleet", logLevel: options.logLevel ?? "SILENT" });
  const pacersIn = bucketPacers(config, { timeScale });
  const shared = {
    config,
    logger,
    timeScale,
    pacersIn,
    retryTiming: scaledRetryTiming(timeScale),
  };
  const push = createHandler(defaultDependencies(shared));
  const makeRollout = () =>
    createRolloutHandler(
      defaultRolloutDependencies({
        ...shared,
        backoff: scaledBackoff(timeScale, options.functionTimeoutSeconds),
      }),
    );
  let rollout = makeRollout();
  const sqs = new SQSClient({ region: "us-east-1", endpoint: options.proxy.url, credentials });
  const mapping = startSqsEventSource({
    sqs,
    queueUrl: options.queue.url,
    queueArn: options.queue.arn,
    handler: (event, context) => rollout(event, context),
    batchSize: options.mapping?.batchSize ?? 10,
    maximumConcurrency: options.mapping?.maximumConcurrency ?? 2,
    timeoutMs: ((options.functionTimeoutSeconds ?? 300) * 1000) / timeScale,
  });
  return {
    push,
    get rollout() {
      return rollout;
    },
    pacersIn,
    mapping,
    replaceRollout(handler) {
      rollout = handler;
    },
    async stop() {
      await mapping.stop();
      sqs.destroy();
    },
  };
}

/**
 * Creates the rollout queue through the stand-in (SQS calls pass through it untouched),
 * with the module's visibility timeout (6 × the function's 300 s) in ECS time unless told.
 */
export async function createFleetQueue(
  proxy: Pick<EcsQuotaProxy, "url" | "timeScale">,
  options: { name?: string; visibilityTimeoutSeconds?: number; maxReceiveCount?: number } = {},
): Promise<RolloutQueue> {
  const sqs = new SQSClient({ region: "us-east-1", endpoint: proxy.url, credentials });
  const queue = await createRolloutQueue(sqs, {
    visibilityTimeoutSeconds: Math.ceil((6 * 300) / proxy.timeScale),
    ...options,
  });
  sqs.destroy();
  return queue;
}

/**
 * Seconds of real time that `calls` calls take at `share` of an ECS bucket at `timeScale`:
 * the share of the burst at once, then the share of the sustained rate.
 */
export function bucketSeconds(
  calls: number,
  bucket: { readonly burst: number; readonly perSecond: number },
  share: number,
  timeScale: number,
): number {
  const burst = Math.max(1, Math.floor(bucket.burst * share));
  return Math.max(0, calls - burst) / (bucket.perSecond * share * timeScale);
}

/**
 * Seconds of real time that `revisions` registrations take at `share` of ECS's
 * task-definition modify bucket at `timeScale`.
 */
export function registrationSeconds(revisions: number, share: number, timeScale: number): number {
  return bucketSeconds(revisions, EcsBuckets.TASK_DEFINITION_MODIFY, share, timeScale);
}
