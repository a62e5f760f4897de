# The workload-account sub-module (modules/workload-account), planned on its own: event
# forwarding to the central bus per region, and the read and deploy roles that only the
# central functions may assume, with an ExternalId and/or organization condition.

mock_provider "aws" {
  # Shared mock data and overrides: tests/mocks/aws/module.tfmock.hcl.
  source = "./tests/mocks/aws"
}

# Known role ARNs during plan, so outputs can be compared with them.
override_resource {
  target          = aws_iam_role.read_role
  override_during = plan
  values = {
    arn = "arn:aws:iam::123456789012:role/platform-read"
  }
}

override_resource {
  target          = aws_iam_role.deploy_role
  override_during = plan
  values = {
    arn = "arn:aws:iam::123456789012:role/platform-deploy"
  }
}

variables {
  central_event_bus_arn = "arn:aws:events:eu-west-1:111111111111:event-bus/default"
  tracker_role_arn      = "arn:aws:iam::111111111111:role/platform-deployment-tracker"
  deployer_role_arns    = ["arn:aws:iam::111111111111:role/platform-ecr-deployer", "arn:aws:iam::111111111111:role/platform-ecr-deployer-rollout"]
  external_id           = "ecs-deployments-7f3a"
  name_prefix           = "platform"
}

run "forwards_deployment_events_to_the_central_bus" {
  command = plan

  module {
    source = "./modules/workload-account"
  }

  assert {
    condition     = toset(keys(aws_cloudwatch_event_rule.forward_rule)) == toset(["eu-west-1"]) && aws_cloudwatch_event_rule.forward_rule["eu-west-1"].region == "eu-west-1"
    error_message = "One forwarding rule, in the provider's region (provider 6's region argument)."
  }
  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.forward_rule["eu-west-1"].event_pattern) == { source = ["aws.ecs"], "detail-type" = ["ECS Deployment State Change"], detail = { eventName = ["SERVICE_DEPLOYMENT_COMPLETED", "SERVICE_DEPLOYMENT_FAILED"] } }
    error_message = "The rule forwards finished deployments only (the central rule decides whether failed ones are recorded)."
  }
  assert {
    condition     = aws_cloudwatch_event_target.forward_target["eu-west-1"].arn == var.central_event_bus_arn && aws_cloudwatch_event_target.forward_target["eu-west-1"].region == "eu-west-1" && aws_cloudwatch_event_target.forward_target["eu-west-1"].rule == aws_cloudwatch_event_rule.forward_rule["eu-west-1"].name
    error_message = "Each region's target puts events on the central bus."
  }
  assert {
    condition     = one(data.aws_iam_policy_document.event_forwarding_policy[0].statement).actions == toset(["events:PutEvents"]) && one(data.aws_iam_policy_document.event_forwarding_policy[0].statement).resources == toset([var.central_event_bus_arn])
    error_message = "The forwarding role may put events on the central bus only."
  }
  assert {
    condition     = one(one(data.aws_iam_policy_document.event_forwarding_assume_role[0].statement).principals).identifiers == toset(["events.amazonaws.com"])
    error_message = "Only EventBridge may assume the forwarding role."
  }
  assert {
    condition     = aws_iam_role.read_role[0].name == "platform-read" && aws_iam_role.deploy_role[0].name == "platform-deploy" && aws_iam_role.event_forwarding_role[0].name == "platform-event-forwarding"
    error_message = "The roles are named from name_prefix, as the central module's linked_accounts expects by default."
  }
}

