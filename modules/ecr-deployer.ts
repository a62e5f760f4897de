import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { Fn, Token } from "cdktf";
import { Construct } from "constructs";
import { Defaults, EnvVar, NAME_SUFFIX } from "../functions/ecr-deployer/contract.js";
import {
  DEFAULT_LOG_LEVEL,
  LINKED_ACCOUNTS_ENV_VAR,
  PowertoolsEnvVar,
} from "../functions/shared/contract.js";
import {
  commonFunctionProps,
  EventDrivenFunction,
  type FunctionCommonProps,
  type LambdaCode,
} from "./event-driven-function.js";
import { deployerEventPattern } from "./patterns.js";
import { addressOf, both, countOf, isEmpty, listExpr, not, type Toggle } from "./terraform.js";
import { checkEcrDeployerProps } from "./validation.js";

/**
 * The deployer's reserved concurrency when nothing is said: 1 keeps two pushes from
 * racing to register revisions of the same task definition.
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
   * Reserved concurrency; 1 keeps two pushes from racing on the same task definition.
   * -1 means unreserved (for accounts whose concurrency quota is too small to reserve).
   * @default 1
   */
  readonly reservedConcurrentExecutions?: number;
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
 */
export class EcrDeployer extends Construct {
  /** The deployer function and its supporting resources. */
  public readonly function: EventDrivenFunction;

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
      statement: [
        {
          sid: "PassOnlyListedTaskRolesToEcsTasks",
          actions: ["iam:PassRole"],
          resources: props.passableRoleArns ?? [],
          condition: [
            {
              test: "StringEquals",
              variable: "iam:PassedToService",
              values: ["ecs-tasks.amazonaws.com"],
            },
          ],
        },
      ],
    });

    this.function = new EventDrivenFunction(this, "Default", {
      enabled,
      functionName: name,
      description: "Rolls images pushed to ECR out to the ECS services that follow the repository.",
      code: props.code,
      environment: {
        [EnvVar.ALLOWED_CLUSTERS]: Fn.join(",", clusters),
        [EnvVar.ALLOWED_REGIONS]: Fn.join(",", props.regions),
        [EnvVar.OPT_IN_TAG_KEY]: props.optInTagKey ?? Defaults.OPT_IN_TAG_KEY,
        [EnvVar.DEFAULT_TAG_PATTERN]: props.defaultTagPattern ?? Defaults.DEFAULT_TAG_PATTERN,
        [EnvVar.IMAGE_PIN]: props.imagePin ?? Defaults.IMAGE_PIN,
        [EnvVar.DRY_RUN]:
          typeof dryRun === "boolean" ? String(dryRun) : Token.asString(Fn.tostring(dryRun)),
        [EnvVar.PUBLISH_IMAGES]:
          typeof publishImages === "boolean"
            ? String(publishImages)
            : Token.asString(Fn.tostring(publishImages)),
        [EnvVar.IMAGE_PARAMETER_PATH]: parameterPath,
        [PowertoolsEnvVar.SERVICE_NAME]: name,
        [PowertoolsEnvVar.LOG_LEVEL]: props.logLevel ?? DEFAULT_LOG_LEVEL,
        [LINKED_ACCOUNTS_ENV_VAR]: props.linkedAccountsJson ?? "[]",
      },
      eventPattern: deployerEventPattern(),
      ruleDescription: "Successful tagged pushes to ECR",
      reservedConcurrentExecutions:
        props.reservedConcurrentExecutions ?? DEFAULT_RESERVED_CONCURRENCY,
      timeout: 300,
      statements: [
        {
          sid: "ListCallsHaveNoResourceType",
          actions: ["ecs:ListClusters"],
          resources: ["*"],
        },
        {
          sid: "ListServicesHasNoResourceTypeScopedByCluster",
          actions: ["ecs:ListServices"],
          resources: ["*"],
          condition: [{ test: "ArnLike", variable: "ecs:cluster", values: clusterArns }],
        },
        {
          sid: "ReadAndUpdateServicesInAllowedClustersAndRegions",
          actions: ["ecs:DescribeServices", "ecs:UpdateService"],
          resources: Fn.formatlist("arn:%s:ecs:%s:%s:service/*", [p, props.regions, account]),
          condition: [{ test: "ArnLike", variable: "ecs:cluster", values: clusterArns }],
        },
        {
          sid: "TaskDefinitionCallsHaveNoResourceType",
          actions: ["ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition"],
          resources: ["*"],
        },
        {
          sid: "KeepTagsOnNewRevisions",
          actions: ["ecs:TagResource"],
          resources: Fn.formatlist("arn:%s:ecs:%s:%s:task-definition/*", [
            p,
            props.regions,
            account,
          ]),
          condition: [
            {
              test: "StringEquals",
              variable: "ecs:CreateAction",
              values: ["RegisterTaskDefinition"],
            },
          ],
        },
        {
          sid: "ComparePushTimesInOwnRepositories",
          actions: ["ecr:DescribeImages"],
          resources: Fn.formatlist("arn:%s:ecr:%s:%s:repository/*", [p, props.regions, account]),
        },
      ],
      sourcePolicyDocuments: Fn.concat([
        listExpr(`concat(${addressOf(passRole)}[*].json, ${addressOf(publishPolicy)}[*].json)`),
        props.linkedPolicyDocuments ?? [],
      ]),
      ...commonFunctionProps(props),
    });
  }
}
