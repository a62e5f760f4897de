/**
 * The inputs and outputs of the published `modules/workload-account` module, as data: one
 * entry per Terraform variable, keyed by the `WorkloadAccount` prop it feeds, and one per
 * output, keyed by the member whose value it gives.
 */
import { DEFAULT_NAME_PREFIX, WorkloadRoleSuffix } from "../functions/shared/contract.js";
import {
  EVENT_BUS_ARN,
  EXTERNAL_ID,
  EXTERNAL_ID_MAX_LENGTH,
  IAM_ROLE_ARN,
  ORGANIZATION_ID,
} from "../functions/shared/grammar.js";
import { type OutputSpec, Rule, type VariableSpec } from "./terraform.js";
import { PATTERNS } from "./validation.js";

export const WORKLOAD_ACCOUNT_VARIABLES = {
  namePrefix: {
    name: "name_prefix",
    type: "string",
    description: `The prefix of the names of the roles, rules and policies created here (roles <name_prefix>${WorkloadRoleSuffix.READ} and <name_prefix>${WorkloadRoleSuffix.DEPLOY}). Use the central module's name_prefix, so that its default role names match.`,
    default: DEFAULT_NAME_PREFIX,
    validation: [
      {
        condition: Rule.matches(PATTERNS.namePrefix),
        errorMessage: "The name_prefix must be 1-32 characters of letters, digits, '-' and '_'.",
      },
    ],
  },
  centralEventBusArn: {
    name: "central_event_bus_arn",
    type: "string",
    description:
      "The ARN of the central account's default event bus, where this account's deployment events go (the central module's output event_bus_arn).",
    default: null,
    validation: [
      {
        condition: (ref) => `${ref} != null && ${Rule.matches(EVENT_BUS_ARN)(ref)}`,
        errorMessage:
          "The central_event_bus_arn is required: the ARN of the central account's default event bus (arn:aws:events:<region>:<account>:event-bus/default).",
      },
    ],
  },
  regions: {
    name: "regions",
    type: "list(string)",
    description:
      "List of further regions of this account whose ECS deployment events are forwarded (the provider's region always is); the deploy role may act in these and the provider's region only.",
    default: [],
    validation: [
      {
        condition: Rule.eachMatches("r", PATTERNS.region),
        errorMessage: "Each entry of regions must be an AWS region name such as eu-west-1.",
      },
    ],
  },
  createEventForwarding: {
    name: "create_event_forwarding",
    type: "bool",
    description:
      "Whether to create the rules that forward this account's ECS deployment events to the central bus, and their role.",
    default: true,
  },
  createReadRole: {
    name: "create_read_role",
    type: "bool",
    description: "Whether to create the read role the central deployment tracker assumes.",
    default: true,
  },
  trackerRoleArn: {
    name: "tracker_role_arn",
    type: "string",
    description:
      "The ARN of the central deployment tracker's execution role (the central module's output tracker_role_arn): the only role the read role trusts.",
    default: null,
    validation: [
      {
        condition: Rule.nullOrMatches(IAM_ROLE_ARN),
        errorMessage:
          "The tracker_role_arn must be an IAM role ARN (arn:aws:iam::<account>:role/<name>).",
      },
      {
        condition: (ref) => `!var.create_read_role || ${ref} != null`,
        errorMessage: "The tracker_role_arn is required when create_read_role is true.",
      },
    ],
  },
  createDeployRole: {
    name: "create_deploy_role",
    type: "bool",
    description: "Whether to create the deploy role the central deployer's functions assume.",
    default: true,
  },
  deployerRoleArns: {
    name: "deployer_role_arns",
    type: "list(string)",
    description:
      "List of ARNs of the central deployer's execution roles (its push and rollout functions): the only roles the deploy role trusts.",
    default: [],
    validation: [
      {
        condition: Rule.eachMatches("r", IAM_ROLE_ARN),
        errorMessage: "Each entry of deployer_role_arns must be an IAM role ARN.",
      },
      {
        condition: (ref) => `!var.create_deploy_role || length(${ref}) > 0`,
        errorMessage:
          "The deployer_role_arns needs at least one role ARN when create_deploy_role is true.",
      },
    ],
  },
  externalId: {
    name: "external_id",
    type: "string",
    description:
      "The ExternalId the central functions must present to assume the roles (the central module's linked_accounts entry gives them the same). Null requires organization_id.",
    default: null,
    validation: [
      {
        condition: (ref) =>
          `${ref} == null ? true : ${Rule.matches(EXTERNAL_ID)(ref)} && length(${ref}) <= ${EXTERNAL_ID_MAX_LENGTH}`,
        errorMessage: "The external_id must be 2-1224 characters of letters, digits and _+=,.@:/-.",
      },
      {
        condition: (ref) => `${ref} != null || var.organization_id != null`,
        errorMessage:
          "Set external_id, organization_id or both: the roles trust the central functions only with one of these conditions.",
      },
    ],
  },
  organizationId: {
    name: "organization_id",
    type: "string",
    description:
      "The AWS Organizations id (o-...) the central functions' account must belong to (aws:PrincipalOrgID). Null requires external_id.",
    default: null,
    validation: [
      {
        condition: Rule.nullOrMatches(ORGANIZATION_ID),
        errorMessage: "The organization_id must be an organization id such as o-a1b2c3d4e5.",
      },
    ],
  },
  deployerAllowedClusters: {
    name: "deployer_allowed_clusters",
    type: "list(string)",
    description:
      "List of names of this account's ECS clusters whose services the deploy role may update. Empty allows every cluster in the regions.",
    default: [],
    validation: [
      {
        condition: Rule.eachMatches("c", PATTERNS.clusterName),
        errorMessage:
          "Each entry of deployer_allowed_clusters must be a cluster name (letters, digits, '-', '_'), not an ARN.",
      },
    ],
  },
  deployerPassableRoleArns: {
    name: "deployer_passable_role_arns",
    type: "list(string)",
    description:
      "List of ARNs of this account's task and execution roles the deploy role may pass to ECS when it registers a new revision.",
    default: [],
    validation: [
      {
        condition: Rule.eachMatches("r", IAM_ROLE_ARN),
        errorMessage: "Each entry of deployer_passable_role_arns must be an IAM role ARN.",
      },
    ],
  },
  readEcrAccountIds: {
    name: "read_ecr_account_ids",
    type: "list(string)",
    description:
      "List of further AWS account IDs whose ECR repositories the read role may read image digests from (this account's always). Images in the central account's registry are read by the tracker itself.",
    default: [],
    validation: [
      {
        condition: Rule.eachMatches("a", PATTERNS.accountId),
        errorMessage: "Each entry of read_ecr_account_ids must be a 12-digit AWS account ID.",
      },
    ],
  },
  tags: {
    name: "tags",
    type: "map(string)",
    description: "Map of tags added to every resource.",
    default: {},
  },
} as const satisfies Record<string, VariableSpec>;

