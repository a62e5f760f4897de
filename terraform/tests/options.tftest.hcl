# The functions' options: what each input changes in the rule, the environment and IAM.

mock_provider "aws" {
  # Shared mock data and overrides: tests/mocks/aws/module.tfmock.hcl.
  source = "./tests/mocks/aws"
}

run "failed_deployments_tracked_in_both_rules" {
  command = plan

  variables {
    tracker_track_failed_deployments = true
    regions                          = ["eu-central-1"]
  }

  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.tracker_rule[0].event_pattern).detail.eventName == ["SERVICE_DEPLOYMENT_COMPLETED", "SERVICE_DEPLOYMENT_FAILED"]
    error_message = "With failed deployments tracked, the rule matches completed and failed deployments."
  }
  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.tracker_forward_rule["eu-central-1"].event_pattern).detail.eventName == ["SERVICE_DEPLOYMENT_COMPLETED", "SERVICE_DEPLOYMENT_FAILED"]
    error_message = "Forwarding rules follow the same choice."
  }
}

run "tracker_endpoint_header_accounts_and_logging" {
  command = plan

  variables {
    tracker_endpoint_url    = "https://records.example.com:8443/ecs?source=tf"
    tracker_api_key_header  = "Authorization"
    tracker_ecr_account_ids = ["210987654321", "123456789012"]
    log_level               = "DEBUG"
    log_retention_in_days   = 365
  }

  assert {
    condition     = aws_lambda_function.tracker_function[0].environment[0].variables["ENDPOINT_URL"] == "https://records.example.com:8443/ecs?source=tf" && aws_lambda_function.tracker_function[0].environment[0].variables["API_KEY_HEADER"] == "Authorization"
    error_message = "Endpoint and header reach the tracker unchanged."
  }
  assert {
    condition     = aws_lambda_function.tracker_function[0].environment[0].variables["POWERTOOLS_LOG_LEVEL"] == "DEBUG" && aws_lambda_function.deployer_function[0].environment[0].variables["POWERTOOLS_LOG_LEVEL"] == "DEBUG"
    error_message = "log_level reaches both functions."
  }
  assert {
    condition     = aws_cloudwatch_log_group.tracker_log_group[0].retention_in_days == 365 && aws_cloudwatch_log_group.deployer_log_group[0].retention_in_days == 365
    error_message = "log_retention_in_days reaches both log groups."
  }
  assert {
    condition     = one([for s in data.aws_iam_policy_document.tracker_policy[0].statement : s.resources if s.sid == "ReadImageDigestsInAllowedAccounts"]) == toset(["arn:aws:ecr:*:123456789012:repository/*", "arn:aws:ecr:*:210987654321:repository/*"])
    error_message = "The tracker reads ECR in its own and the listed accounts, each once."
  }
}

run "deployer_dry_run_and_digest_pins" {
  command = plan

  variables {
    deployer_dry_run             = true
    deployer_image_pin           = "digest"
    deployer_opt_in_tag_key      = "team/follow"
    deployer_default_tag_pattern = "v* main-+"
  }

  assert {
    condition = (
      aws_lambda_function.deployer_function[0].environment[0].variables["DRY_RUN"] == "true"
      && aws_lambda_function.deployer_function[0].environment[0].variables["IMAGE_PIN"] == "digest"
      && aws_lambda_function.deployer_function[0].environment[0].variables["OPT_IN_TAG_KEY"] == "team/follow"
      && aws_lambda_function.deployer_function[0].environment[0].variables["DEFAULT_TAG_PATTERN"] == "v* main-+"
    )
    error_message = "Dry run, pin mode, opt-in tag key and default pattern reach the deployer."
  }
}

run "deployer_tag_pins" {
  command = plan

  variables {
    deployer_image_pin = "tag"
  }

  assert {
    condition     = aws_lambda_function.deployer_function[0].environment[0].variables["IMAGE_PIN"] == "tag" && aws_lambda_function.deployer_function[0].environment[0].variables["DRY_RUN"] == "false"
    error_message = "The tag pin mode reaches the deployer."
  }
}

