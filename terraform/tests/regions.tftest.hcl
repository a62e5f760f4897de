# Multi-region with one provider: rules in the other regions forward to the home
# region's default bus; the home region itself never gets a forwarding rule.

mock_provider "aws" {
  # Shared mock data and overrides: tests/mocks/aws/module.tfmock.hcl.
  source = "./tests/mocks/aws"
}

run "one_other_region_forwards_home" {
  command = plan

  variables {
    regions = ["eu-central-1"]
  }

  assert {
    condition     = toset(keys(aws_cloudwatch_event_rule.tracker_forward_rule)) == toset(["eu-central-1"]) && toset(keys(aws_cloudwatch_event_rule.deployer_forward_rule)) == toset(["eu-central-1"])
    error_message = "One forwarding rule per function in the other region."
  }
  assert {
    condition     = aws_cloudwatch_event_rule.tracker_forward_rule["eu-central-1"].region == "eu-central-1" && aws_cloudwatch_event_target.deployer_forward_target["eu-central-1"].region == "eu-central-1"
    error_message = "Forwarding rules and targets live in the other region (provider 6's region argument)."
  }
  assert {
    condition     = aws_cloudwatch_event_rule.tracker_forward_rule["eu-central-1"].event_pattern == aws_cloudwatch_event_rule.tracker_rule[0].event_pattern && aws_cloudwatch_event_rule.deployer_forward_rule["eu-central-1"].event_pattern == aws_cloudwatch_event_rule.deployer_rule[0].event_pattern
    error_message = "A forwarding rule matches exactly what the home rule matches."
  }
  assert {
    condition = alltrue([for t in [aws_cloudwatch_event_target.tracker_forward_target["eu-central-1"], aws_cloudwatch_event_target.deployer_forward_target["eu-central-1"]] :
    t.arn == "arn:aws:events:eu-west-1:123456789012:event-bus/default" && t.role_arn == aws_iam_role.event_forwarding_role[0].arn && t.retry_policy[0].maximum_retry_attempts == 185])
    error_message = "Forwarding targets put events on the home region's default bus with the forwarding role, retrying for a day."
  }
  assert {
    condition     = aws_cloudwatch_event_target.tracker_forward_target["eu-central-1"].rule == aws_cloudwatch_event_rule.tracker_forward_rule["eu-central-1"].name
    error_message = "Each forwarding target belongs to its region's rule."
  }
  assert {
    condition     = one(data.aws_iam_policy_document.event_forwarding_policy[0].statement).resources == toset(["arn:aws:events:eu-west-1:123456789012:event-bus/default"]) && one(data.aws_iam_policy_document.event_forwarding_policy[0].statement).actions == toset(["events:PutEvents"])
    error_message = "The forwarding role may put events on the home bus only."
  }
  assert {
    condition     = one(one(data.aws_iam_policy_document.event_forwarding_assume_role[0].statement).principals).identifiers == toset(["events.amazonaws.com"])
    error_message = "Only EventBridge may assume the forwarding role."
  }
  assert {
    condition     = aws_lambda_function.deployer_function[0].environment[0].variables["ALLOWED_REGIONS"] == "eu-west-1,eu-central-1"
    error_message = "The deployer may act in the home region and the listed one."
  }
  assert {
    condition     = one([for s in data.aws_iam_policy_document.tracker_policy[0].statement : s.resources if s.sid == "ReadServicesAndTheirDeployments"]) == toset(["arn:aws:ecs:eu-west-1:123456789012:service/*", "arn:aws:ecs:eu-central-1:123456789012:service/*"])
    error_message = "The tracker reads services in both regions."
  }
  assert {
    condition     = output.event_forwarding_role_arn == aws_iam_role.event_forwarding_role[0].arn
    error_message = "The forwarding role's ARN is an output."
  }
}

