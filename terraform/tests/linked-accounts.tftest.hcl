# Linked workload accounts: the list the functions get, the roles each function may assume
# (only the linked accounts' own), and the home bus's policy that accepts events only from
# the linked accounts (and, when given, only from inside the organization).

mock_provider "aws" {
  # Shared mock data and overrides: tests/mocks/aws/module.tfmock.hcl.
  source = "./tests/mocks/aws"
}

run "nothing_linked_changes_nothing" {
  command = plan

  assert {
    condition     = length(aws_cloudwatch_event_bus_policy.linked_event_bus) == 0 && length(data.aws_iam_policy_document.linked_tracker_assume_policy) == 0 && length(data.aws_iam_policy_document.linked_deployer_assume_policy) == 0
    error_message = "Without linked accounts there is no bus policy and nothing to assume."
  }
  assert {
    condition     = aws_lambda_function.tracker_function[0].environment[0].variables["LINKED_ACCOUNTS"] == "[]"
    error_message = "The tracker gets an empty list."
  }
  assert {
    condition     = output.event_bus_arn == "arn:aws:events:eu-west-1:123456789012:event-bus/default"
    error_message = "The home default bus's ARN is an output, for the workload-account module."
  }
}

run "two_linked_accounts" {
  command = plan

  variables {
    name_prefix = "platform"
    linked_accounts = [
      { id = "222222222222", regions = ["eu-west-1", "us-east-1"], external_id = "ecs-deployments-7f3a" },
      { id = "333333333333", regions = ["eu-west-1"], read_role_name = "custom-read", deploy_role_name = "custom-deploy" },
    ]
  }

  assert {
    condition = jsondecode(aws_lambda_function.tracker_function[0].environment[0].variables["LINKED_ACCOUNTS"]) == [
      { id = "222222222222", regions = ["eu-west-1", "us-east-1"], read_role_arn = "arn:aws:iam::222222222222:role/platform-read", deploy_role_arn = "arn:aws:iam::222222222222:role/platform-deploy", external_id = "ecs-deployments-7f3a" },
      { id = "333333333333", regions = ["eu-west-1"], read_role_arn = "arn:aws:iam::333333333333:role/custom-read", deploy_role_arn = "arn:aws:iam::333333333333:role/custom-deploy", external_id = null },
    ]
    error_message = "The tracker gets every linked account with its roles' ARNs (default names from name_prefix) and ExternalId."
  }
  assert {
    condition     = aws_lambda_function.deployer_function[0].environment[0].variables["LINKED_ACCOUNTS"] == aws_lambda_function.tracker_function[0].environment[0].variables["LINKED_ACCOUNTS"]
    error_message = "The deployer gets the same list."
  }
  assert {
    condition     = one(data.aws_iam_policy_document.linked_tracker_assume_policy[0].statement).actions == toset(["sts:AssumeRole"]) && one(data.aws_iam_policy_document.linked_tracker_assume_policy[0].statement).resources == toset(["arn:aws:iam::222222222222:role/platform-read", "arn:aws:iam::333333333333:role/custom-read"])
    error_message = "The tracker may assume the linked accounts' read roles only."
  }
  assert {
    condition     = one(data.aws_iam_policy_document.linked_deployer_assume_policy[0].statement).resources == toset(["arn:aws:iam::222222222222:role/platform-deploy", "arn:aws:iam::333333333333:role/custom-deploy"])
    error_message = "The deployer may assume the linked accounts' deploy roles only."
  }
  assert {
    condition     = contains(data.aws_iam_policy_document.tracker_policy[0].source_policy_documents, data.aws_iam_policy_document.linked_tracker_assume_policy[0].json) && contains(data.aws_iam_policy_document.deployer_policy[0].source_policy_documents, data.aws_iam_policy_document.linked_deployer_assume_policy[0].json)
    error_message = "Each function's policy includes its assume-role statement."
  }
  assert {
    condition     = one(data.aws_iam_policy_document.linked_event_bus_policy[0].statement).actions == toset(["events:PutEvents"]) && one(data.aws_iam_policy_document.linked_event_bus_policy[0].statement).resources == toset(["arn:aws:events:eu-west-1:123456789012:event-bus/default"])
    error_message = "The bus policy allows PutEvents on the home default bus only."
  }
  assert {
    condition     = one(one(data.aws_iam_policy_document.linked_event_bus_policy[0].statement).principals).type == "AWS" && one(one(data.aws_iam_policy_document.linked_event_bus_policy[0].statement).principals).identifiers == toset(["222222222222", "333333333333"])
    error_message = "Only the linked accounts may put events on the bus."
  }
  assert {
    condition     = length(one(data.aws_iam_policy_document.linked_event_bus_policy[0].statement).condition) == 0
    error_message = "Without organization_id the bus policy has no organization condition."
  }
  assert {
    condition     = aws_cloudwatch_event_bus_policy.linked_event_bus[0].event_bus_name == "default"
    error_message = "The policy is the home default bus's."
  }
  assert {
    condition = alltrue(flatten([for d in [data.aws_iam_policy_document.linked_tracker_assume_policy[0], data.aws_iam_policy_document.linked_deployer_assume_policy[0], data.aws_iam_policy_document.linked_event_bus_policy[0]] :
    [for s in d.statement : [for a in s.actions : !strcontains(a, "*")]]]))
    error_message = "No IAM action is a wildcard."
  }
}

