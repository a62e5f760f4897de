import type { Logger } from "@aws-lambda-powertools/logger";
import type { RegisterTaskDefinitionCommandInput, Tag, TaskDefinition } from "@aws-sdk/client-ecs";
import type { IgnoreReason, SkipReason } from "./constants.js";
import type { ImagePin } from "./contract.js";

/** The subset of the Powertools Logger the deployer uses. */
export type Log = Pick<Logger, "debug" | "info" | "warn" | "error">;

/** One of the `IMAGE_PIN` modes. */
export type ImagePinMode = (typeof ImagePin)[keyof typeof ImagePin];
/** Why a service was skipped. */
export type SkipReasonCode = (typeof SkipReason)[keyof typeof SkipReason];
/** Why an event was a no-op. */
export type IgnoreReasonCode = (typeof IgnoreReason)[keyof typeof IgnoreReason];

/** Configuration, read once from the environment at init. */
export interface DeployerConfig {
  /** Cluster names; empty means every cluster in the region. */
  readonly allowedClusters: readonly string[];
  /** The service tag whose value is the tag pattern the service follows. */
  readonly optInTagKey: string;
  /** The pattern of services without the opt-in tag; undefined: they are not considered. */
  readonly defaultTagPattern?: string;
  readonly imagePin: ImagePinMode;
  readonly dryRun: boolean;
  /** Regions whose events are acted on; empty means any. */
  readonly allowedRegions: readonly string[];
  /** The Powertools service name of the logs. */
  readonly serviceName: string;
  /** Whether services may ask for their deployed images in parameters (`PUBLISH_IMAGES`). */
  readonly publishImages: boolean;
  /** The path the image parameters live under (`IMAGE_PARAMETER_PATH`). */
  readonly imageParameterPath: string;
}

/** A successful, tagged push of one image to a private ECR repository. */
export interface PushedImage {
  readonly eventId: string;
  /** The registry's account (the event's `account`). */
  readonly accountId: string;
  readonly region: string;
  readonly repository: string;
  readonly tag: string;
  readonly digest: string;
  /** The event's `time` (ISO 8601). */
  readonly time: string;
}

/** The outcome of validating an event: a push to act on, or a reason to do nothing. */
export type ClassifiedEvent =
  | { readonly kind: "push"; readonly image: PushedImage }
  | {
      readonly kind: "ignored";
      readonly reason: IgnoreReasonCode;
      readonly eventId: string;
      readonly detailType: string;
      readonly description: string;
    };

/** A service, located. */
export interface ServiceRef {
  /** Cluster name. */
  readonly cluster: string;
  readonly service: string;
  readonly serviceArn: string;
}

/** An opted-in service whose pattern matches the pushed tag, not yet checked against its task definition. */
export interface CandidateService extends ServiceRef {
  readonly taskDefinitionArn: string;
  /** The tag pattern it follows. */
  readonly pattern: string;
  /** Where the pattern came from. */
  readonly patternSource: "tag" | "default";
  /** Where its deployed images are published; undefined: nowhere. */
  readonly publishTo?: PublishTarget;
}

/** Where a service's deployed images are published (its `ecs-deployments:publish` tag). */
export type PublishTarget =
  /** One parameter per followed container, `<path>/<cluster>/<service>/<container>`. */
  | { readonly kind: "conventional-names" }
  /** The one parameter the tag names. */
  | { readonly kind: "named"; readonly name: string };

/** A service that follows the repository but was left alone. */
export interface SkippedService {
  readonly cluster: string;
  readonly service: string;
  readonly reason: SkipReasonCode;
  readonly detail: string;
}

/** What discovery found, with the cost of finding it. */
export interface Discovery {
  readonly candidates: readonly CandidateService[];
  readonly skipped: readonly SkippedService[];
  /** Services seen that did not opt in (no tag and no default pattern). */
  readonly notOptedIn: number;
  readonly clustersScanned: number;
  readonly servicesScanned: number;
  /** Services that follow the tag but cannot be rolled as they ask (an invalid publish tag). */
  readonly failed: readonly FailedService[];
}

