import { Logger } from "@aws-lambda-powertools/logger";
import { ECRClient } from "@aws-sdk/client-ecr";
import { ECSClient } from "@aws-sdk/client-ecs";
import { SQSClient } from "@aws-sdk/client-sqs";
import { SSMClient } from "@aws-sdk/client-ssm";
import { createRoleCredentials } from "../shared/accounts.js";
import { type RetryTiming, regionalClients, retryOptions } from "../shared/clients.js";
import { CappedLogFormatter } from "../shared/log-values.js";
import { loadConfig } from "./config.js";
import { Throttle } from "./constants.js";
import { EnvVar } from "./contract.js";
import { createHandler, type DeployerDependencies } from "./deployer.js";
import { TaskDefinitionCache } from "./discovery.js";
import { ConfigurationError } from "./errors.js";
import { createDeployerMetrics } from "./metrics.js";
import { sqsWorkQueue, type WorkQueue } from "./queue.js";
import { createRolloutHandler, type RolloutDependencies } from "./rollout.js";
import {
  type BucketPacers,
  createBucketPacers,
  createPacer,
  realSleep,
  type Sleep,
  withBucketPacing,
} from "./throttle.js";
import type { DeployerConfig } from "./types.js";

/** How the default dependencies wait and how fast ECS's time runs (tests, the bench, the demo). */
export interface DependencyOptions {
  /** What the pacers wait with. @default realSleep */
  readonly sleep?: Sleep;
  /** Replaces the SDK's waiting between attempts (tests). */
  readonly retryTiming?: RetryTiming;
  /**
   * How much faster than real time ECS's buckets refill (the quota stand-in's time scale);
   * the pacers' rates are multiplied by it. @default 1
   */
  readonly timeScale?: number;
  /**
   * The pacers of each region's buckets (a linked account's are keyed `<account>/<region>`:
   * every account has buckets of its own); pass the same to both handlers to share them.
   */
  readonly pacersIn?: (region: string) => BucketPacers;
}

/** The pacers at `QUOTA_SHARE` of each ECS bucket, one set per region. */
export function bucketPacers(
  config: Pick<DeployerConfig, "quotaShare">,
  options: Pick<DependencyOptions, "sleep" | "timeScale"> = {},
): (region: string) => BucketPacers {
  return regionalClients(() =>
    createBucketPacers(config.quotaShare, {
      sleep: options.sleep ?? realSleep,
      timeScale: options.timeScale ?? 1,
    }),
  );
}

/** The clients both handlers use: ECS paced per bucket, the SDK's retry as the only retry layer. */
function clients(config: DeployerConfig, options: DependencyOptions) {
  // One retry strategy per client: its rate limiter adapts to that client's throttling only.
  const retry = () => retryOptions(Throttle.MAX_ATTEMPTS, options.retryTiming);
  const pacersOf = options.pacersIn ?? bucketPacers(config, options);
  const linked = config.linkedAccounts;
  const isLinked = (account: string | undefined): account is string =>
    account !== undefined && linked?.has(account) === true;
  const pacersIn = (region: string, account?: string) =>
    pacersOf(isLinked(account) ? `${account}/${region}` : region);
  const ownEcsIn = regionalClients((region) =>
    withBucketPacing(new ECSClient({ region, ...retry() }), pacersIn(region)),
  );
  // A linked account's ECS calls go through its deploy role, credentials cached per
  // account and region until shortly before they expire; the STS SDK loads on first use.
  const credentials = createRoleCredentials({
    stsIn: regionalClients(async (region) => {
      const { STSClient } = await import("@aws-sdk/client-sts");
      return new STSClient({ region, ...retry() });
    }),
    sessionName: config.serviceName,
  });
  // One client per linked account and region (keyed `<account>/<region>`), paced by that
  // account's buckets.
  const linkedEcsIn = regionalClients((key) => {
    const [accountId = "", region = ""] = key.split("/");
    const account = linked?.get(accountId);
    if (account === undefined) throw new ConfigurationError(`Account ${accountId} is not linked`);
    return withBucketPacing(
      new ECSClient({ region, credentials: credentials(account, "deploy", region), ...retry() }),
      pacersIn(region, accountId),
    );
  });
  return {
    pacersIn,
    ecsIn: (region: string, account?: string): ECSClient =>
      isLinked(account) ? linkedEcsIn(`${account}/${region}`) : ownEcsIn(region),
    ecrIn: regionalClients((region) => new ECRClient({ region, ...retry() })),
    ssmIn: regionalClients((region) => new SSMClient({ region, ...retry() })),
    queue: (): WorkQueue => {
      const url = config.rolloutQueueUrl;
      if (url === undefined) {
        const missing = async () => {
          throw new ConfigurationError(
            `Environment variable ${EnvVar.ROLLOUT_QUEUE_URL} is required`,
          );
        };
        return { send: missing, retryAfter: missing };
      }
      // The SQS client sends to the queue URL's own endpoint.
      return sqsWorkQueue(new SQSClient({ ...retry() }), url);
    },
  };
}

/**
 * The push handler's real dependencies: configuration from the environment, clients per
 * region (ECS calls paced at `QUOTA_SHARE` of each bucket, the SDK's retry strategy the only
 * retry layer), the rollout queue. Tests and the bench replace members.
 */
export function defaultDependencies(
  overrides: Partial<DeployerDependencies> & DependencyOptions = {},
): DeployerDependencies {
  const { sleep, retryTiming, timeScale, pacersIn, ...given } = overrides;
  const config = given.config ?? loadConfig();
  const made = clients(config, { sleep, retryTiming, timeScale, pacersIn });
  return {
    config,
    ecsIn: made.ecsIn,
    ecrIn: made.ecrIn,
    // POWERTOOLS_LOG_LEVEL is read by the Logger itself.
    logger: new Logger({ serviceName: config.serviceName, logFormatter: new CappedLogFormatter() }),
    // The ECS clients pace every call per bucket (withBucketPacing).
    readPacer: { wait: async () => {} },
    taskDefinitions: new TaskDefinitionCache(),
    metrics: createDeployerMetrics(config.serviceName),
    ...given,
    queue: given.queue ?? made.queue(),
  };
}

/** The rollout handler's real dependencies (see {@link defaultDependencies}). */
export function defaultRolloutDependencies(
  overrides: Partial<RolloutDependencies> & DependencyOptions = {},
): RolloutDependencies {
  const { sleep, retryTiming, timeScale, pacersIn, ...given } = overrides;
  const config = given.config ?? loadConfig();
  const made = clients(config, { sleep, retryTiming, timeScale, pacersIn });
  return {
    config,
    ecsIn: made.ecsIn,
    ecrIn: made.ecrIn,
    ssmIn: made.ssmIn,
    logger: new Logger({ serviceName: config.serviceName, logFormatter: new CappedLogFormatter() }),
    pacersIn: made.pacersIn,
    parameterPacer: createPacer(Throttle.PARAMETER_PER_SECOND, sleep ?? realSleep),
    taskDefinitions: new TaskDefinitionCache(),
    ...given,
    queue: given.queue ?? made.queue(),
  };
}

/** The push handler (`Handler.PUSH`); configuration, clients and pacers are set up once, at init. */
export const handler = createHandler(defaultDependencies());

/** The rollout handler (`Handler.ROLLOUT`), for the rollout queue's event source mapping. */
export const rolloutHandler = createRolloutHandler(defaultRolloutDependencies());