run "deployer_cluster_allowlist" {
  command = plan

  variables {
    deployer_allowed_clusters = ["prod", "prod_eu-2"]
  }

  assert {
    condition     = aws_lambda_function.deployer_function[0].environment[0].variables["ALLOWED_CLUSTERS"] == "prod,prod_eu-2"
    error_message = "The allowlist reaches the deployer."
  }
  assert {
    condition = alltrue([for ds in [
      ["deployer_policy", "ListServicesHasNoResourceTypeScopedByCluster"],
      ["deployer_policy", "ReadServicesInAllowedClustersAndRegions"],
      ["deployer_rollout_policy", "ReadAndUpdateServicesInAllowedClustersAndRegions"],
      ] : alltrue([
        for c in one([for s in(ds[0] == "deployer_policy" ? data.aws_iam_policy_document.deployer_policy[0] : data.aws_iam_policy_document.deployer_rollout_policy[0]).statement : s.condition if s.sid == ds[1]]) :
        c.test == "ArnLike" && c.variable == "ecs:cluster" && toset(c.values) == toset(["arn:aws:ecs:*:123456789012:cluster/prod", "arn:aws:ecs:*:123456789012:cluster/prod_eu-2"])
    ])])
    error_message = "Listing, reading (push) and updating (rollout) services is limited to the allowed clusters by ecs:cluster."
  }
}

run "deployer_passes_only_listed_roles_to_ecs_tasks" {
  command = plan

  variables {
    deployer_passable_role_arns = [
      "arn:aws:iam::123456789012:role/app-task",
      "arn:aws-us-gov:iam::123456789012:role/path/app-execution",
    ]
  }

  assert {
    condition     = length(data.aws_iam_policy_document.deployer_pass_role_policy) == 1 && data.aws_iam_policy_document.deployer_rollout_policy[0].source_policy_documents == tolist([data.aws_iam_policy_document.deployer_pass_role_policy[0].json])
    error_message = "Passable roles add one PassRole document to the rollout function's policy."
  }
  assert {
    condition     = one(data.aws_iam_policy_document.deployer_pass_role_policy[0].statement).resources == toset(["arn:aws:iam::123456789012:role/app-task", "arn:aws-us-gov:iam::123456789012:role/path/app-execution"])
    error_message = "iam:PassRole on the listed roles only."
  }
  assert {
    condition = alltrue([for c in one(data.aws_iam_policy_document.deployer_pass_role_policy[0].statement).condition :
    c.test == "StringEquals" && c.variable == "iam:PassedToService" && toset(c.values) == toset(["ecs-tasks.amazonaws.com"])])
    error_message = "The roles may be passed to ECS tasks only."
  }
  assert {
    condition     = length(one(data.aws_iam_policy_document.deployer_pass_role_policy[0].statement).condition) == 1
    error_message = "PassRole has exactly one condition."
  }
}

run "deployer_unreserved_concurrency" {
  command = plan

  variables {
    deployer_reserved_concurrency = null
  }

  assert {
    condition     = aws_lambda_function.deployer_function[0].reserved_concurrent_executions == -1
    error_message = "A null reserved concurrency leaves the deployer unreserved (-1)."
  }
}

run "name_prefix_names_everything" {
  command = plan

  variables {
    name_prefix = "platform_team-01-with-32-chars-x"
    regions     = ["eu-central-1"]
  }

  assert {
    condition = alltrue([for n in [
      aws_lambda_function.tracker_function[0].function_name, aws_iam_role.deployer_role[0].name,
      aws_cloudwatch_event_rule.tracker_forward_rule["eu-central-1"].name, aws_iam_role.event_forwarding_role[0].name,
    ] : startswith(n, "platform_team-01-with-32-chars-x-") && length(n) <= 64])
    error_message = "Names start with the prefix and fit in 64 characters at the longest prefix."
  }
  assert {
    condition     = length(aws_sqs_queue.tracker_dlq[0].name) <= 80
    error_message = "Queue names fit SQS's 80 characters."
  }
}
