import { publicationsOf } from "./parameters.js";
import type {
  DeployerConfig,
  DeploymentPlan,
  DeploymentSummary,
  PlannedUpdate,
  PushedImage,
} from "./types.js";

/** The parts a {@link summary} is made of; lists default to empty. */
export interface SummaryParts {
  readonly status: DeploymentSummary["status"];
  readonly reason?: string;
  readonly image?: PushedImage;
  readonly skipped?: DeploymentSummary["skipped"];
  readonly failed?: DeploymentSummary["failed"];
  readonly updated?: DeploymentSummary["updated"];
  readonly registered?: readonly string[];
  readonly planned?: readonly PlannedUpdate[];
  readonly published?: DeploymentSummary["published"];
}

/** What the handler returns for an event: its outcome, service by service. */
export function summary(
  eventId: string,
  config: Pick<DeployerConfig, "dryRun">,
  parts: SummaryParts,
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
    published: parts.published ?? [],
    ...(parts.planned && { planned: parts.planned }),
  };
}

/**
 * The plan of a dry run: per service, cluster, old task definition, containers old → new,
 * and the parameters it would publish to (names under `imageParameterPath`).
 */
export function plannedUpdates(plan: DeploymentPlan, imageParameterPath: string): PlannedUpdate[] {
  return plan.changes.flatMap((change) =>
    change.services.map((s) => {
      const parameters =
        s.publishTo === undefined
          ? []
          : publicationsOf(
              { ...s, publishTo: s.publishTo },
              change.images,
              imageParameterPath,
            ).publications.map((p) => p.parameter);
      return {
        cluster: s.cluster,
        service: s.service,
        taskDefinition: change.sourceArn,
        newRevision: change.input !== undefined,
        containers: change.containers,
        ...(parameters.length > 0 && { parameters }),
      };
    }),
  );
}

/** A service record for the log: Powertools reserves the key `service` (the function's own name). */
export function logFields<T extends { service: string }>(
  record: T,
): Omit<T, "service"> & { ecsService: string } {
  const { service, ...rest } = record;
  return { ...rest, ecsService: service };
}

/** eventId, repository, tag and digest of the raw event, for every log line (even of a malformed event). */
export function eventKeys(event: unknown): Record<string, string> {
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
