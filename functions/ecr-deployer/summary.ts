import { capString } from "../shared/log-values.js";
import type { UnreadableService } from "./metrics.js";
import { publicationsOf } from "./parameters.js";
import type {
  DeployerConfig,
  DeploymentPlan,
  DeploymentSummary,
  Discovery,
  FailedService,
  PlannedUpdate,
  PushedImage,
  SkippedService,
  SkipReasonCode,
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

/**
 * Characters of each event key on every log line: the longest valid values (a 256-character
 * repository name) and a little more, so an invalid one is still recognisable.
 */
const EVENT_KEY_MAX_CHARS = 300;

/**
 * eventId, repository, tag and digest of the raw event, for every log line (even of a
 * malformed event); each cut to {@link EVENT_KEY_MAX_CHARS}, as the event is not yet validated.
 */
export function eventKeys(event: unknown): Record<string, string> {
  const keys: Record<string, string> = {};
  if (typeof event !== "object" || event === null) return keys;
  const { id, detail } = event as { id?: unknown; detail?: unknown };
  const put = (key: string, value: unknown) => {
    if (typeof value === "string") keys[key] = capString(value, EVENT_KEY_MAX_CHARS);
  };
  put("eventId", id);
  if (typeof detail === "object" && detail !== null) {
    const d = detail as Record<string, unknown>;
    put("repository", d["repository-name"]);
    put("tag", d["image-tag"]);
    put("digest", d["image-digest"]);
  }
  return keys;
}

/** Services a summary line names per list; the counts cover them all. */
export const SUMMARY_NAMES_MAX = 20;

/** How many services were skipped for each reason. */
export function skipCounts(
  skipped: readonly Pick<SkippedService, "reason">[],
): Partial<Record<SkipReasonCode, number>> {
  const counts: Partial<Record<SkipReasonCode, number>> = {};
  for (const { reason } of skipped) counts[reason] = (counts[reason] ?? 0) + 1;
  return counts;
}

/** What the one INFO line of a push is made of. */
export interface PushSummaryInput {
  readonly discovery: Pick<
    Discovery,
    "clustersScanned" | "servicesScanned" | "notOptedIn" | "candidates"
  >;
  readonly plan: Pick<DeploymentPlan, "changes">;
  /** Every skipped service (discovery's and the plan's). */
  readonly skipped: readonly Pick<SkippedService, "reason">[];
  readonly unreadable: readonly UnreadableService[];
  readonly failed: readonly FailedService[];
  /** Work items put on the rollout queue (none in a dry run). */
  readonly workItems?: number;
}

/**
 * The fields of the one INFO line of a push: what was scanned, what will change, skips as
 * counts per reason (each skip is a DEBUG line), unreadable and failed services as counts
 * and the first {@link SUMMARY_NAMES_MAX} names.
 */
export function pushSummaryFields(input: PushSummaryInput): Record<string, unknown> {
  const { discovery, plan, skipped, unreadable, failed } = input;
  const names = (services: readonly { cluster: string; service: string }[]) =>
    services.slice(0, SUMMARY_NAMES_MAX).map((s) => `${s.cluster}/${s.service}`);
  return {
    clusters: discovery.clustersScanned,
    services: discovery.servicesScanned,
    notOptedIn: discovery.notOptedIn,
    candidates: discovery.candidates.length,
    newRevisions: plan.changes.filter((c) => c.input !== undefined).length,
    servicesToUpdate: plan.changes.reduce((n, c) => n + c.services.length, 0),
    ...(input.workItems !== undefined && { workItems: input.workItems }),
    skipped: skipped.length,
    skippedByReason: skipCounts(skipped),
    unreadable: unreadable.length,
    ...(unreadable.length > 0 && { unreadableServices: names(unreadable) }),
    failed: failed.length,
    ...(failed.length > 0 && {
      failedServices: failed
        .slice(0, SUMMARY_NAMES_MAX)
        .map((f) => `${f.cluster}/${f.service}: ${f.error}`),
    }),
  };
}
