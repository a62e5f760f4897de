import { readFileSync } from "node:fs";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import {
  AssetType,
  Fn,
  Op,
  TerraformAsset,
  TerraformLocal,
  type TerraformVariable,
  Token,
} from "cdktf";
import { Construct } from "constructs";
import { NAME_SUFFIX as TRACKER_SUFFIX } from "../functions/deployment-tracker/contract.js";
import {
  NAME_SUFFIX as DEPLOYER_SUFFIX,
  imageParameterPath,
} from "../functions/ecr-deployer/contract.js";
import { DEFAULT_NAME_PREFIX } from "../functions/shared/contract.js";
import { DeploymentTracker } from "./deployment-tracker.js";
import { EcrDeployer } from "./ecr-deployer.js";
import type { LambdaCode } from "./event-driven-function.js";
import { EventForwardingRole } from "./event-forwarding-role.js";
import { type LinkedAccountInput, LinkedAccounts } from "./linked-accounts.js";
import { MODULE_OUTPUTS, type ModuleOutputMember } from "./outputs.js";
import { packagedZip } from "./package-zips.js";
import {
  addressOf,
  base64Sha256,
  both,
  declareOutput,
  declareVariable,
  either,
  isEmpty,
  listExpr,
  ModuleStack,
  not,
  type Toggle,
  type VariableType,
} from "./terraform.js";
import { checkEcsDeploymentsProps } from "./validation.js";
import { MODULE_VARIABLES, type ModuleVariableProp } from "./variables.js";

/** Deployment packages of the module's functions. */
export interface ModuleCode {
  /** The deployment tracker's zip. */
  readonly deploymentTracker: LambdaCode;
  /** The ECR deployer's zip. */
  readonly ecrDeployer: LambdaCode;
}

/**
 * The options of {@link EcsDeployments}: one per variable of the published Terraform
 * module (`snake_case` there, camelCase here; the table in `variables.ts` maps them).
 * Each takes a literal (decided at synth time) or a token (a Terraform expression, such
 * as a `TerraformVariable`'s value, decided at plan time). Literal values are checked
 * when the construct is created; tokens are checked by Terraform.
 */
