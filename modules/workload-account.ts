import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Fn, Op, TerraformIterator, TerraformLocal, type TerraformVariable, Token } from "cdktf";
import { Construct } from "constructs";
import {
  DEFAULT_NAME_PREFIX,
  FORWARDING_RULE_SUFFIX,
  WorkloadRoleSuffix,
} from "../functions/shared/contract.js";
import {
  EVENT_BUS_ARN,
  EXTERNAL_ID,
  EXTERNAL_ID_MAX_LENGTH,
  IAM_ROLE_ARN,
  ORGANIZATION_ID,
} from "../functions/shared/grammar.js";
import {
  discoveryStatements,
  passTaskRolesStatement,
  rolloutStatements,
} from "./deploy-statements.js";
import { trackerEventPattern } from "./patterns.js";
import { serviceRole } from "./service-role.js";
import {
  addressOf,
  attr,
  both,
  countOf,
  declareOutput,
  declareVariable,
  expr,
  isEmpty,
  listExpr,
  ModuleStack,
  not,
  type Toggle,
} from "./terraform.js";
import { checkEach, checkPattern, InvalidPropError, PATTERNS } from "./validation.js";
import {
  WORKLOAD_ACCOUNT_OUTPUTS,
  WORKLOAD_ACCOUNT_VARIABLES,
  type WorkloadAccountOutputMember,
  type WorkloadAccountVariableProp,
} from "./workload-account-variables.js";

/**
 * The options of {@link WorkloadAccount}: one per variable of the published
 * `modules/workload-account` Terraform module (camelCase here, snake_case there). Each takes
 * a literal or a token; literals are checked when the construct is created.
 */
export interface WorkloadAccountProps {
  /**
   * The prefix of the names of the roles, rules and policies created here; use the central
   * module's `name_prefix`, so that its default role names match.
   * @default "ecs-deployments"
   */
  readonly namePrefix?: string;
  /**
   * The ARN of the central account's default event bus (the central module's output
   * `event_bus_arn`).
   */
  readonly centralEventBusArn: string;
  /**
   * Further regions of this account whose ECS deployment events are forwarded (the
   * provider's region always is), and where the deploy role may act.
   * @default []
   */
  readonly regions?: string[];
  /**
   * Whether to create the rules that forward this account's `ECS Deployment State Change`
   * events to the central bus, and their role.
   * @default true
   */
  readonly createEventForwarding?: Toggle;
  /**
   * Whether to create the read role the central tracker assumes.
   * @default true
   */
  readonly createReadRole?: Toggle;
  /**
   * The ARN of the central tracker's execution role (the central module's output
   * `tracker_role_arn`); required when `createReadRole` is true.
   * @default - none
   */
  readonly trackerRoleArn?: string;
  /**
   * Whether to create the deploy role the central deployer's functions assume.
   * @default true
   */
  readonly createDeployRole?: Toggle;
  /**
   * ARNs of the central deployer's execution roles (its push and rollout functions); at
   * least one when `createDeployRole` is true.
   * @default []
   */
  readonly deployerRoleArns?: string[];
  /**
   * The ExternalId the central functions must present to assume the roles.
   * @default - none; then `organizationId` is required
   */
  readonly externalId?: string;
  /**
   * The AWS Organizations id the central functions' account must belong to.
   * @default - none; then `externalId` is required
   */
  readonly organizationId?: string;
  /**
   * Names of the ECS clusters of this account whose services the deploy role may update.
   * @default [] (every cluster in the regions)
   */
  readonly deployerAllowedClusters?: string[];
  /**
   * ARNs of the task and execution roles of this account the deploy role may pass to ECS.
   * @default []
   */
  readonly deployerPassableRoleArns?: string[];
  /**
   * Further account ids whose ECR repositories the read role may read image digests from
   * (this account's always).
   * @default []
   */
  readonly readEcrAccountIds?: string[];
  /**
   * Tags added to every resource.
   * @default {}
   */
  readonly tags?: Record<string, string>;
}

