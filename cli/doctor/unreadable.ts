/**
 * doctor's check of the services the deployer follows whose task definition cannot be
 * read: the deployer skips such a service on every push (a WARN and the
 * UnreadableTaskDefinitions metric), so it never rolls until someone fixes it.
 */
import { DescribeTaskDefinitionCommand, type ECSClient } from "@aws-sdk/client-ecs";
import { isAccessDeniedError } from "../../functions/shared/aws-errors.js";
import { describeError, isAwsError } from "../errors.js";
import { followedServices } from "./followed-services.js";
import type { Check } from "./types.js";

/** A followed service and whether its task definition could be read. */
export interface TaskDefinitionReadFacts {
  readonly cluster: string;
  readonly service: string;
  readonly taskDefinition: string;
  /** Why it could not be read; undefined when it could. */
  readonly error?: string;
}

/** What doctor found: every followed service, or that the caller may not read them. */
export type UnreadableFacts =
  | { readonly kind: "checked"; readonly services: readonly TaskDefinitionReadFacts[] }
  | { readonly kind: "denied"; readonly error: string };

/**
 * Describes the task definition of every followed service, once per distinct revision
 * (services sharing one are read once). An error AWS answers for one revision is that
 * revision's fact; AccessDenied means the caller, not the service, cannot read.
 */
export async function gatherUnreadableFacts(
  ecs: ECSClient,
  environment: Readonly<Record<string, string>>,
): Promise<UnreadableFacts> {
  const services = await followedServices(ecs, environment);
  const errors = new Map<string, string | undefined>();
  for (const { service } of services) {
    const arn = service.taskDefinition;
    if (errors.has(arn)) continue;
    try {
      await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
      errors.set(arn, undefined);
    } catch (error) {
      if (!isAwsError(error) || error.$metadata?.httpStatusCode === undefined) throw error;
      if (isAccessDeniedError(error)) return { kind: "denied", error: describeError(error) };
      errors.set(arn, describeError(error));
    }
  }
  return {
    kind: "checked",
    services: services.map(({ cluster, service }) => ({
      cluster,
      service: service.serviceName,
      taskDefinition: service.taskDefinition,
      ...(errors.get(service.taskDefinition) !== undefined && {
        error: errors.get(service.taskDefinition),
      }),
    })),
  };
}

/** One failed check per service whose task definition cannot be read; else one pass. Pure. */
export function unreadableVerdicts(facts: UnreadableFacts): Check[] {
  if (facts.kind === "denied") {
    return [
      {
        status: "fail",
        subject: "task definitions of followed services",
        message: `cannot be checked: ${facts.error}`,
        fix: "grant ecs:DescribeTaskDefinition (and ecs:ListClusters, ecs:ListServices, ecs:DescribeServices) to the caller",
      },
    ];
  }
  const unreadable = facts.services.filter((s) => s.error !== undefined);
  if (unreadable.length === 0) {
    return [
      {
        status: "pass",
        subject: "task definitions of followed services",
        message: `can be read (${facts.services.length} service(s))`,
      },
    ];
  }
  return unreadable.map((s) => ({
    status: "fail",
    subject: `service ${s.cluster}/${s.service}`,
    message: `its task definition ${s.taskDefinition} cannot be read (${s.error}): every push skips this service`,
    fix: `point the service at a task definition that exists (aws ecs update-service --cluster ${s.cluster} --service ${s.service} --task-definition <family:revision>), or remove its opt-in tag`,
  }));
}