export interface EcsDeploymentsOptions {
  /**
   * The prefix of every resource name (functions, roles, rules, queues, secret):
   * 1-32 letters, digits, `-` or `_`.
   * @default "ecs-deployments"
   */
  readonly namePrefix?: string;
  /**
   * Further regions whose ECS and ECR events are handled. Their events are forwarded to
   * the home region (the provider's); the functions act in these and the home region only.
   * @default []
   */
  readonly regions?: string[];
  /**
   * The ARN of a customer KMS key for the secret, the DLQs and the log groups. Its key
   * policy must allow Lambda, EventBridge and CloudWatch Logs to use it.
   * @default - AWS-managed keys
   */
  readonly kmsKeyArn?: string;
  /**
   * The number of days CloudWatch keeps the functions' logs (one of CloudWatch's values).
   * @default 30
   */
  readonly logRetentionInDays?: number;
  /**
   * The functions' log level: `DEBUG`, `INFO`, `WARN` or `ERROR`.
   * @default "INFO"
   */
  readonly logLevel?: string;
  /**
   * Whether to create CloudWatch alarms on function errors, on messages in the DLQs, on
   * rollout items waiting longer than `deployerRolloutAgeAlarmSeconds`, and on opted-in
   * services whose task definition the deployer cannot read.
   * @default false
   */
  readonly createAlarms?: Toggle;
  /**
   * ARNs (e.g. SNS topics) notified when an alarm fires.
   * @default []
   */
  readonly alarmActions?: string[];
  /**
   * Tags added to every resource.
   * @default {}
   */
  readonly tags?: Record<string, string>;
  /**
   * Whether to create the deployment tracker.
   * @default true
   */
  readonly createTracker?: Toggle;
  /**
   * The HTTPS endpoint that receives one record per finished ECS deployment.
   * @default "https://app.cardinalhq.io/_/chip/workloads" (Cardinal's workloads API)
   */
  readonly trackerEndpointUrl?: string;
  /**
   * The HTTP header that carries the API key.
   * @default "x-cardinalhq-api-key"
   */
  readonly trackerApiKeyHeader?: string;
  /**
   * Whether failed deployments (circuit-breaker rollbacks) are recorded too, with status FAILED.
   * @default false
   */
  readonly trackerTrackFailedDeployments?: Toggle;
  /**
   * Whether to create the Secrets Manager secret for the API key. When false,
   * `apiKeySecretArn` names an existing one.
   * @default true
   */
  readonly createApiKeySecret?: Toggle;
  /**
   * The ARN of an existing Secrets Manager secret that holds the API key; required when
   * `createApiKeySecret` is false.
   * @default - none: the created secret is used
   */
  readonly apiKeySecretArn?: string;
  /**
   * The API key, written to the created secret as a write-only value (never in Terraform
   * state). Pass a token (a sensitive `TerraformVariable`): a literal would be written
   * into the synthesised configuration.
   * @default - the secret is created empty for you to fill
   */
  readonly apiKey?: string;
  /**
   * The version of `apiKey`; increase it to write a new `apiKey` into the secret.
   * @default 1
   */
  readonly apiKeyVersion?: number;
  /**
   * Further AWS account IDs whose ECR repositories the tracker may read image digests
   * from (the current account is always included).
   * @default []
   */
  readonly trackerEcrAccountIds?: string[];
  /**
   * Whether to create the ECR deployer.
   * @default true
   */
  readonly createDeployer?: Toggle;
  /**
   * Names of the ECS clusters whose services the deployer may update (names, not ARNs).
   * @default [] (every cluster in the handled regions)
   */
  readonly deployerAllowedClusters?: string[];
  /**
   * The ECS service tag key that opts a service in; its value is the image-tag pattern the
   * service follows (`+` stands for any characters there: `v+`, `main-+`).
   * @default "ecs-deployments:follow"
   */
  readonly deployerOptInTagKey?: string;
  /**
   * The image-tag pattern followed by services without the opt-in tag (`*` and `+` any
   * characters, `?` one; several separated by spaces or commas).
   * @default "" (only tagged services are deployed)
   */
  readonly deployerDefaultTagPattern?: string;
  /**
   * How a new revision references the pushed image: `tag-and-digest`, `digest` or `tag`.
   * @default "tag-and-digest"
   */
  readonly deployerImagePin?: string;
  /**
   * Whether the deployer only logs what it would do and changes nothing.
   * @default false
   */
  readonly deployerDryRun?: Toggle;
  /**
   * Whether the deployer writes each image it rolled out to an SSM parameter, for the
   * services tagged `ecs-deployments:publish` (`/<name_prefix>/images/<cluster>/<service>/<container>`,
   * or the name the tag gives), so their own Terraform can read the image from it.
   * @default false
   */
  readonly deployerPublishImages?: Toggle;
  /**
   * ARNs of the task and execution roles the deployer may pass to ECS when it registers a
   * new revision. A task definition that uses another role cannot be rolled.
   * @default []
   */
  readonly deployerPassableRoleArns?: string[];
  /**
   * The reserved concurrency of the deployer's push function (a whole number of at least
   * 1); `null` leaves it unreserved, for accounts whose Lambda concurrency quota is too
   * small. The rollout function is not reserved: `deployerRolloutMaximumConcurrency` bounds it.
   * @default 1 (one push is planned at a time)
   */
  readonly deployerReservedConcurrency?: number | null;
  /**
   * The share (greater than 0, at most 1) of each ECS token bucket (per account and
   * region, shared by every caller) that the deployer's calls may use; the rest is left to
   * your CI, Terraform and other tools. The deployer slows down further when throttled.
   * @default 0.5
   */
  readonly deployerQuotaShare?: number;
  /**
   * The timeout of the rollout function, in seconds (60–900). The rollout queue's
   * visibility timeout is six times it.
   * @default 300
   */
  readonly deployerRolloutTimeout?: number;
  /**
   * The most rollout items (one per new revision) one invocation of the rollout function
   * gets (1–10).
   * @default 10
   */
  readonly deployerRolloutBatchSize?: number;
  /**
   * The most concurrent invocations of the rollout function (2–1000). Items of one
   * account and region are applied one batch at a time, so this bounds how many account
   * and region pairs roll out at once.
   * @default 10
   */
  readonly deployerRolloutMaximumConcurrency?: number;
  /**
   * The receives of a rollout item (1–1000) before SQS moves it to the rollout DLQ; a
   * throttled attempt counts too.
   * @default 10
   */
  readonly deployerRolloutMaxReceiveCount?: number;
  /**
   * The age in seconds (60–345600) of the oldest waiting rollout item above which the
   * rollout-queue alarm fires (with `createAlarms`).
   * @default 3600
   */
  readonly deployerRolloutAgeAlarmSeconds?: number;
  /**
   * The workload accounts whose services the functions work with, each through the roles
   * its `workload-account` module creates (see docs/multi-account.md).
   * @default []
   */
  readonly linkedAccounts?: LinkedAccountInput[];
  /**
   * The AWS Organizations id the linked accounts belong to: the event bus then accepts
   * their events only from inside the organization.
   * @default - none
   */
  readonly organizationId?: string;
  /**
   * Whether to write the home default event bus's resource policy that accepts the linked
   * accounts' events. It replaces any other policy of that bus: set false and add the
   * statement to your own policy if you manage one.
   * @default true
   */
  readonly createEventBusPolicy?: Toggle;
}

