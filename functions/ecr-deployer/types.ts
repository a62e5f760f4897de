import type { Logger } from "@aws-lambda-powertools/logger";
import type { RegisterTaskDefinitionCommandInput, Tag, TaskDefinition } from "@aws-sdk/client-ecs";
import type { LinkedAccounts } from "../shared/accounts.js";
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
  /** Share (0 < share <= 1) of each ECS token bucket the deployer's calls may use (`QUOTA_SHARE`). */
  readonly quotaShare: number;
  /** The rollout queue (`ROLLOUT_QUEUE_URL`); required by both handlers, checked when they are created. */
  readonly rolloutQueueUrl?: string;
  /**
   * The linked workload accounts (`LINKED_ACCOUNTS`): a push is also rolled out to their
   * services, through each account's deploy role. Undefined or empty: the own account only.
   */
  readonly linkedAccounts?: LinkedAccounts;
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
  /** A revision an interrupted attempt registered for this change: moved to, not registered again. */
  readonly reuse?: string;
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
  readonly status: "ignored" | "planned" | "queued" | "deployed" | "partial-failure";
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
  /** Push handler: services left alone because their task definition could not be read (not failures). */
  readonly unreadable?: readonly {
    cluster: string;
    service: string;
    taskDefinitionArn: string;
    error: string;
  }[];
  /** Push handler: the work items put on the rollout queue (one per new revision, or per part of one). */
  readonly queued?: readonly QueuedItem[];
  /** Push handler with linked accounts: what each account came to, the registry's own first. */
  readonly accounts?: readonly AccountOutcome[];
}

/** What a push came to in one account (the registry's own or a linked one). */
export interface AccountOutcome {
  readonly account: string;
  /** Services that opted in and whose tag pattern matches. */
  readonly candidates: number;
  readonly servicesToUpdate: number;
  readonly workItems: number;
  readonly failed: number;
  /** Set when the account could not be searched at all (its role, its services). */
  readonly error?: string;
}

/** A work item the push handler put on the rollout queue. */
export interface QueuedItem {
  readonly itemId: string;
  readonly part: number;
  readonly action: WorkItemAction;
  readonly taskDefinition: string;
  readonly services: number;
}

/**
 * What a work item asks of the rollout: register a new revision and move the services to
 * it; redeploy the same revision (IMAGE_PIN=tag, the reference did not change); or only
 * publish the images of services already on the pushed image.
 */
export type WorkItemAction = "register" | "redeploy" | "publish";

/** A service of a work item: where it is and what it asked for at planning time. */
export interface WorkItemService {
  readonly cluster: string;
  readonly service: string;
  readonly serviceArn: string;
  readonly pattern: string;
  readonly patternSource: "tag" | "default";
  readonly publishTo?: PublishTarget;
}

/**
 * One unit of the fan-out, as the rollout queue carries it (JSON): one new revision of one
 * task definition (or a part of its services), with everything the rollout needs to apply
 * it without reading the task definition again.
 */
export interface WorkItem {
  readonly kind: string;
  readonly version: 1;
  /** sha256 (hex) of the pushed digest and the base revision ARN; tags the registered revision. */
  readonly itemId: string;
  readonly part: number;
  readonly parts: number;
  readonly action: WorkItemAction;
  readonly target: { readonly account: string; readonly region: string };
  readonly image: PushedImage;
  readonly baseTaskDefinition: string;
  readonly family: string;
  readonly containers: readonly ContainerChange[];
  readonly images: readonly ContainerImage[];
  /** The RegisterTaskDefinition input; absent when the item would be too large (the rollout re-reads the base). */
  readonly register?: RegisterTaskDefinitionCommandInput;
  readonly services: readonly WorkItemService[];
  /** Push times of the images the plan compared, by `image-key.ts` key (ISO 8601). */
  readonly pushTimes: Readonly<Record<string, string>>;
}

/** What the rollout did with one work item. */
export interface ItemOutcome {
  readonly itemId: string;
  readonly part: number;
  readonly updated: readonly UpdatedService[];
  readonly registered: readonly string[];
  /** The orphaned revision of an earlier attempt that was reused, if any. */
  readonly reused?: string;
  readonly skipped: readonly SkippedService[];
  readonly failed: readonly FailedService[];
  readonly published: readonly PublishedImage[];
  /** Whether a failure was throttling (the item backs off longer). */
  readonly throttled: boolean;
  /** Whether the item stopped early because the invocation ran short of time. */
  readonly cutShort: boolean;
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
