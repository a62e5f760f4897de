# Publishing deployed images: off by default; when on, the deployer may read and write
# SSM parameters under /<name_prefix>/images/ in every region it acts in, and nothing else.

mock_provider "aws" {
  mock_data "aws_iam_policy_document" {
    override_during = plan
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
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

run "off_by_default" {
  command = plan

  assert {
    condition     = length(data.aws_iam_policy_document.deployer_publish_policy) == 0
    error_message = "Without deployer_publish_images the deployer gets no SSM permission."
  }
  assert {
    condition     = aws_lambda_function.deployer_function[0].environment[0].variables["PUBLISH_IMAGES"] == "false"
    error_message = "The deployer publishes nothing by default."
  }
  assert {
    condition     = aws_lambda_function.deployer_function[0].environment[0].variables["IMAGE_PARAMETER_PATH"] == "/ecs-deployments/images"
    error_message = "The parameter path follows the default name_prefix."
  }
}

run "on_in_every_region_under_the_path_only" {
  command = plan

  variables {
    name_prefix             = "platform"
    regions                 = ["eu-central-1"]
    deployer_publish_images = true
  }

  assert {
    condition     = aws_lambda_function.deployer_function[0].environment[0].variables["PUBLISH_IMAGES"] == "true" && aws_lambda_function.deployer_function[0].environment[0].variables["IMAGE_PARAMETER_PATH"] == "/platform/images"
    error_message = "The deployer is told to publish, under /<name_prefix>/images."
  }
  assert {
    condition     = one(data.aws_iam_policy_document.deployer_publish_policy[0].statement).actions == toset(["ssm:GetParameter", "ssm:PutParameter"])
    error_message = "Publishing grants GetParameter and PutParameter, nothing else."
  }
  assert {
    condition     = one(data.aws_iam_policy_document.deployer_publish_policy[0].statement).resources == toset(["arn:aws:ssm:eu-west-1:123456789012:parameter/platform/images/*", "arn:aws:ssm:eu-central-1:123456789012:parameter/platform/images/*"])
    error_message = "Only parameters under /platform/images/, in the home and the forwarding region."
  }
  assert {
    condition     = alltrue([for s in data.aws_iam_policy_document.deployer_policy[0].statement : alltrue([for a in s.actions : !startswith(a, "ssm:")])])
    error_message = "No other statement of the deployer's policy grants an ssm action."
  }
}

run "no_permission_without_the_deployer" {
  command = plan

  variables {
    create_deployer         = false
    deployer_publish_images = true
  }

  assert {
    condition     = length(data.aws_iam_policy_document.deployer_publish_policy) == 0
    error_message = "No deployer, no SSM permission."
  }
}

run "null_is_refused" {
  command = plan

  variables {
    deployer_publish_images = null
  }

  expect_failures = [var.deployer_publish_images]
}
