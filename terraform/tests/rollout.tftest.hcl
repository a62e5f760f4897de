# The fan-out: the push function plans and enqueues one item per new revision on a FIFO
# queue; the rollout function consumes it. Queue, DLQ and mapping settings, the IAM split
# between the two functions, and the validation of the rollout's variables.

mock_provider "aws" {
  # Shared mock data and overrides: tests/mocks/aws/module.tfmock.hcl.
  source = "./tests/mocks/aws"
}

run "rollout_queue_and_dlq_are_fifo_with_a_redrive_policy" {
  command = plan

  assert {
    condition     = aws_sqs_queue.deployer_rollout_queue[0].name == "ecs-deployments-ecr-deployer-rollout.fifo" && aws_sqs_queue.deployer_rollout_dlq[0].name == "ecs-deployments-ecr-deployer-rollout-dlq.fifo"
    error_message = "The queue is <rollout function>.fifo, its DLQ <rollout function>-dlq.fifo."
  }
  assert {
    condition = alltrue([for q in [aws_sqs_queue.deployer_rollout_queue[0], aws_sqs_queue.deployer_rollout_dlq[0]] :
      q.fifo_queue == true && q.content_based_deduplication == false && q.deduplication_scope == "messageGroup"
    && q.fifo_throughput_limit == "perMessageGroupId" && q.sqs_managed_sse_enabled == true && q.max_message_size == 262144])
    error_message = "Both queues are high-throughput FIFO queues, deduplicated by the sender's id per message group, encrypted."
  }
  assert {
    condition     = jsondecode(aws_sqs_queue.deployer_rollout_queue[0].redrive_policy) == { deadLetterTargetArn = "arn:aws:sqs:eu-west-1:123456789012:rollout-dlq.fifo", maxReceiveCount = 10 }
    error_message = "After 10 receives an item moves to the rollout DLQ."
  }
  assert {
    condition     = jsondecode(aws_sqs_queue_redrive_allow_policy.deployer_rollout_dlq_redrive_allow_policy[0].redrive_allow_policy) == { redrivePermission = "byQueue", sourceQueueArns = ["arn:aws:sqs:eu-west-1:123456789012:rollout.fifo"] }
    error_message = "Only the rollout queue may use the rollout DLQ."
  }
  assert {
    condition     = aws_sqs_queue.deployer_rollout_dlq[0].message_retention_seconds == 1209600 && aws_sqs_queue.deployer_rollout_queue[0].message_retention_seconds == 345600
    error_message = "The DLQ keeps items 14 days (time to redrive), the queue 4 days."
  }
  assert {
    condition     = aws_sqs_queue.deployer_rollout_queue[0].visibility_timeout_seconds == 1800 && aws_lambda_function.deployer_rollout_function[0].timeout == 300
    error_message = "The visibility timeout is six times the rollout function's timeout (300 s by default)."
  }
}

run "rollout_function_is_fed_by_the_queue" {
  command = plan

  assert {
    condition     = aws_lambda_function.deployer_rollout_function[0].function_name == "ecs-deployments-ecr-deployer-rollout" && aws_lambda_function.deployer_rollout_function[0].handler == "index.rolloutHandler" && aws_lambda_function.deployer_function[0].handler == "index.handler"
    error_message = "The rollout function runs index.rolloutHandler; the push function keeps index.handler."
  }
  assert {
    condition     = aws_lambda_function.deployer_rollout_function[0].filename == aws_lambda_function.deployer_function[0].filename && aws_lambda_function.deployer_rollout_function[0].source_code_hash == aws_lambda_function.deployer_function[0].source_code_hash
    error_message = "Both functions run the one deployer zip."
  }
  assert {
    condition     = aws_lambda_function.deployer_rollout_function[0].role == aws_iam_role.deployer_rollout_role[0].arn && aws_lambda_function.deployer_rollout_function[0].logging_config[0].log_group == aws_cloudwatch_log_group.deployer_rollout_log_group[0].name
    error_message = "The rollout function has its own role and log group."
  }
  assert {
    condition     = aws_cloudwatch_log_group.deployer_rollout_log_group[0].name == "/aws/lambda/ecs-deployments-ecr-deployer-rollout" && aws_cloudwatch_log_group.deployer_rollout_log_group[0].retention_in_days == 30
    error_message = "The rollout log group is the one Lambda writes to, kept 30 days."
  }
  assert {
    condition     = aws_lambda_event_source_mapping.deployer_rollout_mapping[0].event_source_arn == aws_sqs_queue.deployer_rollout_queue[0].arn && aws_lambda_event_source_mapping.deployer_rollout_mapping[0].function_name == aws_lambda_function.deployer_rollout_function[0].function_name
    error_message = "The mapping feeds the rollout queue to the rollout function."
  }
  assert {
    condition     = aws_lambda_event_source_mapping.deployer_rollout_mapping[0].batch_size == 10 && aws_lambda_event_source_mapping.deployer_rollout_mapping[0].function_response_types == toset(["ReportBatchItemFailures"]) && aws_lambda_event_source_mapping.deployer_rollout_mapping[0].scaling_config[0].maximum_concurrency == 10
    error_message = "Batches of 10, partial batch failures, at most 10 concurrent invocations."
  }
  assert {
    condition     = aws_lambda_function.deployer_function[0].environment[0].variables["ROLLOUT_QUEUE_URL"] == aws_sqs_queue.deployer_rollout_queue[0].url
    error_message = "The push function is told where the rollout queue is."
  }
}

