import {
  type ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import type { Log } from "./discovery.js";
import { ServiceUpdateError } from "./errors.js";
import { type Pacer, retryOnThrottle, type Sleep } from "./throttle.js";
import type { DeploymentPlan, UpdatedService } from "./types.js";

/** What {@link applyPlan} needs. */
export interface ApplyDependencies {
  readonly ecs: ECSClient;
  /** Paces RegisterTaskDefinition (quota: 1/s sustained). */
  readonly registerPacer: Pacer;
  /** Paces UpdateService (quota: 5/s sustained). */
  readonly updatePacer: Pacer;
  readonly logger: Log;
  readonly sleep?: Sleep;
}

/** The outcome of {@link applyPlan}. */
export interface ApplyResult {
  readonly updated: UpdatedService[];
  readonly failed: { cluster: string; service: string; error: string }[];
  readonly registered: string[];
}

/**
 * Registers one new revision per task-definition change and moves its services to it,
 * paced to the ECS quotas, backing off when throttled. A failure fails only the services
 * it concerns (a failed registration: all services of that task definition); the rest
 * carry on.
 */
export async function applyPlan(
  plan: DeploymentPlan,
  deps: ApplyDependencies,
): Promise<ApplyResult> {
  const { ecs, logger } = deps;
  const retry = deps.sleep ? { sleep: deps.sleep } : {};
  const result: ApplyResult = { updated: [], failed: [], registered: [] };
  for (const change of plan.changes) {
    let target = change.sourceArn;
    if (change.input !== undefined) {
      const input = change.input;
      try {
        await deps.registerPacer.wait();
        const registered = await retryOnThrottle(
          () => ecs.send(new RegisterTaskDefinitionCommand(input)),
          retry,
        );
        const arn = registered.taskDefinition?.taskDefinitionArn;
        if (arn === undefined)
          throw new ServiceUpdateError("RegisterTaskDefinition returned no task definition ARN");
        target = arn;
        result.registered.push(arn);
        logger.info("Registered task definition", {
          from: change.sourceArn,
          to: arn,
          containers: change.containers,
        });
      } catch (error) {
        const message = describeError(error);
        logger.error("Task definition could not be registered", {
          taskDefinition: change.sourceArn,
          error: message,
        });
        for (const s of change.services) {
          result.failed.push({
            cluster: s.cluster,
            service: s.service,
            error: `RegisterTaskDefinition: ${message}`,
          });
        }
        continue;
      }
    }
    for (const s of change.services) {
      try {
        await deps.updatePacer.wait();
        await retryOnThrottle(
          () =>
            ecs.send(
              new UpdateServiceCommand({
                cluster: s.cluster,
                service: s.serviceArn,
                taskDefinition: target,
                // Same revision (IMAGE_PIN=tag and the tag was already referenced): roll anyway.
                ...(change.input === undefined && { forceNewDeployment: true }),
              }),
            ),
          retry,
        );
        result.updated.push({
          cluster: s.cluster,
          service: s.service,
          fromTaskDefinition: change.sourceArn,
          toTaskDefinition: target,
        });
        logger.info("Updated service", {
          cluster: s.cluster,
          ecsService: s.service,
          from: change.sourceArn,
          to: target,
        });
      } catch (error) {
        const message = describeError(error);
        logger.error("Service could not be updated", {
          cluster: s.cluster,
          ecsService: s.service,
          error: message,
        });
        result.failed.push({
          cluster: s.cluster,
          service: s.service,
          error: `UpdateService: ${message}`,
        });
      }
    }
  }
  return result;
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
