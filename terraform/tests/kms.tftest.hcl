# A customer KMS key for the secret, the DLQs and the log groups, in any partition.

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

run "aws_managed_keys_without_kms_key_arn" {
  command = plan

  assert {
    condition = alltrue([for r in [
      aws_sqs_queue.tracker_dlq[0].kms_master_key_id, aws_sqs_queue.deployer_dlq[0].kms_master_key_id,
      aws_cloudwatch_log_group.tracker_log_group[0].kms_key_id, aws_secretsmanager_secret.tracker_api_key[0].kms_key_id,
    ] : r == null])
    error_message = "Without kms_key_arn nothing names a customer key."
  }
  assert {
    condition     = alltrue([for s in concat(data.aws_iam_policy_document.tracker_policy[0].statement, data.aws_iam_policy_document.deployer_policy[0].statement) : s.sid != "UseCustomerKmsKey"])
    error_message = "Without a key no KMS statement."
  }
}

run "customer_key_in_aws_us_gov" {
  command = plan

  variables {
    kms_key_arn = "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition = alltrue([for r in [
      aws_sqs_queue.tracker_dlq[0].kms_master_key_id, aws_sqs_queue.deployer_dlq[0].kms_master_key_id,
      aws_cloudwatch_log_group.tracker_log_group[0].kms_key_id, aws_cloudwatch_log_group.deployer_log_group[0].kms_key_id,
      aws_secretsmanager_secret.tracker_api_key[0].kms_key_id,
    ] : r == "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"])
    error_message = "The key must encrypt both DLQs, both log groups and the secret."
  }
  assert {
    condition = alltrue([for p in [data.aws_iam_policy_document.tracker_policy[0], data.aws_iam_policy_document.deployer_policy[0]] :
      one([for s in p.statement : s if s.sid == "UseCustomerKmsKey"]).resources == toset(["arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"])
    && one([for s in p.statement : s if s.sid == "UseCustomerKmsKey"]).actions == toset(["kms:Decrypt", "kms:GenerateDataKey"])])
    error_message = "Each function may decrypt and generate data keys with that key only."
  }
}

run "multi_region_key" {
  command = plan

  variables {
    kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab"
  }

  assert {
    condition     = aws_sqs_queue.tracker_dlq[0].kms_master_key_id == "arn:aws:kms:eu-west-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab"
    error_message = "A multi-region key (mrk-) is a valid key ARN."
  }
}