run "roles_trust_only_the_central_functions_with_the_external_id" {
  command = plan

  module {
    source = "./modules/workload-account"
  }

  assert {
    condition     = one(one(data.aws_iam_policy_document.read_assume_role[0].statement).principals).identifiers == toset(["arn:aws:iam::111111111111:root"]) && one(one(data.aws_iam_policy_document.read_assume_role[0].statement).principals).type == "AWS"
    error_message = "The read role's principal is the central account."
  }
  assert {
    condition = toset([for c in one(data.aws_iam_policy_document.read_assume_role[0].statement).condition : "${c.test} ${c.variable} ${join(",", c.values)}"]) == toset([
      "ArnEquals aws:PrincipalArn arn:aws:iam::111111111111:role/platform-deployment-tracker",
      "StringEquals sts:ExternalId ecs-deployments-7f3a",
    ])
    error_message = "Only the central tracker's role may assume the read role, and only with the ExternalId."
  }
  assert {
    condition = toset([for c in one(data.aws_iam_policy_document.deploy_assume_role[0].statement).condition : "${c.test} ${c.variable} ${join(",", c.values)}"]) == toset([
      "ArnEquals aws:PrincipalArn arn:aws:iam::111111111111:role/platform-ecr-deployer,arn:aws:iam::111111111111:role/platform-ecr-deployer-rollout",
      "StringEquals sts:ExternalId ecs-deployments-7f3a",
    ])
    error_message = "Only the central deployer's push and rollout roles may assume the deploy role, and only with the ExternalId."
  }
  assert {
    condition     = one(data.aws_iam_policy_document.deploy_assume_role[0].statement).actions == toset(["sts:AssumeRole"]) && one(data.aws_iam_policy_document.read_assume_role[0].statement).actions == toset(["sts:AssumeRole"])
    error_message = "The trust policies allow sts:AssumeRole only."
  }
  assert {
    condition = alltrue(flatten([for d in [data.aws_iam_policy_document.read_policy[0], data.aws_iam_policy_document.deploy_policy[0], data.aws_iam_policy_document.event_forwarding_policy[0]] :
    [for s in d.statement : [for a in s.actions : !strcontains(a, "*")]]]))
    error_message = "No IAM action is a wildcard."
  }
  assert {
    condition = toset(flatten([for s in data.aws_iam_policy_document.read_policy[0].statement : tolist(s.actions)])) == toset([
      "ecs:DescribeServices", "ecs:ListServiceDeployments", "ecs:DescribeServiceRevisions", "ecs:DescribeTaskDefinition", "ecr:BatchGetImage",
    ])
    error_message = "The read role reads services, deployments, revisions, task definitions and digests, and changes nothing."
  }
  assert {
    condition     = one([for s in data.aws_iam_policy_document.read_policy[0].statement : s.resources if s.sid == "ReadImageDigestsInAllowedAccounts"]) == toset(["arn:aws:ecr:*:123456789012:repository/*"])
    error_message = "The read role reads digests of this account's repositories only."
  }
  assert {
    condition     = length(data.aws_iam_policy_document.pass_role_policy) == 0
    error_message = "No iam:PassRole without passable roles."
  }
  assert {
    condition     = output.read_role_arn == aws_iam_role.read_role[0].arn && output.deploy_role_arn == aws_iam_role.deploy_role[0].arn
    error_message = "The roles' ARNs are outputs."
  }
}

run "organization_condition_without_external_id" {
  command = plan

  module {
    source = "./modules/workload-account"
  }

  variables {
    external_id     = null
    organization_id = "o-a1b2c3d4e5"
  }

  assert {
    condition = toset([for c in one(data.aws_iam_policy_document.read_assume_role[0].statement).condition : "${c.test} ${c.variable} ${join(",", c.values)}"]) == toset([
      "ArnEquals aws:PrincipalArn arn:aws:iam::111111111111:role/platform-deployment-tracker",
      "StringEquals aws:PrincipalOrgID o-a1b2c3d4e5",
    ])
    error_message = "With organization_id only, the trust requires the organization and no ExternalId."
  }
}

