import type { Logger } from "@aws-lambda-powertools/logger";
import type { ECSClient } from "@aws-sdk/client-ecs";
import type { Context } from "aws-lambda";
import {
  accountOfFunctionArn,
  ecrClientsFor,
  type LinkedAccountClients,
  routeEvent,
} from "./accounts.js";
import type { TrackerConfig } from "./config.js";
import { type Backoff, deliver } from "./delivery.js";
import { describeContainers, resolveDeployment } from "./deployment.js";
import { type EcrClientProvider, resolveDigests } from "./digests.js";
import { ConfigurationError, TrackerError } from "./errors.js";
import { parseEvent } from "./event.js";
import { buildRecord, idempotencyKey } from "./record.js";
import type { TrackerResult } from "./types.js";

/** What the handler needs; index.ts wires the real ones, tests pass their own. */
export interface TrackerDependencies {
  readonly config: TrackerConfig;
  readonly logger: Logger;
  /** ECS client of a region. */
  readonly ecsIn: (region: string) => ECSClient;
  /** ECR client of a region (may be created lazily). */
  readonly ecrIn: EcrClientProvider;
  /**
   * Clients of the linked accounts, through their read roles.
   * @default - none: events from linked accounts fail with a ConfigurationError
   */
  readonly linked?: LinkedAccountClients;
  /**
   * The tracker's own account.
   * @default - the account of the Lambda context's function ARN
   */
  readonly homeAccount?: string;
  /** Gives the API key (cached). */
  readonly getApiKey: () => Promise<string>;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** @default DELIVERY_BACKOFF */
  readonly backoff?: Backoff;
}

/** The Lambda handler of the deployment tracker. */
export type TrackerHandler = (event: unknown, context?: Context) => Promise<TrackerResult>;

/**
 * Creates the handler: validate the event, find the deployment's task definition and the
 * digests of its images, build the record, POST it. Every failure is thrown as a
 * classified {@link TrackerError} so Lambda retries and the on-failure destination keep
 * the event.
 */
export function createHandler(deps: TrackerDependencies): TrackerHandler {
  const { config, logger } = deps;
  return async (rawEvent, context) => {
    logger.resetKeys();
    if (context) logger.addContext(context);
    try {
      const parsed = parseEvent(rawEvent);
      if (parsed.kind === "skip") {
        logger.info("Event skipped", { reason: parsed.reason });
        return { status: "skipped", reason: parsed.reason };
      }
      const { event } = parsed;
      logger.appendKeys({
        eventId: event.id,
        account: event.account,
        ecsService: event.service.service,
        cluster: event.service.cluster,
        deploymentId: event.deploymentId,
      });
      logger.info("Recording deployment", {
        eventName: event.eventName,
        region: event.region,
        serviceArn: event.service.arn,
      });

      const home = deps.homeAccount ?? accountOfFunctionArn(context?.invokedFunctionArn);
      const route = routeEvent(event, config.linkedAccounts ?? new Map(), home);
      if (route.kind === "linked" && deps.linked === undefined) {
        throw new ConfigurationError("Linked accounts are configured but no clients for them");
      }
      const ecs =
        route.kind === "linked" && deps.linked
          ? deps.linked.ecsIn(route.account, event.region)
          : deps.ecsIn(event.region);
      const ecrIn = ecrClientsFor(route, { ecrIn: deps.ecrIn, account: home }, deps.linked);
      const target = await resolveDeployment(ecs, event, logger);
      const containers = await describeContainers(ecs, target, logger);
      const images = await resolveDigests(containers, target.resolvedImages, ecrIn, logger);
      const record = buildRecord(event, target.taskDefinitionArn, images);
      const workload = record.workloads[0];
      logger.info("Record built", {
        scope: record.scope,
        through: route.kind === "linked" ? route.account.readRoleArn : "own credentials",
        taskDefinition: target.taskDefinitionArn,
        taskDefinitionSource: target.source,
        images: images.map((i) => ({
          containerName: i.containerName,
          image: i.image,
          digest: i.digest,
          digestSource: i.digestSource,
        })),
        digests: workload?.digests.length ?? 0,
        status: workload?.properties.status,
      });

      const apiKey = await deps.getApiKey();
      const key = idempotencyKey(event);
      const delivered = await deliver(record, {
        url: config.endpointUrl,
        apiKey,
        apiKeyHeader: config.apiKeyHeader,
        idempotencyKey: key,
        timeoutMs: config.requestTimeoutMs,
        maxAttempts: config.deliveryMaxAttempts,
        logger,
        ...(deps.fetch && { fetch: deps.fetch }),
        ...(deps.backoff && { backoff: deps.backoff }),
        ...(context && { remainingTimeMs: () => context.getRemainingTimeInMillis() }),
      });
      logger.info("Record delivered", {
        httpStatus: delivered.status,
        attempts: delivered.attempts,
        idempotencyKey: key,
      });
      return {
        status: "delivered",
        idempotencyKey: key,
        taskDefinition: target.taskDefinitionArn,
        images: images.length,
        digests: workload?.digests.length ?? 0,
        attempts: delivered.attempts,
      };
    } catch (error) {
      const classified =
        error instanceof TrackerError
          ? error
          : new TrackerError(`Unexpected error: ${(error as Error)?.message ?? String(error)}`, {
              cause: error,
            });
      logger.error("Deployment not recorded", {
        errorName: classified.name,
        retryable: classified.retryable,
        error: classified.message,
      });
      throw classified;
    }
  };
}
