# The module with its defaults: what every user gets first. Plans only, against a mocked
# provider: no AWS account and no credentials. The same file runs against the real
# hashicorp/aws provider (the mock takes only its schema from it).

mock_provider "aws" {
  # Shared mock data and overrides: tests/mocks/aws/module.tfmock.hcl.
  source = "./tests/mocks/aws"
}

run "creates_both_functions_and_what_each_owns" {
  command = plan

  assert {
    condition     = length(aws_lambda_function.tracker_function) == 1 && length(aws_lambda_function.deployer_function) == 1
    error_message = "Both functions must be created by default."
  }
  assert {
    condition = alltrue([for n in [
      length(aws_iam_role.tracker_role), length(aws_iam_role.deployer_role),
      length(aws_iam_role_policy.tracker_role_policy), length(aws_iam_role_policy.deployer_role_policy),
      length(aws_cloudwatch_log_group.tracker_log_group), length(aws_cloudwatch_log_group.deployer_log_group),
      length(aws_sqs_queue.tracker_dlq), length(aws_sqs_queue.deployer_dlq),
      length(aws_sqs_queue_policy.tracker_dlq_queue_policy), length(aws_sqs_queue_policy.deployer_dlq_queue_policy),
      length(aws_cloudwatch_event_rule.tracker_rule), length(aws_cloudwatch_event_rule.deployer_rule),
      length(aws_cloudwatch_event_target.tracker_target), length(aws_cloudwatch_event_target.deployer_target),
      length(aws_lambda_permission.tracker_permission), length(aws_lambda_permission.deployer_permission),
      length(aws_lambda_function_event_invoke_config.tracker_async_config), length(aws_lambda_function_event_invoke_config.deployer_async_config),
      length(aws_secretsmanager_secret.tracker_api_key),
    ] : n == 1])
    error_message = "Each function must own exactly one role, policy, log group, DLQ, queue policy, rule, target, permission and async config; the tracker one secret."
  }
  assert {
    condition     = length(aws_secretsmanager_secret_version.tracker_api_key_value) == 0
    error_message = "Without api_key no secret value may be written."
  }
  assert {
    condition = alltrue([for n in [
      length(aws_cloudwatch_metric_alarm.tracker_errors_alarm), length(aws_cloudwatch_metric_alarm.tracker_dlq_alarm),
      length(aws_cloudwatch_metric_alarm.deployer_errors_alarm), length(aws_cloudwatch_metric_alarm.deployer_dlq_alarm),
      length(aws_cloudwatch_event_rule.tracker_forward_rule), length(aws_cloudwatch_event_rule.deployer_forward_rule),
      length(aws_cloudwatch_event_target.tracker_forward_target), length(aws_cloudwatch_event_target.deployer_forward_target),
      length(aws_iam_role.event_forwarding_role),
    ] : n == 0])
    error_message = "Alarms and cross-region forwarding are off by default."
  }
  assert {
    condition     = aws_lambda_function.tracker_function[0].function_name == "ecs-deployments-deployment-tracker" && aws_lambda_function.deployer_function[0].function_name == "ecs-deployments-ecr-deployer"
    error_message = "Function names must be the name_prefix plus the function."
  }
  assert {
    condition     = aws_cloudwatch_log_group.tracker_log_group[0].name == "/aws/lambda/ecs-deployments-deployment-tracker" && aws_cloudwatch_log_group.tracker_log_group[0].retention_in_days == 30
    error_message = "The tracker's log group must be the one Lambda writes to, kept 30 days."
  }
  assert {
    condition     = aws_lambda_function.tracker_function[0].logging_config[0].log_group == aws_cloudwatch_log_group.tracker_log_group[0].name && aws_lambda_function.deployer_function[0].logging_config[0].log_group == aws_cloudwatch_log_group.deployer_log_group[0].name
    error_message = "Each function must log to its own log group."
  }
  assert {
    condition     = aws_lambda_function.tracker_function[0].runtime == "nodejs22.x" && aws_lambda_function.tracker_function[0].architectures == tolist(["arm64"]) && aws_lambda_function.deployer_function[0].timeout == 300
    error_message = "Runtime nodejs22.x on arm64; the deployer gets 300 s."
  }
  assert {
    condition     = aws_lambda_function.deployer_function[0].reserved_concurrent_executions == 1 && aws_lambda_function.tracker_function[0].reserved_concurrent_executions == -1
    error_message = "The deployer is reserved at 1 by default (no racing pushes); the tracker unreserved."
  }
  assert {
    condition     = aws_sqs_queue.tracker_dlq[0].message_retention_seconds == 1209600 && aws_sqs_queue.tracker_dlq[0].sqs_managed_sse_enabled == true
    error_message = "DLQs keep messages 14 days, encrypted with SQS-managed keys when no KMS key is given."
  }
}