/** Properties of {@link EcsDeployments}. */
export interface EcsDeploymentsProps extends EcsDeploymentsOptions {
  /**
   * The functions' deployment packages. The published HCL module passes
   * `${path.module}/dist/<function>.zip` and its hash here.
   * @default - the zips shipped inside this package, turned into `TerraformAsset`s
   *   (copied into the synthesised output; paths relative to the stack)
   */
  readonly code?: ModuleCode;
}

// Every option is a variable of the module and every variable an option (checked by tsc).
const EVERY_OPTION_IS_A_VARIABLE: Record<keyof EcsDeploymentsOptions, unknown> = MODULE_VARIABLES;
const EVERY_VARIABLE_IS_AN_OPTION: Record<ModuleVariableProp, unknown> =
  {} as Required<EcsDeploymentsOptions>;
void EVERY_OPTION_IS_A_VARIABLE;
void EVERY_VARIABLE_IS_AN_OPTION;

/** A shipped zip as an asset of `scope`, with the hash of its bytes. */
function packagedCode(scope: Construct, id: string, name: string): LambdaCode {
  const path = packagedZip(name);
  const asset = new TerraformAsset(scope, id, { path, type: AssetType.FILE });
  return { filename: asset.path, sourceCodeHash: base64Sha256(readFileSync(path)) };
}

/** A list as text inside a Terraform expression: its reference when a token. */
function listText(list: readonly string[]): string {
  return Token.isUnresolved(list) ? Token.asString(list) : JSON.stringify(list);
}

/**
 * Deploy-on-push and deployment tracking for Amazon ECS, in one construct: the ECR
 * deployer (its push function, and its rollout function with the rollout queue), the
 * deployment tracker (with its API-key secret), their roles, rules, DLQs, log groups,
 * optional alarms, and event forwarding from further regions.
 *
 * Put it in your own `TerraformStack` beside your own `AwsProvider`; the provider's
 * region is the home region. It is the same construct the published Terraform module is
 * made of, so the module's documentation of each input holds for the prop of that name.
 */
export class EcsDeployments extends Construct implements Record<ModuleOutputMember, string> {
  /** The ARN of the deployment tracker function (null when `createTracker` is false). */
  public readonly trackerFunctionArn: string;
  /** The name of the deployment tracker function (null when `createTracker` is false). */
  public readonly trackerFunctionName: string;
  /** The ARN of the tracker's execution role (null when `createTracker` is false). */
  public readonly trackerRoleArn: string;
  /** The URL of the tracker's DLQ (null when `createTracker` is false). */
  public readonly trackerDlqUrl: string;
  /** The ARN of the rule that triggers the tracker (null when `createTracker` is false). */
  public readonly trackerRuleArn: string;
  /** The name of the tracker's log group (null when `createTracker` is false). */
  public readonly trackerLogGroupName: string;
  /** The ARN of the ECR deployer function (null when `createDeployer` is false). */
  public readonly deployerFunctionArn: string;
  /** The name of the ECR deployer function (null when `createDeployer` is false). */
  public readonly deployerFunctionName: string;
  /** The ARN of the deployer's execution role (null when `createDeployer` is false). */
  public readonly deployerRoleArn: string;
  /** The URL of the deployer's DLQ (null when `createDeployer` is false). */
  public readonly deployerDlqUrl: string;
  /** The ARN of the rule that triggers the deployer (null when `createDeployer` is false). */
  public readonly deployerRuleArn: string;
  /** The name of the deployer's log group (null when `createDeployer` is false). */
  public readonly deployerLogGroupName: string;
  /** The URL of the rollout queue (null when `createDeployer` is false). */
  public readonly deployerRolloutQueueUrl: string;
  /** The ARN of the rollout queue (null when `createDeployer` is false). */
  public readonly deployerRolloutQueueArn: string;
  /** The URL of the rollout DLQ (null when `createDeployer` is false). */
  public readonly deployerRolloutDlqUrl: string;
  /** The ARN of the rollout DLQ (null when `createDeployer` is false). */
  public readonly deployerRolloutDlqArn: string;
  /** The ARN of the rollout function (null when `createDeployer` is false). */
  public readonly deployerRolloutFunctionArn: string;
  /** The name of the rollout function (null when `createDeployer` is false). */
  public readonly deployerRolloutFunctionName: string;
  /** The ARN of the rollout function's execution role (null when `createDeployer` is false). */
  public readonly deployerRolloutRoleArn: string;
  /** The name of the rollout function's log group (null when `createDeployer` is false). */
  public readonly deployerRolloutLogGroupName: string;
  /** The ARN of the event-forwarding role (null when `regions` names no other region). */
  public readonly eventForwardingRoleArn: string;
  /** The ARN of the secret the tracker reads the API key from (null without the tracker). */
  public readonly apiKeySecretArn: string;
  /** The linked accounts' bus policy, JSON (null without linked accounts or the tracker). */
  public readonly eventBusPolicy: string;
  /** The ARN of the home region's default event bus, where linked accounts send their events. */
  public readonly eventBusArn: string;

