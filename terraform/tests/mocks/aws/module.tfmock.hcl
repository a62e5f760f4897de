# The mocked hashicorp/aws that the module's test files share (mock_provider "aws" {
# source = "./tests/mocks/aws" }): a valid policy JSON for every policy document, the
# caller's account, region and partition, and distinct known ARNs for what the assertions
# compare. Only the schema comes from the provider; nothing here reaches AWS.

mock_data "aws_iam_policy_document" {
  override_during = plan
  defaults = {
    json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
  }
}

override_data {
  target = data.aws_caller_identity.current_account
  values = {
    account_id = "123456789012"
    arn        = "arn:aws:iam::123456789012:user/test"
  }
}

override_data {
  target = data.aws_region.current_region
  values = {
    region = "eu-west-1"
  }
}

override_data {
  target = data.aws_partition.current_partition
  values = {
    partition  = "aws"
    dns_suffix = "amazonaws.com"
  }
}

# Distinct, known ARNs during plan, so assertions can tell the tracker's queue from the
# deployer's (mocked values are otherwise unknown until apply).
override_resource {
  target          = aws_sqs_queue.tracker_dlq
  override_during = plan
  values = {
    arn = "arn:aws:sqs:eu-west-1:123456789012:tracker-dlq"
    url = "https://sqs.eu-west-1.amazonaws.com/123456789012/tracker-dlq"
  }
}

override_resource {
  target          = aws_sqs_queue.deployer_dlq
  override_during = plan
  values = {
    arn = "arn:aws:sqs:eu-west-1:123456789012:deployer-dlq"
    url = "https://sqs.eu-west-1.amazonaws.com/123456789012/deployer-dlq"
  }
}

override_resource {
  target          = aws_sqs_queue.deployer_rollout_queue
  override_during = plan
  values = {
    arn = "arn:aws:sqs:eu-west-1:123456789012:rollout.fifo"
    url = "https://sqs.eu-west-1.amazonaws.com/123456789012/rollout.fifo"
  }
}

override_resource {
  target          = aws_sqs_queue.deployer_rollout_dlq
  override_during = plan
  values = {
    arn = "arn:aws:sqs:eu-west-1:123456789012:rollout-dlq.fifo"
    url = "https://sqs.eu-west-1.amazonaws.com/123456789012/rollout-dlq.fifo"
  }
}

override_resource {
  target          = aws_lambda_function.deployer_rollout_function
  override_during = plan
  values = {
    arn = "arn:aws:lambda:eu-west-1:123456789012:function:rollout"
  }
}

override_resource {
  target          = aws_cloudwatch_log_group.deployer_rollout_log_group
  override_during = plan
  values = {
    arn = "arn:aws:logs:eu-west-1:123456789012:log-group:rollout"
  }
}

override_resource {
  target          = aws_iam_role.deployer_rollout_role
  override_during = plan
  values = {
    arn = "arn:aws:iam::123456789012:role/rollout"
    id  = "rollout"
  }
}

override_resource {
  target          = aws_lambda_function.tracker_function
  override_during = plan
  values = {
    arn = "arn:aws:lambda:eu-west-1:123456789012:function:tracker"
  }
}

override_resource {
  target          = aws_lambda_function.deployer_function
  override_during = plan
  values = {
    arn = "arn:aws:lambda:eu-west-1:123456789012:function:deployer"
  }
}

override_resource {
  target          = aws_cloudwatch_event_rule.tracker_rule
  override_during = plan
  values = {
    arn = "arn:aws:events:eu-west-1:123456789012:rule/tracker"
  }
}

override_resource {
  target          = aws_cloudwatch_event_rule.deployer_rule
  override_during = plan
  values = {
    arn = "arn:aws:events:eu-west-1:123456789012:rule/deployer"
  }
}

override_resource {
  target          = aws_cloudwatch_log_group.tracker_log_group
  override_during = plan
  values = {
    arn = "arn:aws:logs:eu-west-1:123456789012:log-group:tracker"
  }
}

override_resource {
  target          = aws_cloudwatch_log_group.deployer_log_group
  override_during = plan
  values = {
    arn = "arn:aws:logs:eu-west-1:123456789012:log-group:deployer"
  }
}

override_resource {
  target          = aws_iam_role.tracker_role
  override_during = plan
  values = {
    arn = "arn:aws:iam::123456789012:role/tracker"
    id  = "tracker"
  }
}

override_resource {
  target          = aws_iam_role.event_forwarding_role
  override_during = plan
  values = {
    arn = "arn:aws:iam::123456789012:role/forwarding"
  }
}

override_resource {
  target          = aws_secretsmanager_secret.tracker_api_key
  override_during = plan
  values = {
    arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:api-key-AbCdEf"
    id  = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:api-key-AbCdEf"
  }
}
