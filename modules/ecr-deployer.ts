import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { Fn, Token } from "cdktf";
import { Construct } from "constructs";
import {
  Defaults,
  EnvVar,
  Handler,
  Metric,
  NAME_SUFFIX,
  ROLLOUT_SUFFIX,
} from "../functions/ecr-deployer/contract.js";
import {
  DEFAULT_LOG_LEVEL,
  LINKED_ACCOUNTS_ENV_VAR,
  PowertoolsEnvVar,
} from "../functions/shared/contract.js";
import {
  type DeployScope,
  discoveryStatements,
  passTaskRolesStatement,
  rolloutStatements,
  servicesIn,
} from "./deploy-statements.js";
import {
  commonFunctionProps,
  EventDrivenFunction,
  type FunctionCommonProps,
  type LambdaCode,
} from "./event-driven-function.js";
import { FifoQueueFunction } from "./fifo-queue-function.js";
import { firstOccurrence } from "./function-parts.js";
import { deployerEventPattern } from "./patterns.js";
import { addressOf, both, countOf, isEmpty, listExpr, not, type Toggle } from "./terraform.js";
import { checkEcrDeployerProps } from "./validation.js";

/**
 * The push function's reserved concurrency when nothing is said: 1 plans one push at a
 * time. (The rollout queue applies the items of one account and region in order anyway.)
 */
export const DEFAULT_RESERVED_CONCURRENCY = 1;
/** The function name when none is given. */
export const DEFAULT_DEPLOYER_FUNCTION_NAME = `ecs-${NAME_SUFFIX}`;

/** Properties of {@link EcrDeployer}. */
export interface EcrDeployerProps extends FunctionCommonProps {
  /**
   * The function name; names its role, log group, rule and DLQ too.
   * @default DEFAULT_DEPLOYER_FUNCTION_NAME ("ecs-ecr-deployer")
   */
  readonly functionName?: string;
  /** The deployment package. */
  readonly code: LambdaCode;
  /**
   * Names of the clusters whose services may be updated; empty means every cluster.
   * @default []
   */
  readonly allowedClusters?: string[];
  /**
   * Service tag key that opts a service in; its value is the tag pattern (`v*`).
   * @default "ecs-deployments:follow"
   */
  readonly optInTagKey?: string;
  /**
   * Pattern followed by services without the opt-in tag; empty means only tagged services.
   * @default ""
   */
  readonly defaultTagPattern?: string;
  /**
   * How the new image is referenced: `tag-and-digest`, `digest` or `tag`.
   * @default "tag-and-digest"
   */
  readonly imagePin?: string;
  /**
   * Whether to only log the plan and change nothing.
   * @default false
   */
  readonly dryRun?: Toggle;
  /**
   * Whether the deployer writes the images it rolled out to the parameters of the
   * services tagged `ecs-deployments:publish`, under `imageParameterPath`.
   * @default false
   */
  readonly publishImages?: Toggle;
  /**
   * The path of the image parameters; the deployer may read and write only below it.
   * @default "/ecs-deployments/images"
   */
  readonly imageParameterPath?: string;
  /**
   * Task and execution role ARNs the deployer may pass to ECS when it registers a
   * revision. A task definition with a role outside this list cannot be rolled.
   * @default []
   */
  readonly passableRoleArns?: string[];
  /**
   * The push function's reserved concurrency; 1 plans one push at a time. -1 means
   * unreserved (for accounts whose concurrency quota is too small to reserve).
   * @default 1
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * The share (greater than 0, at most 1) of each ECS token bucket of an account and
   * region that the deployer's calls may use; the rest is left to other callers.
   * @default 0.5
   */
  readonly quotaShare?: number;
  /**
   * The rollout function's timeout in seconds (60–900); the rollout queue's visibility
   * timeout is six times it.
   * @default 300
   */
  readonly rolloutTimeout?: number;
  /**
   * Most rollout items one invocation of the rollout function gets (1–10).
   * @default 10
   */
  readonly rolloutBatchSize?: number;
  /**
   * Most concurrent invocations of the rollout function (2–1000). Items of one account and
   * region are applied one batch at a time whatever this says.
   * @default 10
   */
  readonly rolloutMaximumConcurrency?: number;
  /**
   * Receives of a rollout item before it moves to the rollout DLQ (1–1000); a throttled
   * attempt counts too.
   * @default 10
   */
  readonly rolloutMaxReceiveCount?: number;
  /**
   * Age in seconds of the oldest waiting rollout item above which its alarm fires.
   * @default 3600
   */
  readonly rolloutAgeAlarmSeconds?: number;
  /** Regions where the deployer may act. */
  readonly regions: string[];
  /** Account that runs the services. */
  readonly accountId: string;
  /** AWS partition. */
  readonly partition: string;
  /**
   * The linked accounts, as the `LINKED_ACCOUNTS` variable gives them (JSON).
   * @default "[]" (none)
   */
  readonly linkedAccountsJson?: string;
  /**
   * Policy documents (JSON) that let the function assume the linked accounts' deploy roles.
   * @default []
   */
  readonly linkedPolicyDocuments?: string[];
}

