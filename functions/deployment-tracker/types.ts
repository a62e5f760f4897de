import type { ServiceLocation } from "../shared/arn.js";
import type { RecordedStatus } from "./contract.js";

/** An event name that produces a record. */
export type RecordedEventName = keyof typeof RecordedStatus;

/** A validated `ECS Deployment State Change` event for a completed or failed deployment. */
export interface DeploymentStateChange {
  readonly id: string;
  readonly time: string;
  readonly region: string;
  readonly account: string;
  /** The service of the event, parsed from `resources[0]`. */
  readonly service: ServiceLocation;
  readonly eventType: string;
  readonly eventName: RecordedEventName;
  /** `ecs-svc/…` */
  readonly deploymentId: string;
  readonly updatedAt?: string;
  readonly reason?: string;
}

/** What {@link parseEvent} decided about an event. */
export type ParsedEvent =
  | { readonly kind: "track"; readonly event: DeploymentStateChange }
  | { readonly kind: "skip"; readonly reason: string };

/** A container of the task definition, as written there. */
export interface ContainerSpec {
  readonly name: string;
  readonly image: string;
}

/** An image ECS resolved for a container at deploy time (service revision `containerImages`). */
export interface ResolvedImage {
  readonly image?: string;
  readonly digest?: string;
}

/** Where the task definition of the event's deployment was found. */
export type DeploymentSource =
  | "service-revision"
  | "service-deployment-list"
  | "primary-deployment";

/** The deployment of the event: its task definition and what ECS resolved for its containers. */
export interface DeploymentTarget {
  readonly taskDefinitionArn: string;
  readonly source: DeploymentSource;
  /** Container name → image as ECS resolved it; empty when service revisions are unavailable. */
  readonly resolvedImages: ReadonlyMap<string, ResolvedImage>;
  readonly serviceRevisionArn?: string;
}

/** Where a container's digest came from. */
export type DigestSource = "service-revision" | "reference" | "ecr" | "none";

/** One entry of `properties.images` (the original CloudFormation tracker's shape). */
export interface ImageRecord {
  readonly containerName: string;
  readonly image: string;
  readonly digest: string | null;
}

/** An image record with where its digest came from (the source is logged, not sent). */
export interface ResolvedContainer extends ImageRecord {
  readonly digestSource: DigestSource;
}

/** `workloads[].properties` of the record. */
export interface WorkloadProperties {
  readonly serviceArn: string;
  readonly cluster: string;
  readonly region: string;
  /** The account that runs the service (the event's). */
  readonly account: string;
  readonly deploymentId: string;
  readonly eventType: string;
  readonly taskDefinition: string;
  readonly images: readonly ImageRecord[];
  readonly timestamp: string;
  readonly status: string;
  readonly reason?: string;
}

/** One workload of the record. */
export interface Workload {
  readonly name: string;
  readonly properties: WorkloadProperties;
  readonly digests: readonly string[];
}

/** The record POSTed to the endpoint; byte-compatible with the original CloudFormation tracker's payload. */
export interface DeploymentRecord {
  readonly runtime: "ecs";
  readonly scope: string;
  readonly workloads: readonly Workload[];
}

/** What the handler returns. */
export type TrackerResult =
  | { readonly status: "skipped"; readonly reason: string }
  | {
      readonly status: "delivered";
      readonly idempotencyKey: string;
      readonly taskDefinition: string;
      readonly images: number;
      readonly digests: number;
      readonly attempts: number;
    };
