# Every toggle is a variable evaluated at plan time: turning a function, the secret or the
# alarms off removes exactly their resources, and every output stays valid (null).

mock_provider "aws" {
  # Shared mock data and overrides: tests/mocks/aws/module.tfmock.hcl.
  source = "./tests/mocks/aws"
}

run "tracker_off_removes_every_tracker_resource" {
  command = plan

  variables {
    create_tracker = false
  }

  assert {
    condition = alltrue([for n in [
      length(aws_lambda_function.tracker_function), length(aws_iam_role.tracker_role),
      length(aws_iam_role_policy.tracker_role_policy), length(aws_cloudwatch_log_group.tracker_log_group),
      length(aws_sqs_queue.tracker_dlq), length(aws_sqs_queue_policy.tracker_dlq_queue_policy),
      length(aws_cloudwatch_event_rule.tracker_rule), length(aws_cloudwatch_event_target.tracker_target),
      length(aws_lambda_permission.tracker_permission), length(aws_lambda_function_event_invoke_config.tracker_async_config),
      length(aws_secretsmanager_secret.tracker_api_key), length(aws_secretsmanager_secret_version.tracker_api_key_value),
      length(data.aws_iam_policy_document.tracker_policy), length(data.aws_iam_policy_document.tracker_assume_role),
      length(data.aws_iam_policy_document.tracker_dlq_policy),
    ] : n == 0])
    error_message = "create_tracker = false must remove every tracker resource, the secret included."
  }
  assert {
    condition     = length(aws_lambda_function.deployer_function) == 1 && length(aws_cloudwatch_event_rule.deployer_rule) == 1
    error_message = "Turning the tracker off must leave the deployer alone."
  }
  assert {
    condition = alltrue([for o in [
      output.tracker_function_arn, output.tracker_function_name, output.tracker_role_arn,
      output.tracker_dlq_url, output.tracker_rule_arn, output.tracker_log_group_name, output.api_key_secret_arn,
    ] : o == null])
    error_message = "Every tracker output must be null, not an error, when the tracker is off."
  }
  assert {
    condition     = output.deployer_function_name == "ecs-deployments-ecr-deployer"
    error_message = "The deployer's outputs must stay set."
  }
}

run "deployer_off_removes_every_deployer_resource" {
  command = plan

  variables {
    create_deployer             = false
    deployer_passable_role_arns = ["arn:aws:iam::123456789012:role/app-task"]
  }

  assert {
    condition = alltrue([for n in [
      length(aws_lambda_function.deployer_function), length(aws_iam_role.deployer_role),
      length(aws_iam_role_policy.deployer_role_policy), length(aws_cloudwatch_log_group.deployer_log_group),
      length(aws_sqs_queue.deployer_dlq), length(aws_sqs_queue_policy.deployer_dlq_queue_policy),
      length(aws_cloudwatch_event_rule.deployer_rule), length(aws_cloudwatch_event_target.deployer_target),
      length(aws_lambda_permission.deployer_permission), length(aws_lambda_function_event_invoke_config.deployer_async_config),
      length(data.aws_iam_policy_document.deployer_policy), length(data.aws_iam_policy_document.deployer_pass_role_policy),
      length(aws_sqs_queue.deployer_rollout_queue), length(aws_sqs_queue.deployer_rollout_dlq),
      length(aws_sqs_queue_redrive_allow_policy.deployer_rollout_dlq_redrive_allow_policy),
      length(aws_lambda_function.deployer_rollout_function), length(aws_lambda_event_source_mapping.deployer_rollout_mapping),
      length(aws_iam_role.deployer_rollout_role), length(aws_iam_role_policy.deployer_rollout_role_policy),
      length(aws_cloudwatch_log_group.deployer_rollout_log_group), length(data.aws_iam_policy_document.deployer_rollout_policy),
      length(data.aws_iam_policy_document.deployer_rollout_assume_role),
    ] : n == 0])
    error_message = "create_deployer = false must remove every deployer resource (the rollout queue, its DLQ and function too), even with passable roles given."
  }
  assert {
    condition = alltrue([for o in [
      output.deployer_function_arn, output.deployer_function_name, output.deployer_role_arn,
      output.deployer_dlq_url, output.deployer_rule_arn, output.deployer_log_group_name,
      output.deployer_rollout_queue_url, output.deployer_rollout_queue_arn, output.deployer_rollout_dlq_url,
      output.deployer_rollout_dlq_arn, output.deployer_rollout_function_arn, output.deployer_rollout_function_name,
      output.deployer_rollout_role_arn, output.deployer_rollout_log_group_name,
    ] : o == null])
    error_message = "Every deployer output must be null when the deployer is off."
  }
  assert {
    condition     = length(aws_lambda_function.tracker_function) == 1 && output.api_key_secret_arn != null
    error_message = "Turning the deployer off must leave the tracker alone."
  }
}