/**
 * The ECR deployer: when a tagged image is pushed to ECR, the ECS services that opted in
 * to follow that repository and tag pattern roll to it (a new task-definition revision
 * that differs only in the image, then UpdateService).
 *
 * Two functions from one package: the push function (triggered by the push) finds the
 * services and plans, then puts one item per new revision on the rollout queue, a FIFO
 * queue with one message group per account and region; the rollout function consumes it,
 * registers and updates. Only the rollout function may change anything.
 */
export class EcrDeployer extends Construct {
  /** The push function and its supporting resources. */
  public readonly function: EventDrivenFunction;
  /** The rollout function, its queue and DLQ. */
  public readonly rollout: FifoQueueFunction;

  constructor(scope: Construct, id: string, props: EcrDeployerProps) {
    super(scope, id);
    checkEcrDeployerProps(props);
    const enabled = props.enabled ?? true;
    const name = props.functionName ?? DEFAULT_DEPLOYER_FUNCTION_NAME;
    const clusters = props.allowedClusters ?? [];
    const p = props.partition;
    const account = props.accountId;
    // Empty allowlist: every cluster of the account, in the allowed regions only.
    const clusterArns = Token.asList(
      Fn.conditional(
        isEmpty(clusters),
        [`arn:${p}:ecs:*:${account}:cluster/*`],
        Fn.formatlist("arn:%s:ecs:*:%s:cluster/%s", [p, account, clusters]),
      ),
    );
    const dryRun = props.dryRun ?? Defaults.DRY_RUN;
    const publishImages = props.publishImages ?? Defaults.PUBLISH_IMAGES;
    const parameterPath = props.imageParameterPath ?? Defaults.IMAGE_PARAMETER_PATH;

    // String parameters are not encrypted: no KMS grant (the function's key statement covers its own key).
    const publishPolicy = new DataAwsIamPolicyDocument(this, "publish_policy", {
      count: countOf(both(enabled, publishImages)),
      statement: [
        {
          sid: "PublishImagesOnlyUnderTheParameterPath",
          actions: ["ssm:GetParameter", "ssm:PutParameter"],
          resources: Fn.formatlist("arn:%s:ssm:%s:%s:parameter%s/*", [
            p,
            props.regions,
            account,
            parameterPath,
          ]),
        },
      ],
    });

    const passRole = new DataAwsIamPolicyDocument(this, "pass_role_policy", {
      count: countOf(both(enabled, not(isEmpty(props.passableRoleArns ?? [])))),
      statement: [passTaskRolesStatement(props.passableRoleArns ?? [])],
    });

    const deployScope: DeployScope = {
      partition: p,
      regions: props.regions,
      account,
      clusterArns,
    };
    const comparePushTimes: DataAwsIamPolicyDocumentStatement = {
      sid: "ComparePushTimesInOwnRepositories",
      actions: ["ecr:DescribeImages"],
      resources: Fn.formatlist("arn:%s:ecr:%s:%s:repository/*", [p, props.regions, account]),
    };
    const quotaShare = props.quotaShare ?? Defaults.QUOTA_SHARE;
    // Both functions get the same settings; each reads what it needs.
    const environment = {
      [EnvVar.ALLOWED_CLUSTERS]: Fn.join(",", clusters),
      [EnvVar.ALLOWED_REGIONS]: Fn.join(",", props.regions),
      [EnvVar.OPT_IN_TAG_KEY]: props.optInTagKey ?? Defaults.OPT_IN_TAG_KEY,
      [EnvVar.DEFAULT_TAG_PATTERN]: props.defaultTagPattern ?? Defaults.DEFAULT_TAG_PATTERN,
      [EnvVar.IMAGE_PIN]: props.imagePin ?? Defaults.IMAGE_PIN,
      [EnvVar.DRY_RUN]: toggleText(dryRun),
      [EnvVar.PUBLISH_IMAGES]: toggleText(publishImages),
      [EnvVar.IMAGE_PARAMETER_PATH]: parameterPath,
      [EnvVar.QUOTA_SHARE]: Token.isUnresolved(quotaShare)
        ? Token.asString(Fn.tostring(quotaShare))
        : String(quotaShare),
      [PowertoolsEnvVar.LOG_LEVEL]: props.logLevel ?? DEFAULT_LOG_LEVEL,
      [LINKED_ACCOUNTS_ENV_VAR]: props.linkedAccountsJson ?? "[]",
    };
    const common = commonFunctionProps(props);

    const rolloutName = `${name}${ROLLOUT_SUFFIX}`;
    this.rollout = new FifoQueueFunction(this, "rollout", {
      enabled,
      functionName: rolloutName,
      description:
        "Registers the revisions the ECR deployer planned and updates the services to them.",
      code: props.code,
      handler: Handler.ROLLOUT,
      environment: { ...environment, [PowertoolsEnvVar.SERVICE_NAME]: rolloutName },
      queueUrlVariable: EnvVar.ROLLOUT_QUEUE_URL,
      timeout: props.rolloutTimeout,
      batchSize: props.rolloutBatchSize,
      maximumConcurrency: props.rolloutMaximumConcurrency,
      maxReceiveCount: props.rolloutMaxReceiveCount,
      ageAlarmSeconds: props.rolloutAgeAlarmSeconds,
      statements: [...rolloutStatements(deployScope), comparePushTimes],
      sourcePolicyDocuments: Fn.concat([
        listExpr(`concat(${addressOf(passRole)}[*].json, ${addressOf(publishPolicy)}[*].json)`),
        props.linkedPolicyDocuments ?? [],
      ]),
      kmsKeyArn: common.kmsKeyArn,
      logRetentionInDays: common.logRetentionInDays,
      alarms: common.alarms,
      alarmActions: common.alarmActions,
      tags: common.tags,
    });

    this.function = new EventDrivenFunction(this, "Default", {
      enabled,
      functionName: name,
      description:
        "Plans the rollout of images pushed to ECR to the ECS services that follow the repository.",
      code: props.code,
      environment: {
        ...environment,
        [EnvVar.ROLLOUT_QUEUE_URL]: this.rollout.queueUrl,
        [PowertoolsEnvVar.SERVICE_NAME]: name,
      },
      eventPattern: deployerEventPattern(),
      ruleDescription: "Successful tagged pushes to ECR",
      reservedConcurrentExecutions:
        props.reservedConcurrentExecutions ?? DEFAULT_RESERVED_CONCURRENCY,
      timeout: 300,
      // It only reads and plans: registering, updating and publishing are the rollout's.
      statements: [
        ...discoveryStatements(deployScope),
        {
          sid: "ReadServicesInAllowedClustersAndRegions",
          actions: ["ecs:DescribeServices"],
          resources: servicesIn(deployScope),
          condition: [{ test: "ArnLike", variable: "ecs:cluster", values: clusterArns }],
        },
        {
          sid: "DescribeTaskDefinitionHasNoResourceType",
          actions: ["ecs:DescribeTaskDefinition"],
          resources: ["*"],
        },
        comparePushTimes,
        {
          sid: "SendRolloutItemsToOwnQueue",
          actions: ["sqs:SendMessage"],
          resources: [this.rollout.queueArn],
        },
      ],
      // Discovery in linked accounts goes through their deploy roles.
      sourcePolicyDocuments: props.linkedPolicyDocuments ?? [],
      ...common,
    });

    // A service whose task definition cannot be read is skipped and counted, not failed.
    new CloudwatchMetricAlarm(this, "unreadable_task_definitions_alarm", {
      ...firstOccurrence(
        countOf(both(enabled, props.alarms ?? false)),
        props.alarmActions,
        common.tags ?? {},
      ),
      alarmName: `${name}-unreadable-task-definitions`,
      alarmDescription: `${name} could not read the task definition of an opted-in service in 5 minutes and skipped the service; its log names it (or run ecs-deployments doctor).`,
      namespace: Metric.NAMESPACE,
      metricName: Metric.UNREADABLE_TASK_DEFINITIONS,
      dimensions: { [Metric.SERVICE_DIMENSION]: this.function.functionName },
      statistic: "Sum",
    });
  }
}

/** A toggle as the text of an environment variable: `true` or `false`. */
function toggleText(toggle: Toggle): string {
  return typeof toggle === "boolean" ? String(toggle) : Token.asString(Fn.tostring(toggle));
}