/** A task definition as described with `include: ["TAGS"]`. */
export interface DescribedTaskDefinition {
  readonly taskDefinition: TaskDefinition;
  readonly tags?: readonly Tag[];
}

/** When an image was pushed, keyed by `digest` or `tag:<tag>` (see `image-key.ts`). */
export type PushTimes = ReadonlyMap<string, Date>;

/** One container's image change. */
export interface ContainerChange {
  readonly container: string;
  readonly from: string;
  readonly to: string;
}

/** A container and the image it references. */
export interface ContainerImage {
  readonly container: string;
  readonly image: string;
}

/** A new revision to register, and the services that move to it. */
export interface TaskDefinitionChange {
  readonly sourceArn: string;
  readonly family: string;
  readonly containers: readonly ContainerChange[];
  /** Every container of the pushed repository, with the image it references after the change. */
  readonly images: readonly ContainerImage[];
  /** The RegisterTaskDefinition input; undefined when the revision would be identical (tag pin). */
  readonly input?: RegisterTaskDefinitionCommandInput;
  readonly services: readonly CandidateService[];
}

/** The decisions for one push: revisions to register, services to update, services to skip. */
export interface DeploymentPlan {
  readonly changes: readonly TaskDefinitionChange[];
  readonly skipped: readonly SkippedService[];
  /**
   * Task definitions already on the pushed image (their services are among `skipped`), so
   * that a retry publishes what an earlier attempt rolled but could not publish.
   */
  readonly current: readonly CurrentTaskDefinition[];
}

/** A task definition whose containers of the pushed repository all run the pushed digest. */
export interface CurrentTaskDefinition {
  readonly arn: string;
  readonly images: readonly ContainerImage[];
  readonly services: readonly CandidateService[];
}

/** What became of one parameter a service publishes to. */
export interface PublishedImage {
  readonly cluster: string;
  readonly service: string;
  readonly parameter: string;
  /** The image the service's container(s) reference now. */
  readonly image: string;
  /**
   * `written`: the parameter names `image` now; `unchanged`: it already did; `newer-kept`:
   * it names an image pushed after this push (see `kept`), and was left alone.
   */
  readonly outcome: "written" | "unchanged" | "newer-kept";
  /** The value left in the parameter (`newer-kept` only). */
  readonly kept?: string;
}

/** One service moved to a new task definition. */
export interface UpdatedService {
  readonly cluster: string;
  readonly service: string;
  readonly fromTaskDefinition: string;
  readonly toTaskDefinition: string;
}

/** A service that could not be moved to the pushed image. */
export interface FailedService {
  readonly cluster: string;
  readonly service: string;
  /** `<Operation>: <Name>: <message>` of the failed call. */
  readonly error: string;
  /** Whether retrying the event may move it (false: access denied, invalid parameter, …). */
  readonly retryable: boolean;
  /** The parameter that could not be written; the service itself was rolled. */
  readonly parameter?: string;
}

/** What the handler returns. */
export interface DeploymentSummary {
  readonly eventId: string;
  readonly status: "ignored" | "planned" | "deployed" | "partial-failure";
  readonly reason?: string;
  readonly dryRun: boolean;
  readonly repository?: string;
  readonly tag?: string;
  readonly digest?: string;
  readonly updated: readonly UpdatedService[];
  readonly skipped: readonly SkippedService[];
  readonly failed: readonly FailedService[];
  readonly registeredTaskDefinitions: readonly string[];
  /** The parameters of the services that publish their images (none in a dry run). */
  readonly published: readonly PublishedImage[];
  /** Dry run only: what would have been done. */
  readonly planned?: readonly PlannedUpdate[];
}

/** One service update of a dry-run plan. */
export interface PlannedUpdate {
  readonly cluster: string;
  readonly service: string;
  readonly taskDefinition: string;
  /** Whether a new revision would be registered (false: same revision, forced deployment). */
  readonly newRevision: boolean;
  readonly containers: readonly ContainerChange[];
  /** The parameters that would be written (services that publish only). */
  readonly parameters?: readonly string[];
}
