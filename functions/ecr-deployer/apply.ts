import {
  type ECSClient,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandOutput,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { isThrottlingError } from "../shared/aws-errors.js";
import { failureOf, ServiceUpdateError } from "./errors.js";
import type { Pacer } from "./throttle.js";
import type { DeploymentPlan, FailedService, Log, UpdatedService } from "./types.js";

/** What {@link applyPlan} needs. */
export interface ApplyDependencies {
  readonly ecs: ECSClient;
  /** Paces RegisterTaskDefinition (quota: 1/s sustained). */
  readonly registerPacer: Pacer;
  /** Paces UpdateService (quota: 5/s sustained). */
  readonly updatePacer: Pacer;
  readonly logger: Log;
  /**
   * Asked before each write; false stops the plan there (the invocation is running out of
   * time), and the result says `cutShort`.
   * @default - always go on
   */
  readonly beforeWrite?: () => boolean;
  /** Called with each revision registered (the task-definition cache remembers it). */
  readonly onRegistered?: (arn: string, registered: RegisterTaskDefinitionCommandOutput) => void;
}

/** The outcome of {@link applyPlan}. */
export interface ApplyResult {
  readonly updated: UpdatedService[];
  readonly failed: FailedService[];
  readonly registered: string[];
  /** Whether a failure was throttling after the SDK's retries. */
  throttled: boolean;
  /** Whether the plan stopped before its end because `beforeWrite` said so. */
  cutShort: boolean;
}

/**
 * Registers one new revision per task-definition change (or reuses the one `reuse` names)
 * and moves its services to it, paced to the ECS quotas. Each call is retried by the SDK client alone (see
 * `retryOptions`); a failure fails only the services it concerns (a failed registration:
 * all services of that task definition), and the rest carry on.
 */
export async function applyPlan(
  plan: DeploymentPlan,
  deps: ApplyDependencies,
): Promise<ApplyResult> {
  const { ecs, logger } = deps;
  const result: ApplyResult = {
    updated: [],
    failed: [],
    registered: [],
    throttled: false,
    cutShort: false,
  };
  const goOn = () => {
    if (result.cutShort) return false;
    if (deps.beforeWrite === undefined || deps.beforeWrite()) return true;
    result.cutShort = true;
    return false;
  };
  for (const change of plan.changes) {
    let target = change.reuse ?? change.sourceArn;
    if (change.input !== undefined && change.reuse === undefined) {
      const input = change.input;
      if (!goOn()) break;
      try {
        await deps.registerPacer.wait();
        const registered = await ecs.send(new RegisterTaskDefinitionCommand(input));
        const arn = registered.taskDefinition?.taskDefinitionArn;
        if (arn === undefined)
          throw new ServiceUpdateError("RegisterTaskDefinition returned no task definition ARN");
        target = arn;
        result.registered.push(arn);
        deps.onRegistered?.(arn, registered);
        logger.debug("Registered task definition", {
          from: change.sourceArn,
          to: arn,
          containers: change.containers,
        });
      } catch (error) {
        const { message, retryable } = failureOf(error);
        result.throttled ||= isThrottlingError(error);
        logger.error("Task definition could not be registered", {
          taskDefinition: change.sourceArn,
          error: message,
          retryable,
        });
        for (const s of change.services) {
          result.failed.push({
            cluster: s.cluster,
            service: s.service,
            error: `RegisterTaskDefinition: ${message}`,
            retryable,
          });
        }
        continue;
      }
    }
    for (const s of change.services) {
      if (!goOn()) break;
      try {
        await deps.updatePacer.wait();
        await ecs.send(
          new UpdateServiceCommand({
            cluster: s.cluster,
            service: s.serviceArn,
            taskDefinition: target,
            // Same revision (IMAGE_PIN=tag and the tag was already referenced): roll anyway.
            ...(change.input === undefined &&
              change.reuse === undefined && { forceNewDeployment: true }),
          }),
        );
        result.updated.push({
          cluster: s.cluster,
          service: s.service,
          fromTaskDefinition: change.sourceArn,
          toTaskDefinition: target,
        });
        logger.info("Service updated", {
          cluster: s.cluster,
          ecsService: s.service,
          from: change.sourceArn,
          to: target,
        });
      } catch (error) {
        const { message, retryable } = failureOf(error);
        result.throttled ||= isThrottlingError(error);
        logger.error("Service could not be updated", {
          cluster: s.cluster,
          ecsService: s.service,
          error: message,
          retryable,
        });
        result.failed.push({
          cluster: s.cluster,
          service: s.service,
          error: `UpdateService: ${message}`,
          retryable,
        });
      }
    }
  }
  return result;
}