run "only_the_rollout_function_changes_anything" {
  command = plan

  variables {
    deployer_passable_role_arns = ["arn:aws:iam::123456789012:role/app-task"]
    deployer_publish_images     = true
  }

  assert {
    condition = alltrue([for s in concat(
      data.aws_iam_policy_document.deployer_policy[0].statement, data.aws_iam_policy_document.deployer_rollout_policy[0].statement,
      data.aws_iam_policy_document.tracker_policy[0].statement,
      ) : alltrue([for a in s.actions : !strcontains(a, "*")])
    ])
    error_message = "No wildcard action in any policy."
  }
  assert {
    condition = alltrue([for s in data.aws_iam_policy_document.deployer_policy[0].statement : alltrue([for a in s.actions :
    !contains(["ecs:RegisterTaskDefinition", "ecs:UpdateService", "ecs:TagResource", "iam:PassRole", "ssm:PutParameter"], a)])])
    error_message = "The push function registers, updates, tags, passes and publishes nothing."
  }
  assert {
    condition     = data.aws_iam_policy_document.deployer_rollout_policy[0].source_policy_documents == tolist([data.aws_iam_policy_document.deployer_pass_role_policy[0].json, data.aws_iam_policy_document.deployer_publish_policy[0].json])
    error_message = "PassRole and publishing are merged into the rollout function's policy (the push function has no source documents: test/module/iam.test.ts)."
  }
  assert {
    condition     = toset(flatten([for s in data.aws_iam_policy_document.deployer_rollout_policy[0].statement : s.actions])) == toset(["logs:CreateLogStream", "logs:PutLogEvents", "sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage", "ecs:DescribeServices", "ecs:UpdateService", "ecs:DescribeTaskDefinition", "ecs:ListTaskDefinitions", "ecs:RegisterTaskDefinition", "ecs:TagResource", "ecr:DescribeImages"])
    error_message = "The rollout function's own statements grant exactly these actions."
  }
  assert {
    condition     = toset(flatten([for s in data.aws_iam_policy_document.deployer_policy[0].statement : s.actions])) == toset(["logs:CreateLogStream", "logs:PutLogEvents", "sqs:SendMessage", "ecs:ListClusters", "ecs:ListServices", "ecs:DescribeServices", "ecs:DescribeTaskDefinition", "ecr:DescribeImages"])
    error_message = "The push function reads, plans and sends: exactly these actions."
  }
}