// Every prop is a variable and every variable a prop (checked by tsc).
const EVERY_PROP_IS_A_VARIABLE: Record<keyof WorkloadAccountProps, unknown> =
  WORKLOAD_ACCOUNT_VARIABLES;
const EVERY_VARIABLE_IS_A_PROP: Record<WorkloadAccountVariableProp, unknown> =
  {} as Required<WorkloadAccountProps>;
void EVERY_PROP_IS_A_VARIABLE;
void EVERY_VARIABLE_IS_A_PROP;

function known(value: unknown): boolean {
  return value !== undefined && !Token.isUnresolved(value);
}

/** Checks the literal props (tokens are checked by the module's variable validations). */
export function checkWorkloadAccountProps(props: WorkloadAccountProps): void {
  checkPattern(
    "namePrefix",
    props.namePrefix,
    PATTERNS.namePrefix,
    "1-32 letters, digits, '-' or '_'",
  );
  checkPattern(
    "centralEventBusArn",
    props.centralEventBusArn,
    EVENT_BUS_ARN,
    "an event bus ARN (arn:aws:events:<region>:<account>:event-bus/default)",
  );
  checkEach("regions", props.regions, PATTERNS.region, "an AWS region such as eu-west-1");
  checkPattern("trackerRoleArn", props.trackerRoleArn, IAM_ROLE_ARN, "an IAM role ARN");
  checkEach("deployerRoleArns", props.deployerRoleArns, IAM_ROLE_ARN, "an IAM role ARN");
  checkPattern("externalId", props.externalId, EXTERNAL_ID, "2-1224 letters, digits or _+=,.@:/-");
  if (known(props.externalId) && (props.externalId as string).length > EXTERNAL_ID_MAX_LENGTH) {
    throw new InvalidPropError(
      `externalId must be at most ${EXTERNAL_ID_MAX_LENGTH} characters, got ${(props.externalId as string).length}`,
    );
  }
  checkPattern("organizationId", props.organizationId, ORGANIZATION_ID, "an organization id (o-…)");
  checkEach(
    "deployerAllowedClusters",
    props.deployerAllowedClusters,
    PATTERNS.clusterName,
    "a cluster name, not an ARN",
  );
  checkEach(
    "deployerPassableRoleArns",
    props.deployerPassableRoleArns,
    IAM_ROLE_ARN,
    "an IAM role ARN",
  );
  checkEach(
    "readEcrAccountIds",
    props.readEcrAccountIds,
    PATTERNS.accountId,
    "a 12-digit account id",
  );
  if (props.externalId === undefined && props.organizationId === undefined) {
    throw new InvalidPropError(
      "externalId or organizationId is required: the roles trust the central functions only with one of them",
    );
  }
  if ((props.createReadRole ?? true) === true && props.trackerRoleArn === undefined) {
    throw new InvalidPropError("trackerRoleArn is required when createReadRole is true");
  }
  if (
    (props.createDeployRole ?? true) === true &&
    known(props.deployerRoleArns) &&
    (props.deployerRoleArns ?? []).length === 0
  ) {
    throw new InvalidPropError(
      "deployerRoleArns needs at least one role ARN when createDeployRole is true",
    );
  }
}

/**
 * A condition of a trust statement that exists only when its value is set: decided at synth
 * time for a literal, by a Terraform conditional for a token.
 */
function optionalCondition(value: string | undefined, test: string, variable: string): unknown {
  const condition = { test, variable, values: [value] };
  if (value === undefined) return [];
  if (!Token.isUnresolved(value)) return [condition];
  return Fn.conditional(Op.eq(value, Token.nullValue()), [], [condition]);
}

