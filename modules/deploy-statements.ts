/**
 * The IAM statements of rolling images out to ECS services, in one place: the central
 * deployer's own roles and a workload account's deploy role grant the same calls on the
 * same resources, so a call the deployer starts making is granted everywhere at once.
 */
import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { Fn } from "cdktf";

/** Where the statements apply: the account, its partition and regions, the allowed clusters. */
export interface DeployScope {
  readonly partition: string;
  readonly regions: string[];
  readonly account: string;
  /** ARNs (patterns) of the clusters the deployer may touch. */
  readonly clusterArns: string[];
}

/** `ecs:cluster` is one of the allowed clusters. */
function inAllowedClusters(scope: DeployScope): DataAwsIamPolicyDocumentStatement["condition"] {
  return [{ test: "ArnLike", variable: "ecs:cluster", values: scope.clusterArns }];
}

/** Service ARNs of the scope's regions and account (the clusters are the condition's). */
export function servicesIn(scope: DeployScope): string[] {
  return Fn.formatlist("arn:%s:ecs:%s:%s:service/*", [
    scope.partition,
    scope.regions,
    scope.account,
  ]);
}

/** Finding the services: ListClusters, and ListServices in the allowed clusters. */
export function discoveryStatements(scope: DeployScope): DataAwsIamPolicyDocumentStatement[] {
  return [
    {
      sid: "ListCallsHaveNoResourceType",
      actions: ["ecs:ListClusters"],
      resources: ["*"],
    },
    {
      sid: "ListServicesHasNoResourceTypeScopedByCluster",
      actions: ["ecs:ListServices"],
      resources: ["*"],
      condition: inAllowedClusters(scope),
    },
  ];
}

/**
 * Rolling out: reading and updating the services of the allowed clusters, registering
 * revisions, and tagging them while they are registered.
 */
export function rolloutStatements(scope: DeployScope): DataAwsIamPolicyDocumentStatement[] {
  return [
    {
      sid: "ReadAndUpdateServicesInAllowedClustersAndRegions",
      actions: ["ecs:DescribeServices", "ecs:UpdateService"],
      resources: servicesIn(scope),
      condition: inAllowedClusters(scope),
    },
    {
      // ListTaskDefinitions finds a revision an interrupted attempt registered already.
      sid: "TaskDefinitionCallsHaveNoResourceType",
      actions: [
        "ecs:DescribeTaskDefinition",
        "ecs:ListTaskDefinitions",
        "ecs:RegisterTaskDefinition",
      ],
      resources: ["*"],
    },
    {
      sid: "KeepTagsOnNewRevisions",
      actions: ["ecs:TagResource"],
      resources: Fn.formatlist("arn:%s:ecs:%s:%s:task-definition/*", [
        scope.partition,
        scope.regions,
        scope.account,
      ]),
      condition: [
        {
          test: "StringEquals",
          variable: "ecs:CreateAction",
          values: ["RegisterTaskDefinition"],
        },
      ],
    },
  ];
}

/** iam:PassRole of the listed task roles, to ECS tasks only. */
export function passTaskRolesStatement(roleArns: string[]): DataAwsIamPolicyDocumentStatement {
  return {
    sid: "PassOnlyListedTaskRolesToEcsTasks",
    actions: ["iam:PassRole"],
    resources: roleArns,
    condition: [
      {
        test: "StringEquals",
        variable: "iam:PassedToService",
        values: ["ecs-tasks.amazonaws.com"],
      },
    ],
  };
}