  constructor(scope: Construct, id: string, props: EcsDeploymentsProps = {}) {
    super(scope, id);
    checkEcsDeploymentsProps(props);
    const namePrefix = props.namePrefix ?? DEFAULT_NAME_PREFIX;
    const regions = props.regions ?? [];
    const createTracker = props.createTracker ?? true;
    const createDeployer = props.createDeployer ?? true;
    const tags = props.tags ?? {};
    const code = props.code ?? {
      deploymentTracker: packagedCode(this, "tracker_zip", TRACKER_SUFFIX),
      ecrDeployer: packagedCode(this, "deployer_zip", DEPLOYER_SUFFIX),
    };

    // ---- Where we are
    const partition = new DataAwsPartition(this, "current_partition", {});
    const account = new DataAwsCallerIdentity(this, "current_account", {});
    const region = new DataAwsRegion(this, "current_region", {});
    const home = region.region;
    const allRegions = new TerraformLocal(
      this,
      "all_regions",
      Fn.distinct(Fn.concat([[home], regions])),
    );
    const forwardRegions = new TerraformLocal(
      this,
      "forward_regions",
      listExpr(`[for r in distinct(${listText(regions)}) : r if r != ${addressOf(region)}.region]`),
    );
    const homeBus = `arn:${partition.partition}:events:${home}:${account.accountId}:event-bus/default`;
    const forwarding = new EventForwardingRole(this, "event_forwarding", {
      enabled: both(either(createTracker, createDeployer), not(isEmpty(forwardRegions.asList))),
      roleName: `${namePrefix}-event-forwarding`,
      homeEventBusArn: homeBus,
      tags,
    });

    const linked = new LinkedAccounts(this, "linked", {
      accounts: props.linkedAccounts ?? [],
      namePrefix,
      partition: partition.partition,
      homeEventBusArn: homeBus,
      organizationId: props.organizationId,
      createEventBusPolicy: props.createEventBusPolicy,
      trackerEnabled: createTracker,
      deployerEnabled: createDeployer,
    });

    // What both functions take alike.
    const shared = {
      regions: allRegions.asList,
      accountId: account.accountId,
      partition: partition.partition,
      kmsKeyArn: props.kmsKeyArn,
      logLevel: props.logLevel,
      logRetentionInDays: props.logRetentionInDays,
      forwarding: {
        regions: forwardRegions.asList,
        homeEventBusArn: homeBus,
        roleArn: forwarding.roleArn,
      },
      alarms: props.createAlarms,
      alarmActions: props.alarmActions,
      tags,
    };

    const tracker = new DeploymentTracker(this, "tracker", {
      enabled: createTracker,
      functionName: `${namePrefix}-${TRACKER_SUFFIX}`,
      code: code.deploymentTracker,
      endpointUrl: props.trackerEndpointUrl,
      apiKeyHeader: props.trackerApiKeyHeader,
      createApiKeySecret: props.createApiKeySecret,
      apiKeySecretArn: props.apiKeySecretArn,
      apiKey: props.apiKey,
      apiKeyVersion: props.apiKeyVersion,
      trackFailedDeployments: props.trackerTrackFailedDeployments,
      ecrAccountIds: Fn.distinct(
        Fn.concat([[account.accountId], props.trackerEcrAccountIds ?? []]),
      ),
      linkedAccountsJson: linked.environmentValue,
      sourcePolicyDocuments: linked.trackerPolicyDocuments,
      ...shared,
    });

    const reserved = props.deployerReservedConcurrency;
    const deployer = new EcrDeployer(this, "deployer", {
      enabled: createDeployer,
      functionName: `${namePrefix}-${DEPLOYER_SUFFIX}`,
      code: code.ecrDeployer,
      allowedClusters: props.deployerAllowedClusters,
      optInTagKey: props.deployerOptInTagKey,
      defaultTagPattern: props.deployerDefaultTagPattern,
      imagePin: props.deployerImagePin,
      dryRun: props.deployerDryRun,
      publishImages: props.deployerPublishImages,
      imageParameterPath: imageParameterPath(namePrefix),
      passableRoleArns: props.deployerPassableRoleArns,
      // The module's null (unreserved) is Lambda's -1.
      reservedConcurrentExecutions:
        reserved === null
          ? -1
          : reserved !== undefined && Token.isUnresolved(reserved)
            ? Token.asNumber(Fn.conditional(Op.eq(reserved, Token.nullValue()), -1, reserved))
            : reserved,
      quotaShare: props.deployerQuotaShare,
      rolloutTimeout: props.deployerRolloutTimeout,
      rolloutBatchSize: props.deployerRolloutBatchSize,
      rolloutMaximumConcurrency: props.deployerRolloutMaximumConcurrency,
      rolloutMaxReceiveCount: props.deployerRolloutMaxReceiveCount,
      rolloutAgeAlarmSeconds: props.deployerRolloutAgeAlarmSeconds,
      linkedAccountsJson: linked.environmentValue,
      linkedPolicyDocuments: linked.deployerPolicyDocuments,
      ...shared,
    });

    this.trackerFunctionArn = tracker.function.functionArn;
    this.trackerFunctionName = tracker.function.functionName;
    this.trackerRoleArn = tracker.function.roleArn;
    this.trackerDlqUrl = tracker.function.dlqUrl;
    this.trackerRuleArn = tracker.function.ruleArn;
    this.trackerLogGroupName = tracker.function.logGroupName;
    this.deployerFunctionArn = deployer.function.functionArn;
    this.deployerFunctionName = deployer.function.functionName;
    this.deployerRoleArn = deployer.function.roleArn;
    this.deployerDlqUrl = deployer.function.dlqUrl;
    this.deployerRuleArn = deployer.function.ruleArn;
    this.deployerLogGroupName = deployer.function.logGroupName;
    this.deployerRolloutQueueUrl = deployer.rollout.queueUrl;
    this.deployerRolloutQueueArn = deployer.rollout.queueArn;
    this.deployerRolloutDlqUrl = deployer.rollout.dlqUrl;
    this.deployerRolloutDlqArn = deployer.rollout.dlqArn;
    this.deployerRolloutFunctionArn = deployer.rollout.functionArn;
    this.deployerRolloutFunctionName = deployer.rollout.functionName;
    this.deployerRolloutRoleArn = deployer.rollout.roleArn;
    this.deployerRolloutLogGroupName = deployer.rollout.logGroupName;
    this.eventForwardingRoleArn = forwarding.roleArn;
    this.apiKeySecretArn = tracker.apiKeySecretArn;
    this.eventBusPolicy = linked.eventBusPolicy;
    // A Terraform expression (not a string template), as every other output is.
    this.eventBusArn = Token.asString(
      Fn.format("arn:%s:events:%s:%s:event-bus/default", [
        partition.partition,
        home,
        account.accountId,
      ]),
    );
  }
}