run "each_function_reaches_only_its_own_queues" {
  command = plan

  assert {
    condition     = toset(flatten([for s in data.aws_iam_policy_document.deployer_policy[0].statement : s.resources if contains(s.actions, "sqs:SendMessage")])) == toset(["arn:aws:sqs:eu-west-1:123456789012:deployer-dlq", "arn:aws:sqs:eu-west-1:123456789012:rollout.fifo"])
    error_message = "The push function sends to its own DLQ and to the rollout queue, nowhere else."
  }
  assert {
    condition     = one([for s in data.aws_iam_policy_document.deployer_policy[0].statement : s.resources if s.sid == "SendRolloutItemsToOwnQueue"]) == toset(["arn:aws:sqs:eu-west-1:123456789012:rollout.fifo"])
    error_message = "sqs:SendMessage for items only on the rollout queue."
  }
  assert {
    condition     = toset(flatten([for s in data.aws_iam_policy_document.deployer_rollout_policy[0].statement : s.resources if anytrue([for a in s.actions : startswith(a, "sqs:")])])) == toset(["arn:aws:sqs:eu-west-1:123456789012:rollout.fifo"])
    error_message = "The rollout function consumes the rollout queue only; SQS itself moves items to the DLQ."
  }
  assert {
    condition     = one([for s in data.aws_iam_policy_document.deployer_rollout_policy[0].statement : s.resources if s.sid == "WriteOwnLogs"]) == toset(["arn:aws:logs:eu-west-1:123456789012:log-group:rollout:*"])
    error_message = "The rollout function writes its own log group only."
  }
  assert {
    condition     = one(one(data.aws_iam_policy_document.deployer_rollout_assume_role[0].statement).principals).identifiers == toset(["lambda.amazonaws.com"]) && aws_iam_role_policy.deployer_rollout_role_policy[0].role == aws_iam_role.deployer_rollout_role[0].id
    error_message = "Only Lambda assumes the rollout role, and its policy is attached to it."
  }
}

run "rollout_settings_reach_queue_mapping_and_functions" {
  command = plan

  variables {
    deployer_quota_share                 = 0.25
    deployer_rollout_timeout             = 120
    deployer_rollout_batch_size          = 1
    deployer_rollout_maximum_concurrency = 1000
    deployer_rollout_max_receive_count   = 1
    create_alarms                        = true
    deployer_rollout_age_alarm_seconds   = 600
  }

  assert {
    condition     = aws_sqs_queue.deployer_rollout_queue[0].visibility_timeout_seconds == 720 && aws_lambda_function.deployer_rollout_function[0].timeout == 120
    error_message = "A 120 s rollout timeout gives a 720 s visibility timeout."
  }
  assert {
    condition     = aws_lambda_event_source_mapping.deployer_rollout_mapping[0].batch_size == 1 && aws_lambda_event_source_mapping.deployer_rollout_mapping[0].scaling_config[0].maximum_concurrency == 1000
    error_message = "Batch size and maximum concurrency reach the mapping."
  }
  assert {
    condition     = jsondecode(aws_sqs_queue.deployer_rollout_queue[0].redrive_policy).maxReceiveCount == 1
    error_message = "The receive count reaches the redrive policy."
  }
  assert {
    condition     = aws_lambda_function.deployer_function[0].environment[0].variables["QUOTA_SHARE"] == "0.25" && aws_lambda_function.deployer_rollout_function[0].environment[0].variables["QUOTA_SHARE"] == "0.25"
    error_message = "The quota share reaches both functions."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.deployer_rollout_age_alarm[0].threshold == 600 && aws_cloudwatch_metric_alarm.deployer_rollout_age_alarm[0].metric_name == "ApproximateAgeOfOldestMessage" && aws_cloudwatch_metric_alarm.deployer_rollout_age_alarm[0].dimensions == tomap({ QueueName = aws_sqs_queue.deployer_rollout_queue[0].name })
    error_message = "The age alarm watches the rollout queue's oldest item against the threshold given."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.deployer_rollout_dlq_alarm[0].dimensions == tomap({ QueueName = aws_sqs_queue.deployer_rollout_dlq[0].name }) && aws_cloudwatch_metric_alarm.deployer_rollout_errors_alarm[0].dimensions == tomap({ FunctionName = aws_lambda_function.deployer_rollout_function[0].function_name })
    error_message = "The rollout's DLQ and errors alarms watch its own DLQ and function."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.deployer_unreadable_task_definitions_alarm[0].namespace == "ecs-deployments" && aws_cloudwatch_metric_alarm.deployer_unreadable_task_definitions_alarm[0].metric_name == "UnreadableTaskDefinitions" && aws_cloudwatch_metric_alarm.deployer_unreadable_task_definitions_alarm[0].dimensions == tomap({ service = "ecs-deployments-ecr-deployer" }) && aws_cloudwatch_metric_alarm.deployer_unreadable_task_definitions_alarm[0].statistic == "Sum"
    error_message = "The unreadable-task-definition alarm watches the push function's metric, by its service name."
  }
}