run "tracker_rule_matches_completed_deployments_only" {
  command = plan

  assert {
    condition = jsondecode(aws_cloudwatch_event_rule.tracker_rule[0].event_pattern) == {
      source        = ["aws.ecs"]
      "detail-type" = ["ECS Deployment State Change"]
      detail        = { eventName = ["SERVICE_DEPLOYMENT_COMPLETED"] }
    }
    error_message = "The tracker's rule must match completed ECS service deployments only."
  }
}

run "deployer_rule_matches_successful_tagged_pushes" {
  command = plan

  assert {
    condition = jsondecode(aws_cloudwatch_event_rule.deployer_rule[0].event_pattern) == {
      source        = ["aws.ecr"]
      "detail-type" = ["ECR Image Action"]
      detail = {
        "action-type" = ["PUSH"]
        result        = ["SUCCESS"]
        "image-tag"   = [{ exists = true }]
      }
    }
    error_message = "The deployer's rule must match successful pushes that carry a tag."
  }
}

run "targets_retry_a_day_then_keep_the_event_in_the_dlq" {
  command = plan

  assert {
    condition = alltrue([for t in [aws_cloudwatch_event_target.tracker_target[0], aws_cloudwatch_event_target.deployer_target[0]] :
    t.retry_policy[0].maximum_retry_attempts == 185 && t.retry_policy[0].maximum_event_age_in_seconds == 86400])
    error_message = "Rule targets must retry for 24 hours (185 attempts)."
  }
  assert {
    condition     = aws_cloudwatch_event_target.tracker_target[0].dead_letter_config[0].arn == aws_sqs_queue.tracker_dlq[0].arn && aws_cloudwatch_event_target.deployer_target[0].dead_letter_config[0].arn == aws_sqs_queue.deployer_dlq[0].arn
    error_message = "Each rule target's DLQ must be its own function's queue."
  }
  assert {
    condition     = aws_cloudwatch_event_target.tracker_target[0].arn == aws_lambda_function.tracker_function[0].arn && aws_cloudwatch_event_target.tracker_target[0].rule == aws_cloudwatch_event_rule.tracker_rule[0].name
    error_message = "The tracker's rule must invoke the tracker."
  }
  assert {
    condition = alltrue([for c in [aws_lambda_function_event_invoke_config.tracker_async_config[0], aws_lambda_function_event_invoke_config.deployer_async_config[0]] :
    c.maximum_retry_attempts == 2 && c.maximum_event_age_in_seconds == 21600])
    error_message = "Async invocations must be retried twice within 6 hours."
  }
  assert {
    condition     = aws_lambda_function_event_invoke_config.tracker_async_config[0].destination_config[0].on_failure[0].destination == aws_sqs_queue.tracker_dlq[0].arn && aws_lambda_function_event_invoke_config.deployer_async_config[0].destination_config[0].on_failure[0].destination == aws_sqs_queue.deployer_dlq[0].arn
    error_message = "Failed async invocations must land in the function's own DLQ."
  }
  assert {
    condition     = aws_lambda_permission.tracker_permission[0].source_arn == aws_cloudwatch_event_rule.tracker_rule[0].arn && aws_lambda_permission.tracker_permission[0].principal == "events.amazonaws.com"
    error_message = "Only the tracker's own rule may invoke it."
  }
}