/** A variable's value as the token of its type. */
function tokenOf(variable: TerraformVariable, type: VariableType): unknown {
  switch (type) {
    case "string":
      return variable.stringValue;
    case "number":
      return variable.numberValue;
    case "bool":
      return variable.booleanValue;
    case "list(string)":
      return variable.listValue;
    case "map(string)":
      return Token.asStringMap(variable.value);
    default:
      return Token.asAny(variable.value);
  }
}

/**
 * The publishable root module: the variables table, each variable's value passed as a
 * token to {@link EcsDeployments}, and the outputs table. Every user choice is thereby a
 * Terraform variable evaluated at plan time, because this module is synthesised once and
 * used by many.
 */
export class EcsDeploymentsModule extends ModuleStack {
  constructor(scope: Construct, id: string, code: ModuleCode) {
    super(scope, id);
    const options = Object.fromEntries(
      Object.entries(MODULE_VARIABLES).map(([prop, spec]) => [
        prop,
        tokenOf(declareVariable(this, spec), spec.type),
      ]),
    ) as EcsDeploymentsOptions;
    // "Default" adds nothing to the addresses: they stay those of the module's releases.
    const deployments = new EcsDeployments(this, "Default", { ...options, code });
    for (const [member, spec] of Object.entries(MODULE_OUTPUTS)) {
      declareOutput(this, spec, deployments[member as ModuleOutputMember]);
    }
  }
}