run "three_other_regions" {
  command = plan

  variables {
    regions = ["eu-central-1", "us-east-1", "ap-southeast-5"]
  }

  assert {
    condition = alltrue([for r in [aws_cloudwatch_event_rule.tracker_forward_rule, aws_cloudwatch_event_rule.deployer_forward_rule, aws_cloudwatch_event_target.tracker_forward_target, aws_cloudwatch_event_target.deployer_forward_target] :
    toset(keys(r)) == toset(["eu-central-1", "us-east-1", "ap-southeast-5"])])
    error_message = "A forwarding rule and target per function in each of the three regions."
  }
  assert {
    condition     = alltrue([for k, r in aws_cloudwatch_event_rule.deployer_forward_rule : r.region == k])
    error_message = "Each rule is in its own region."
  }
  assert {
    condition     = length(aws_iam_role.event_forwarding_role) == 1
    error_message = "One forwarding role serves every region (IAM is global)."
  }
  assert {
    condition     = one([for s in data.aws_iam_policy_document.deployer_rollout_policy[0].statement : s.resources if s.sid == "KeepTagsOnNewRevisions"]) == toset([for r in ["eu-west-1", "eu-central-1", "us-east-1", "ap-southeast-5"] : "arn:aws:ecs:${r}:123456789012:task-definition/*"])
    error_message = "The deployer may tag revisions in the four handled regions."
  }
}

run "home_region_and_duplicates_in_regions" {
  command = plan

  variables {
    regions = ["eu-west-1", "eu-central-1", "eu-central-1"]
  }

  assert {
    condition     = toset(keys(aws_cloudwatch_event_rule.tracker_forward_rule)) == toset(["eu-central-1"])
    error_message = "The home region is never forwarded to itself, and duplicates count once."
  }
  assert {
    condition     = aws_lambda_function.deployer_function[0].environment[0].variables["ALLOWED_REGIONS"] == "eu-west-1,eu-central-1"
    error_message = "Regions are listed once each."
  }
}

run "only_the_home_region" {
  command = plan

  variables {
    regions = ["eu-west-1"]
  }

  assert {
    condition     = length(aws_cloudwatch_event_rule.tracker_forward_rule) == 0 && length(aws_iam_role.event_forwarding_role) == 0 && output.event_forwarding_role_arn == null
    error_message = "Listing only the home region forwards nothing and needs no role."
  }
}

run "regions_with_one_function_off" {
  command = plan

  variables {
    regions        = ["eu-central-1"]
    create_tracker = false
  }

  assert {
    condition     = length(aws_cloudwatch_event_rule.tracker_forward_rule) == 0 && length(aws_cloudwatch_event_rule.deployer_forward_rule) == 1 && length(aws_iam_role.event_forwarding_role) == 1
    error_message = "Only the remaining function's events are forwarded."
  }
}

run "govcloud_partition" {
  command = plan

  variables {
    regions = ["us-gov-east-1"]
  }

  override_data {
    target = data.aws_region.current_region
    values = {
      region = "us-gov-west-1"
    }
  }
  override_data {
    target = data.aws_partition.current_partition
    values = {
      partition  = "aws-us-gov"
      dns_suffix = "amazonaws.com"
    }
  }

  assert {
    condition     = aws_cloudwatch_event_target.tracker_forward_target["us-gov-east-1"].arn == "arn:aws-us-gov:events:us-gov-west-1:123456789012:event-bus/default"
    error_message = "The home bus ARN must be in the account's partition."
  }
  assert {
    condition     = one([for s in data.aws_iam_policy_document.tracker_policy[0].statement : s.resources if s.sid == "ReadServicesAndTheirDeployments"]) == toset(["arn:aws-us-gov:ecs:us-gov-west-1:123456789012:service/*", "arn:aws-us-gov:ecs:us-gov-east-1:123456789012:service/*"])
    error_message = "IAM resources must be in the account's partition."
  }
}

run "china_partition" {
  command = plan

  variables {
    regions = ["cn-northwest-1"]
  }

  override_data {
    target = data.aws_region.current_region
    values = {
      region = "cn-north-1"
    }
  }
  override_data {
    target = data.aws_partition.current_partition
    values = {
      partition  = "aws-cn"
      dns_suffix = "amazonaws.com.cn"
    }
  }

  assert {
    condition     = toset(one(one([for s in data.aws_iam_policy_document.deployer_policy[0].statement : s.condition if s.sid == "ListServicesHasNoResourceTypeScopedByCluster"])).values) == toset(["arn:aws-cn:ecs:*:123456789012:cluster/*"])
    error_message = "Cluster ARNs in conditions must be in the account's partition."
  }
  assert {
    condition     = aws_cloudwatch_event_rule.deployer_forward_rule["cn-northwest-1"].region == "cn-northwest-1"
    error_message = "Forwarding works in China regions too."
  }
}