run "tracker_environment_names_endpoint_header_and_secret" {
  command = plan

  assert {
    condition = aws_lambda_function.tracker_function[0].environment[0].variables == tomap({
      ENDPOINT_URL            = "https://app.cardinalhq.io/_/chip/workloads"
      API_KEY_HEADER          = "x-cardinalhq-api-key"
      API_KEY_SECRET_ARN      = aws_secretsmanager_secret.tracker_api_key[0].arn
      POWERTOOLS_SERVICE_NAME = "ecs-deployments-deployment-tracker"
      POWERTOOLS_LOG_LEVEL    = "INFO"
      LINKED_ACCOUNTS         = "[]"
    })
    error_message = "The tracker's environment must be exactly endpoint, header, secret ARN and logging; never the key."
  }
}

run "deployer_environment_defaults" {
  command = plan

  assert {
    condition = aws_lambda_function.deployer_function[0].environment[0].variables == tomap({
      ALLOWED_CLUSTERS        = ""
      ALLOWED_REGIONS         = "eu-west-1"
      OPT_IN_TAG_KEY          = "ecs-deployments:follow"
      DEFAULT_TAG_PATTERN     = ""
      IMAGE_PIN               = "tag-and-digest"
      DRY_RUN                 = "false"
      PUBLISH_IMAGES          = "false"
      IMAGE_PARAMETER_PATH    = "/ecs-deployments/images"
      QUOTA_SHARE             = "0.5"
      ROLLOUT_QUEUE_URL       = aws_sqs_queue.deployer_rollout_queue[0].url
      POWERTOOLS_SERVICE_NAME = "ecs-deployments-ecr-deployer"
      POWERTOOLS_LOG_LEVEL    = "INFO"
      LINKED_ACCOUNTS         = "[]"
    })
    error_message = "The deployer's environment must hold the defaults: every cluster, the home region, tag-and-digest pins, no dry run, no publishing, half of each ECS bucket, the rollout queue."
  }
  assert {
    condition = aws_lambda_function.deployer_rollout_function[0].environment[0].variables == tomap(merge(
      aws_lambda_function.deployer_function[0].environment[0].variables,
      { POWERTOOLS_SERVICE_NAME = "ecs-deployments-ecr-deployer-rollout" },
    ))
    error_message = "The rollout function gets the push function's settings (the rollout queue's URL included) under its own service name."
  }
}

run "tracker_policy_is_scoped_to_its_account_regions_and_secret" {
  command = plan

  assert {
    condition = toset([for s in data.aws_iam_policy_document.tracker_policy[0].statement : s.sid]) == toset([
      "WriteOwnLogs", "SendFailedEventsToOwnDlq", "ReadServicesAndTheirDeployments", "ReadServiceRevisions",
      "DescribeTaskDefinitionHasNoResourceType", "ReadImageDigestsInAllowedAccounts", "ReadApiKey",
    ])
    error_message = "The tracker's policy must have exactly its seven statements (no KMS statement without a key)."
  }
  assert {
    condition     = one([for s in data.aws_iam_policy_document.tracker_policy[0].statement : s.resources if s.sid == "ReadServicesAndTheirDeployments"]) == toset(["arn:aws:ecs:eu-west-1:123456789012:service/*"])
    error_message = "The tracker may read services only in the home region of its own account."
  }
  assert {
    condition     = one([for s in data.aws_iam_policy_document.tracker_policy[0].statement : s.actions if s.sid == "ReadServicesAndTheirDeployments"]) == toset(["ecs:DescribeServices", "ecs:ListServiceDeployments"])
    error_message = "The tracker reads services and their deployments, nothing more."
  }
  assert {
    condition     = one([for s in data.aws_iam_policy_document.tracker_policy[0].statement : s.resources if s.sid == "ReadImageDigestsInAllowedAccounts"]) == toset(["arn:aws:ecr:*:123456789012:repository/*"])
    error_message = "Without further accounts the tracker reads ECR in its own account only."
  }
  assert {
    condition     = one([for s in data.aws_iam_policy_document.tracker_policy[0].statement : s.resources if s.sid == "ReadApiKey"]) == toset([aws_secretsmanager_secret.tracker_api_key[0].arn])
    error_message = "The tracker may read the created secret and nothing else."
  }
  assert {
    condition     = one([for s in data.aws_iam_policy_document.tracker_policy[0].statement : s.resources if s.sid == "WriteOwnLogs"]) == toset(["${aws_cloudwatch_log_group.tracker_log_group[0].arn}:*"])
    error_message = "The tracker writes to its own log group only."
  }
  assert {
    condition     = aws_iam_role_policy.tracker_role_policy[0].role == aws_iam_role.tracker_role[0].id && aws_iam_role_policy.tracker_role_policy[0].name == "ecs-deployments-deployment-tracker"
    error_message = "The tracker's role policy must be attached to the tracker's role."
  }
  assert {
    condition     = one(data.aws_iam_policy_document.tracker_assume_role[0].statement[0].principals).identifiers == toset(["lambda.amazonaws.com"])
    error_message = "Only Lambda may assume the tracker's role."
  }
}