run "edge_values_are_accepted" {
  command = plan

  variables {
    deployer_quota_share                 = 1
    deployer_rollout_timeout             = 900
    deployer_rollout_batch_size          = 10
    deployer_rollout_maximum_concurrency = 2
    deployer_rollout_max_receive_count   = 1000
    deployer_rollout_age_alarm_seconds   = 345600
  }

  assert {
    condition     = aws_sqs_queue.deployer_rollout_queue[0].visibility_timeout_seconds == 5400
    error_message = "900 s gives 5400 s, within SQS's 12-hour maximum."
  }
}

run "dry_run_keeps_the_queue" {
  command = plan

  variables {
    deployer_dry_run = true
  }

  assert {
    condition     = length(aws_sqs_queue.deployer_rollout_queue) == 1 && aws_lambda_function.deployer_rollout_function[0].environment[0].variables["DRY_RUN"] == "true"
    error_message = "A dry run keeps the queue and tells the rollout function too."
  }
}

# ---- Hostile values: each refused at plan time by its own validation.

run "refuses_quota_share_zero" {
  command = plan
  variables {
    deployer_quota_share = 0
  }
  expect_failures = [var.deployer_quota_share]
}

run "refuses_quota_share_above_one" {
  command = plan
  variables {
    deployer_quota_share = 1.0001
  }
  expect_failures = [var.deployer_quota_share]
}

run "refuses_quota_share_negative" {
  command = plan
  variables {
    deployer_quota_share = -0.5
  }
  expect_failures = [var.deployer_quota_share]
}

run "refuses_quota_share_null" {
  command = plan
  variables {
    deployer_quota_share = null
  }
  expect_failures = [var.deployer_quota_share]
}

run "refuses_rollout_timeout_below_a_minute" {
  command = plan
  variables {
    deployer_rollout_timeout = 59
  }
  expect_failures = [var.deployer_rollout_timeout]
}

run "refuses_rollout_timeout_above_lambdas_maximum" {
  command = plan
  variables {
    deployer_rollout_timeout = 901
  }
  expect_failures = [var.deployer_rollout_timeout]
}

run "refuses_rollout_timeout_fraction" {
  command = plan
  variables {
    deployer_rollout_timeout = 90.5
  }
  expect_failures = [var.deployer_rollout_timeout]
}

run "refuses_batch_size_above_fifo_maximum" {
  command = plan
  variables {
    deployer_rollout_batch_size = 11
  }
  expect_failures = [var.deployer_rollout_batch_size]
}

run "refuses_batch_size_zero" {
  command = plan
  variables {
    deployer_rollout_batch_size = 0
  }
  expect_failures = [var.deployer_rollout_batch_size]
}

run "refuses_maximum_concurrency_below_two" {
  command = plan
  variables {
    deployer_rollout_maximum_concurrency = 1
  }
  expect_failures = [var.deployer_rollout_maximum_concurrency]
}

run "refuses_maximum_concurrency_above_1000" {
  command = plan
  variables {
    deployer_rollout_maximum_concurrency = 1001
  }
  expect_failures = [var.deployer_rollout_maximum_concurrency]
}

run "refuses_maximum_concurrency_null" {
  command = plan
  variables {
    deployer_rollout_maximum_concurrency = null
  }
  expect_failures = [var.deployer_rollout_maximum_concurrency]
}

run "refuses_max_receive_count_zero" {
  command = plan
  variables {
    deployer_rollout_max_receive_count = 0
  }
  expect_failures = [var.deployer_rollout_max_receive_count]
}

run "refuses_max_receive_count_above_1000" {
  command = plan
  variables {
    deployer_rollout_max_receive_count = 1e9
  }
  expect_failures = [var.deployer_rollout_max_receive_count]
}

run "refuses_age_alarm_below_a_minute" {
  command = plan
  variables {
    deployer_rollout_age_alarm_seconds = 59
  }
  expect_failures = [var.deployer_rollout_age_alarm_seconds]
}

run "refuses_age_alarm_beyond_the_queues_retention" {
  command = plan
  variables {
    deployer_rollout_age_alarm_seconds = 345601
  }
  expect_failures = [var.deployer_rollout_age_alarm_seconds]
}