/** The prop each variable feeds. */
export type WorkloadAccountVariableProp = keyof typeof WORKLOAD_ACCOUNT_VARIABLES;

export const WORKLOAD_ACCOUNT_OUTPUTS = {
  readRoleArn: {
    name: "read_role_arn",
    description: "The ARN of the role the central tracker assumes",
    nullWhen: "create_read_role is false",
  },
  deployRoleArn: {
    name: "deploy_role_arn",
    description: "The ARN of the role the central deployer's functions assume",
    nullWhen: "create_deploy_role is false",
  },
  readRoleTrustPolicy: {
    name: "read_role_trust_policy",
    description: "The read role's trust policy (JSON), to review who may assume it",
    nullWhen: "create_read_role is false",
  },
  deployRoleTrustPolicy: {
    name: "deploy_role_trust_policy",
    description: "The deploy role's trust policy (JSON), to review who may assume it",
    nullWhen: "create_deploy_role is false",
  },
  eventForwardingRoleArn: {
    name: "event_forwarding_role_arn",
    description: "The ARN of the role EventBridge uses to forward events to the central bus",
    nullWhen: "create_event_forwarding is false",
  },
  forwardingRuleArns: {
    name: "forwarding_rule_arns",
    description:
      "Map of region to the ARN of the rule that forwards that region's deployment events (empty when create_event_forwarding is false)",
  },
} as const satisfies Record<string, OutputSpec>;

/** The construct member each output gives. */
export type WorkloadAccountOutputMember = keyof typeof WORKLOAD_ACCOUNT_OUTPUTS;