/** Properties of {@link assumableRole}. */
interface AssumableRoleProps {
  readonly count: number;
  readonly name: string;
  readonly description: string;
  readonly trustSid: string;
  /** The central roles allowed in: their accounts are the principals, their ARNs the condition. */
  readonly principalRoleArns: string[];
  readonly partition: string;
  readonly externalId?: string;
  readonly organizationId?: string;
  readonly statements: DataAwsIamPolicyDocumentStatement[];
  readonly sourcePolicyDocuments?: string[];
  readonly tags: Record<string, string>;
}

/**
 * A role the central functions assume from their account, as four resources in `scope`:
 * `assume_role` and `policy` documents, `role` and `role_policy`.
 *
 * The trust names the central account as principal and the functions' role ARNs in an
 * `aws:PrincipalArn` condition, rather than the role ARNs as principals: IAM turns a role
 * principal into the role's unique id, so a central role recreated under the same name would
 * silently lose access, and a role principal must exist before this policy can be written.
 * ExternalId and organization conditions are added when given.
 */
function assumableRole(
  scope: Construct,
  props: AssumableRoleProps,
): { role: IamRole; trustPolicy: string } {
  const { count } = props;
  // The central accounts: the account field of each role ARN.
  const accounts = Fn.distinct(
    Fn.flatten(Fn.regexall(":iam::([0-9]{12}):role/", Fn.join(" ", props.principalRoleArns))),
  );
  const conditions = Fn.concat([
    optionalCondition(props.externalId, "StringEquals", "sts:ExternalId"),
    optionalCondition(props.organizationId, "StringEquals", "aws:PrincipalOrgID"),
  ]);
  const assume = new DataAwsIamPolicyDocument(scope, "assume_role", { count });
  // The whole statement as Terraform JSON: its ExternalId and organization conditions are a
  // dynamic block, present only for the values given.
  assume.addOverride("statement", [
    {
      sid: props.trustSid,
      effect: "Allow",
      actions: ["sts:AssumeRole"],
      principals: [
        {
          type: "AWS",
          identifiers: Fn.formatlist("arn:%s:iam::%s:root", [props.partition, accounts]),
        },
      ],
      condition: [
        { test: "ArnEquals", variable: "aws:PrincipalArn", values: props.principalRoleArns },
      ],
      dynamic: {
        condition: {
          for_each: conditions,
          content: {
            test: "${condition.value.test}",
            variable: "${condition.value.variable}",
            values: "${condition.value.values}",
          },
        },
      },
    },
  ]);
  const role = new IamRole(scope, "role", {
    count,
    name: props.name,
    description: props.description,
    assumeRolePolicy: attr(assume, "json"),
    tags: props.tags,
  });
  const policy = new DataAwsIamPolicyDocument(scope, "policy", {
    count,
    sourcePolicyDocuments: props.sourcePolicyDocuments,
    statement: props.statements,
  });
  new IamRolePolicy(scope, "role_policy", {
    count,
    name: props.name,
    role: attr(role, "id"),
    policy: attr(policy, "json"),
  });
  return { role, trustPolicy: attr(assume, "json") };
}

/**
 * What one workload account needs so that the central ecs-deployments functions can work
 * with its services: rules that forward its ECS deployment events to the central bus (per
 * region, with provider 6's `region` argument), a read role for the central tracker and a
 * deploy role for the central deployer, both trusted only by the central functions' roles
 * with an ExternalId and/or organization condition.
 *
 * Put it in a stack whose `AwsProvider` is in the workload account.
 */
