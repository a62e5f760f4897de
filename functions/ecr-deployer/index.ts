import { Logger } from "@aws-lambda-powertools/logger";
import { ECRClient } from "@aws-sdk/client-ecr";
import { ECSClient } from "@aws-sdk/client-ecs";
import { SSMClient } from "@aws-sdk/client-ssm";
import { type RetryTiming, regionalClients, retryOptions } from "../shared/clients.js";
import { loadConfig } from "./config.js";
import { Throttle } from "./constants.js";
import { createHandler, type DeployerDependencies } from "./deployer.js";
import { createPacer, realSleep, type Sleep } from "./throttle.js";

/**
 * The real dependencies: configuration from the environment, clients per region whose
 * retry strategy is the only retry layer, and pacers at the ECS quotas. Tests and the
 * bench replace members; `sleep` is what the default pacers wait with.
 */
export function defaultDependencies(
  overrides: Partial<DeployerDependencies> & {
    readonly sleep?: Sleep;
    /** Replaces the SDK's waiting between attempts (tests). */
    readonly retryTiming?: RetryTiming;
  } = {},
): DeployerDependencies {
  const { sleep = realSleep, retryTiming, ...given } = overrides;
  const config = given.config ?? loadConfig();
  // One retry strategy per client: its rate limiter adapts to that client's throttling only.
  const retry = () => retryOptions(Throttle.MAX_ATTEMPTS, retryTiming);
  return {
    config,
    ecsIn: regionalClients((region) => new ECSClient({ region, ...retry() })),
    ecrIn: regionalClients((region) => new ECRClient({ region, ...retry() })),
    ssmIn: regionalClients((region) => new SSMClient({ region, ...retry() })),
    // POWERTOOLS_LOG_LEVEL is read by the Logger itself.
    logger: new Logger({ serviceName: config.serviceName }),
    registerPacer: createPacer(Throttle.REGISTER_TASK_DEFINITION_PER_SECOND, sleep),
    updatePacer: createPacer(Throttle.UPDATE_SERVICE_PER_SECOND, sleep),
    readPacer: createPacer(Throttle.READ_PER_SECOND, sleep),
    parameterPacer: createPacer(Throttle.PARAMETER_PER_SECOND, sleep),
    ...given,
  };
}

/** The Lambda handler; configuration, clients and pacers are set up once, at init. */
export const handler = createHandler(defaultDependencies());