run "both_off_with_regions_leaves_nothing" {
  command = plan

  variables {
    create_tracker  = false
    create_deployer = false
    create_alarms   = true
    regions         = ["eu-central-1", "us-east-1"]
  }

  assert {
    condition = alltrue([for n in [
      length(aws_iam_role.event_forwarding_role), length(aws_iam_role_policy.event_forwarding_role_policy),
      length(aws_cloudwatch_event_rule.tracker_forward_rule), length(aws_cloudwatch_event_rule.deployer_forward_rule),
      length(aws_cloudwatch_event_target.tracker_forward_target), length(aws_cloudwatch_event_target.deployer_forward_target),
      length(aws_cloudwatch_metric_alarm.tracker_errors_alarm), length(aws_cloudwatch_metric_alarm.deployer_dlq_alarm),
      length(aws_cloudwatch_metric_alarm.deployer_rollout_errors_alarm), length(aws_cloudwatch_metric_alarm.deployer_rollout_age_alarm),
      length(aws_cloudwatch_metric_alarm.deployer_unreadable_task_definitions_alarm),
      length(aws_lambda_function.tracker_function), length(aws_lambda_function.deployer_function),
    ] : n == 0])
    error_message = "With both functions off there is nothing to forward or alarm on."
  }
  assert {
    condition = alltrue([for o in [
      output.tracker_function_arn, output.deployer_function_arn, output.event_forwarding_role_arn, output.api_key_secret_arn,
    ] : o == null])
    error_message = "Every output must be null with both functions off."
  }
}

run "alarms_watch_each_function_and_its_dlq" {
  command = plan

  variables {
    create_alarms = true
    alarm_actions = ["arn:aws:sns:eu-west-1:123456789012:oncall"]
  }

  assert {
    condition = alltrue([for a in [
      aws_cloudwatch_metric_alarm.tracker_errors_alarm, aws_cloudwatch_metric_alarm.tracker_dlq_alarm,
      aws_cloudwatch_metric_alarm.deployer_errors_alarm, aws_cloudwatch_metric_alarm.deployer_dlq_alarm,
    ] : length(a) == 1 && a[0].alarm_actions == toset(["arn:aws:sns:eu-west-1:123456789012:oncall"]) && a[0].threshold == 0 && a[0].comparison_operator == "GreaterThanThreshold"])
    error_message = "Four alarms, each notifying the alarm actions on the first occurrence."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.tracker_errors_alarm[0].dimensions == tomap({ FunctionName = aws_lambda_function.tracker_function[0].function_name }) && aws_cloudwatch_metric_alarm.tracker_errors_alarm[0].namespace == "AWS/Lambda" && aws_cloudwatch_metric_alarm.tracker_errors_alarm[0].metric_name == "Errors"
    error_message = "The tracker's errors alarm must watch the tracker's Errors metric."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.deployer_dlq_alarm[0].dimensions == tomap({ QueueName = aws_sqs_queue.deployer_dlq[0].name }) && aws_cloudwatch_metric_alarm.deployer_dlq_alarm[0].metric_name == "ApproximateNumberOfMessagesVisible"
    error_message = "The deployer's DLQ alarm must watch the deployer's own queue."
  }
}

run "alarms_for_the_remaining_function_only" {
  command = plan

  variables {
    create_alarms  = true
    create_tracker = false
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.tracker_errors_alarm) + length(aws_cloudwatch_metric_alarm.tracker_dlq_alarm) == 0 && length(aws_cloudwatch_metric_alarm.deployer_errors_alarm) + length(aws_cloudwatch_metric_alarm.deployer_dlq_alarm) + length(aws_cloudwatch_metric_alarm.deployer_rollout_errors_alarm) + length(aws_cloudwatch_metric_alarm.deployer_rollout_dlq_alarm) + length(aws_cloudwatch_metric_alarm.deployer_rollout_age_alarm) + length(aws_cloudwatch_metric_alarm.deployer_unreadable_task_definitions_alarm) == 6
    error_message = "Alarms exist only for functions that exist."
  }
}

run "tags_reach_every_taggable_resource" {
  command = plan

  variables {
    tags          = { team = "platform" }
    create_alarms = true
    regions       = ["eu-central-1"]
  }

  assert {
    condition = alltrue([for t in [
      aws_lambda_function.tracker_function[0].tags, aws_iam_role.deployer_role[0].tags,
      aws_sqs_queue.tracker_dlq[0].tags, aws_cloudwatch_log_group.deployer_log_group[0].tags,
      aws_cloudwatch_event_rule.tracker_rule[0].tags, aws_secretsmanager_secret.tracker_api_key[0].tags,
      aws_cloudwatch_metric_alarm.deployer_errors_alarm[0].tags, aws_iam_role.event_forwarding_role[0].tags,
      aws_cloudwatch_event_rule.deployer_forward_rule["eu-central-1"].tags,
      aws_sqs_queue.deployer_rollout_queue[0].tags, aws_sqs_queue.deployer_rollout_dlq[0].tags,
      aws_lambda_function.deployer_rollout_function[0].tags, aws_lambda_event_source_mapping.deployer_rollout_mapping[0].tags,
      aws_iam_role.deployer_rollout_role[0].tags, aws_cloudwatch_metric_alarm.deployer_rollout_age_alarm[0].tags,
    ] : t == tomap({ team = "platform" })])
    error_message = "The tags input must reach every taggable resource."
  }
}