run "deployer_policy_is_scoped_to_clusters_and_regions" {
  command = plan

  assert {
    condition     = length(data.aws_iam_policy_document.deployer_pass_role_policy) == 0 && length(data.aws_iam_policy_document.deployer_rollout_policy[0].source_policy_documents) == 0
    error_message = "Without passable roles there is no iam:PassRole statement at all."
  }
  assert {
    condition     = toset(one(one([for s in data.aws_iam_policy_document.deployer_rollout_policy[0].statement : s.condition if s.sid == "ReadAndUpdateServicesInAllowedClustersAndRegions"])).values) == toset(["arn:aws:ecs:*:123456789012:cluster/*"])
    error_message = "With no cluster allowlist the rollout function may update services in every cluster of its own account."
  }
  assert {
    condition     = one([for s in data.aws_iam_policy_document.deployer_rollout_policy[0].statement : s.resources if s.sid == "ReadAndUpdateServicesInAllowedClustersAndRegions"]) == toset(["arn:aws:ecs:eu-west-1:123456789012:service/*"])
    error_message = "The rollout function may update services in the handled regions only."
  }
  assert {
    condition     = one([for s in data.aws_iam_policy_document.deployer_policy[0].statement : s.resources if s.sid == "ReadServicesInAllowedClustersAndRegions"]) == toset(["arn:aws:ecs:eu-west-1:123456789012:service/*"])
    error_message = "The push function may read services in the handled regions only."
  }
  assert {
    condition     = toset(one(one([for s in data.aws_iam_policy_document.deployer_rollout_policy[0].statement : s.condition if s.sid == "KeepTagsOnNewRevisions"])).values) == toset(["RegisterTaskDefinition"])
    error_message = "ecs:TagResource only while registering a revision."
  }
  assert {
    condition = alltrue([for s in concat(data.aws_iam_policy_document.deployer_policy[0].statement, data.aws_iam_policy_document.deployer_rollout_policy[0].statement) :
    endswith(s.sid, "HaveNoResourceType") || endswith(s.sid, "HasNoResourceType") || endswith(s.sid, "HasNoResourceTypeScopedByCluster") if contains(s.resources, "*")])
    error_message = "Resource \"*\" only on statements whose sid says the API has no resource type."
  }
}

run "outputs_name_the_created_resources" {
  command = plan

  assert {
    condition     = output.tracker_function_name == "ecs-deployments-deployment-tracker" && output.deployer_function_name == "ecs-deployments-ecr-deployer"
    error_message = "The function name outputs must name the functions."
  }
  assert {
    condition     = output.api_key_secret_arn == aws_secretsmanager_secret.tracker_api_key[0].arn && output.tracker_dlq_url == aws_sqs_queue.tracker_dlq[0].url && output.deployer_rule_arn == aws_cloudwatch_event_rule.deployer_rule[0].arn
    error_message = "The outputs must be the created resources' attributes."
  }
  assert {
    condition     = output.event_forwarding_role_arn == null
    error_message = "No forwarding role without other regions."
  }
}