run "both_conditions" {
  command = plan

  module {
    source = "./modules/workload-account"
  }

  variables {
    organization_id = "o-a1b2c3d4e5"
  }

  assert {
    condition     = length(one(data.aws_iam_policy_document.deploy_assume_role[0].statement).condition) == 3
    error_message = "PrincipalArn, ExternalId and PrincipalOrgID all apply."
  }
}

run "a_trust_without_any_condition_is_refused" {
  command = plan

  module {
    source = "./modules/workload-account"
  }

  variables {
    external_id = null
  }

  expect_failures = [var.external_id]
}

run "regions_clusters_and_passable_roles" {
  command = plan

  module {
    source = "./modules/workload-account"
  }

  variables {
    regions                     = ["us-east-1", "eu-west-1"]
    deployer_allowed_clusters   = ["prod"]
    deployer_passable_role_arns = ["arn:aws:iam::123456789012:role/web-task"]
  }

  assert {
    condition     = toset(keys(aws_cloudwatch_event_rule.forward_rule)) == toset(["eu-west-1", "us-east-1"]) && alltrue([for k, r in aws_cloudwatch_event_rule.forward_rule : r.region == k])
    error_message = "A forwarding rule in each region, in that region."
  }
  assert {
    condition     = one([for s in data.aws_iam_policy_document.deploy_policy[0].statement : one(s.condition).values if s.sid == "ReadAndUpdateServicesInAllowedClustersAndRegions"]) == tolist(["arn:aws:ecs:*:123456789012:cluster/prod"])
    error_message = "Updates are scoped to the allowed clusters."
  }
  assert {
    condition     = one([for s in data.aws_iam_policy_document.deploy_policy[0].statement : s.resources if s.sid == "ReadAndUpdateServicesInAllowedClustersAndRegions"]) == toset(["arn:aws:ecs:eu-west-1:123456789012:service/*", "arn:aws:ecs:us-east-1:123456789012:service/*"])
    error_message = "Updates are scoped to this account and its regions."
  }
  assert {
    condition     = one(data.aws_iam_policy_document.pass_role_policy[0].statement).resources == toset(["arn:aws:iam::123456789012:role/web-task"]) && one(one(data.aws_iam_policy_document.pass_role_policy[0].statement).condition).values == tolist(["ecs-tasks.amazonaws.com"])
    error_message = "iam:PassRole only for the listed roles, only to ECS tasks."
  }
}

run "toggles_off" {
  command = plan

  module {
    source = "./modules/workload-account"
  }

  variables {
    create_event_forwarding = false
    create_read_role        = false
    create_deploy_role      = false
    tracker_role_arn        = null
    deployer_role_arns      = []
  }

  assert {
    condition     = length(aws_cloudwatch_event_rule.forward_rule) == 0 && length(aws_iam_role.event_forwarding_role) == 0 && length(aws_iam_role.read_role) == 0 && length(aws_iam_role.deploy_role) == 0 && length(aws_iam_role_policy.deploy_role_policy) == 0
    error_message = "Each toggle removes its resources."
  }
  assert {
    condition     = output.read_role_arn == null && output.deploy_role_arn == null && output.event_forwarding_role_arn == null && output.forwarding_rule_arns == {}
    error_message = "The outputs stay valid."
  }
}

run "the_read_role_needs_the_tracker_role" {
  command = plan

  module {
    source = "./modules/workload-account"
  }

  variables {
    tracker_role_arn = null
  }

  expect_failures = [var.tracker_role_arn]
}

run "the_deploy_role_needs_a_deployer_role" {
  command = plan

  module {
    source = "./modules/workload-account"
  }

  variables {
    deployer_role_arns = []
  }

  expect_failures = [var.deployer_role_arns]
}

run "a_bus_that_is_no_bus_arn_is_refused" {
  command = plan

  module {
    source = "./modules/workload-account"
  }

  variables {
    central_event_bus_arn = "arn:aws:sqs:eu-west-1:111111111111:queue"
  }

  expect_failures = [var.central_event_bus_arn]
}