run "organization_condition" {
  command = plan

  variables {
    linked_accounts = [{ id = "222222222222", regions = ["eu-west-1"] }]
    organization_id = "o-a1b2c3d4e5"
  }

  assert {
    condition     = [for c in one(data.aws_iam_policy_document.linked_event_bus_policy[0].statement).condition : "${c.test} ${c.variable} ${join(",", c.values)}"] == ["StringEquals aws:PrincipalOrgID o-a1b2c3d4e5"]
    error_message = "With organization_id the bus accepts the linked accounts' events only from inside the organization."
  }
}

run "bus_policy_off" {
  command = plan

  variables {
    linked_accounts         = [{ id = "222222222222", regions = ["eu-west-1"] }]
    create_event_bus_policy = false
  }

  assert {
    condition     = length(aws_cloudwatch_event_bus_policy.linked_event_bus) == 0 && length(data.aws_iam_policy_document.linked_tracker_assume_policy) == 1
    error_message = "create_event_bus_policy = false leaves the bus policy to you and keeps the rest."
  }
}

run "tracker_off_needs_no_bus_policy" {
  command = plan

  variables {
    linked_accounts = [{ id = "222222222222", regions = ["eu-west-1"] }]
    create_tracker  = false
  }

  assert {
    condition     = length(aws_cloudwatch_event_bus_policy.linked_event_bus) == 0 && length(data.aws_iam_policy_document.linked_tracker_assume_policy) == 0 && length(data.aws_iam_policy_document.linked_deployer_assume_policy) == 1
    error_message = "Without the tracker no events come from linked accounts and no read role is assumed."
  }
}

run "an_account_id_that_is_no_id_is_refused" {
  command = plan

  variables {
    linked_accounts = [{ id = "2222", regions = ["eu-west-1"] }]
  }

  expect_failures = [var.linked_accounts]
}

run "an_account_listed_twice_is_refused" {
  command = plan

  variables {
    linked_accounts = [{ id = "222222222222", regions = ["eu-west-1"] }, { id = "222222222222", regions = ["us-east-1"] }]
  }

  expect_failures = [var.linked_accounts]
}

run "an_account_without_regions_is_refused" {
  command = plan

  variables {
    linked_accounts = [{ id = "222222222222", regions = [] }]
  }

  expect_failures = [var.linked_accounts]
}

run "a_role_arn_for_a_role_name_is_refused" {
  command = plan

  variables {
    linked_accounts = [{ id = "222222222222", regions = ["eu-west-1"], read_role_name = "arn:aws:iam::222222222222:role/r" }]
  }

  expect_failures = [var.linked_accounts]
}

run "an_organization_id_that_is_no_id_is_refused" {
  command = plan

  variables {
    organization_id = "r-abc"
  }

  expect_failures = [var.organization_id]
}