export class WorkloadAccount
  extends Construct
  implements Record<WorkloadAccountOutputMember, string>
{
  /** The ARN of the read role (null when `createReadRole` is false). */
  public readonly readRoleArn: string;
  /** The ARN of the deploy role (null when `createDeployRole` is false). */
  public readonly deployRoleArn: string;
  /** The read role's trust policy, JSON (null when `createReadRole` is false). */
  public readonly readRoleTrustPolicy: string;
  /** The deploy role's trust policy, JSON (null when `createDeployRole` is false). */
  public readonly deployRoleTrustPolicy: string;
  /** The ARN of the event-forwarding role (null when `createEventForwarding` is false). */
  public readonly eventForwardingRoleArn: string;
  /** The ARNs of the forwarding rules, by region (empty when `createEventForwarding` is false). */
  public readonly forwardingRuleArns: string;

  constructor(scope: Construct, id: string, props: WorkloadAccountProps) {
    super(scope, id);
    checkWorkloadAccountProps(props);
    const namePrefix = props.namePrefix ?? DEFAULT_NAME_PREFIX;
    const tags = props.tags ?? {};
    const createForwarding = props.createEventForwarding ?? true;
    const createRead = props.createReadRole ?? true;
    const createDeploy = props.createDeployRole ?? true;

    const partition = new DataAwsPartition(this, "current_partition", {});
    const account = new DataAwsCallerIdentity(this, "current_account", {});
    const region = new DataAwsRegion(this, "current_region", {});
    const p = partition.partition;
    const accountId = account.accountId;
    const regions = new TerraformLocal(
      this,
      "regions",
      Fn.distinct(Fn.concat([[region.region], props.regions ?? []])),
    );

    // ---- Forwarding: one rule per region, to the central default bus.
    const forwarding = serviceRole(new Construct(this, "event_forwarding"), {
      count: countOf(createForwarding),
      name: `${namePrefix}-event-forwarding`,
      description: "Forwards this account's ECS deployment events to the central event bus",
      service: "events.amazonaws.com",
      trustSid: "EventBridgeAssumesRole",
      statements: [
        {
          sid: "PutEventsOnCentralBusOnly",
          actions: ["events:PutEvents"],
          resources: [props.centralEventBusArn],
        },
      ],
      tags,
    });
    const forwardRegions = TerraformIterator.fromList(
      typeof createForwarding === "boolean"
        ? createForwarding
          ? regions.asList
          : []
        : Token.asList(Fn.conditional(createForwarding, regions.asList, [])),
    );
    const pattern = trackerEventPattern(true);
    const rule = new CloudwatchEventRule(this, "forward_rule", {
      forEach: forwardRegions,
      region: forwardRegions.value,
      name: `${namePrefix}${FORWARDING_RULE_SUFFIX}`,
      description: "Forwards finished ECS service deployments to the central ecs-deployments bus",
      eventPattern: pattern,
      tags,
    });
    new CloudwatchEventTarget(this, "forward_target", {
      forEach: forwardRegions,
      region: forwardRegions.value,
      rule: `\${${addressOf(rule)}[each.key].name}`,
      targetId: "central-event-bus",
      arn: props.centralEventBusArn,
      roleArn: attr(forwarding.role, "arn"),
      // A target's DLQ must be in the rule's region; EventBridge retries for 24 hours.
      retryPolicy: { maximumEventAgeInSeconds: 86_400, maximumRetryAttempts: 185 },
    });

    const trust = {
      partition: p,
      externalId: props.externalId,
      organizationId: props.organizationId,
      tags,
    };

    // ---- Read role: what the tracker reads of a deployment.
    const ecrAccounts = Fn.distinct(Fn.concat([[accountId], props.readEcrAccountIds ?? []]));
    const read = assumableRole(new Construct(this, "read"), {
      ...trust,
      count: countOf(createRead),
      name: `${namePrefix}${WorkloadRoleSuffix.READ}`,
      description:
        "Lets the central ecs-deployments tracker read this account's ECS deployments and image digests",
      trustSid: "CentralTrackerAssumesRole",
      principalRoleArns: props.trackerRoleArn === undefined ? [] : [props.trackerRoleArn],
      statements: [
        {
          sid: "ReadServicesAndTheirDeployments",
          actions: ["ecs:DescribeServices", "ecs:ListServiceDeployments"],
          resources: Fn.formatlist("arn:%s:ecs:%s:%s:service/*", [p, regions.asList, accountId]),
        },
        {
          sid: "ReadServiceRevisions",
          actions: ["ecs:DescribeServiceRevisions"],
          resources: Fn.formatlist("arn:%s:ecs:%s:%s:service-revision/*", [
            p,
            regions.asList,
            accountId,
          ]),
        },
        {
          sid: "DescribeTaskDefinitionHasNoResourceType",
          actions: ["ecs:DescribeTaskDefinition"],
          resources: ["*"],
        },
        {
          sid: "ReadImageDigestsInAllowedAccounts",
          actions: ["ecr:BatchGetImage"],
          resources: Fn.formatlist("arn:%s:ecr:*:%s:repository/*", [p, ecrAccounts]),
        },
      ],
    });

    // ---- Deploy role: what the deployer's push and rollout functions do here.
    const clusters = props.deployerAllowedClusters ?? [];
    const clusterArns = Token.asList(
      Fn.conditional(
        isEmpty(clusters),
        [`arn:${p}:ecs:*:${accountId}:cluster/*`],
        Fn.formatlist("arn:%s:ecs:*:%s:cluster/%s", [p, accountId, clusters]),
      ),
    );
    const passable = props.deployerPassableRoleArns ?? [];
    const passRole = new DataAwsIamPolicyDocument(this, "pass_role_policy", {
      count: countOf(both(createDeploy, not(isEmpty(passable)))),
      statement: [passTaskRolesStatement(passable)],
    });
    const deployScope = { partition: p, regions: regions.asList, account: accountId, clusterArns };
    const deploy = assumableRole(new Construct(this, "deploy"), {
      ...trust,
      count: countOf(createDeploy),
      name: `${namePrefix}${WorkloadRoleSuffix.DEPLOY}`,
      description:
        "Lets the central ecs-deployments deployer roll pushed images out to this account's services",
      trustSid: "CentralDeployerAssumesRole",
      principalRoleArns: props.deployerRoleArns ?? [],
      // The push function discovers and the rollout function rolls out through this role.
      statements: [...discoveryStatements(deployScope), ...rolloutStatements(deployScope)],
      sourcePolicyDocuments: listExpr(`${addressOf(passRole)}[*].json`),
    });

    this.readRoleArn = attr(read.role, "arn");
    this.deployRoleArn = attr(deploy.role, "arn");
    this.readRoleTrustPolicy = read.trustPolicy;
    this.deployRoleTrustPolicy = deploy.trustPolicy;
    this.eventForwardingRoleArn = attr(forwarding.role, "arn");
    this.forwardingRuleArns = expr(
      `{ for region, rule in ${addressOf(rule)} : region => rule.arn }`,
    );
  }
}

/** A variable's value as the token its prop takes. */
function tokenOf(variable: TerraformVariable): unknown {
  switch (variable.type) {
    case "string":
      return variable.stringValue;
    case "bool":
      return variable.booleanValue;
    case "list(string)":
      return variable.listValue;
    default:
      return Token.asStringMap(variable.value);
  }
}

/**
 * The publishable `modules/workload-account` module: its variables, each passed as a token
 * to {@link WorkloadAccount}, and its outputs. Every choice is a Terraform variable.
 */
export class WorkloadAccountModule extends ModuleStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const props = Object.fromEntries(
      Object.entries(WORKLOAD_ACCOUNT_VARIABLES).map(([prop, spec]) => [
        prop,
        tokenOf(declareVariable(this, spec)),
      ]),
    ) as unknown as WorkloadAccountProps;
    const workload = new WorkloadAccount(this, "Default", props);
    for (const [member, spec] of Object.entries(WORKLOAD_ACCOUNT_OUTPUTS)) {
      declareOutput(this, spec, workload[member as WorkloadAccountOutputMember]);
    }
  }
}
