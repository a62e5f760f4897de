# A customer KMS key for the secret, the DLQs and the log groups, in any partition.

mock_provider "aws" {
  # Shared mock data and overrides: tests/mocks/aws/module.tfmock.hcl.
  source = "./tests/mocks/aws"
}

run "aws_managed_keys_without_kms_key_arn" {
  command = plan

  assert {
    condition = alltrue([for r in [
      aws_sqs_queue.tracker_dlq[0].kms_master_key_id, aws_sqs_queue.deployer_dlq[0].kms_master_key_id,
      aws_sqs_queue.deployer_rollout_queue[0].kms_master_key_id, aws_sqs_queue.deployer_rollout_dlq[0].kms_master_key_id,
      aws_cloudwatch_log_group.tracker_log_group[0].kms_key_id, aws_secretsmanager_secret.tracker_api_key[0].kms_key_id,
    ] : r == null])
    error_message = "Without kms_key_arn nothing names a customer key."
  }
  assert {
    condition     = alltrue([for s in concat(data.aws_iam_policy_document.tracker_policy[0].statement, data.aws_iam_policy_document.deployer_policy[0].statement, data.aws_iam_policy_document.deployer_rollout_policy[0].statement) : s.sid != "UseCustomerKmsKey"])
    error_message = "Without a key no KMS statement."
  }
  assert {
    condition     = alltrue([for q in [aws_sqs_queue.deployer_rollout_queue[0], aws_sqs_queue.deployer_rollout_dlq[0]] : q.sqs_managed_sse_enabled == true])
    error_message = "Without a key the rollout queue and its DLQ are encrypted with SQS-managed keys."
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
      aws_sqs_queue.deployer_rollout_queue[0].kms_master_key_id, aws_sqs_queue.deployer_rollout_dlq[0].kms_master_key_id,
      aws_cloudwatch_log_group.deployer_rollout_log_group[0].kms_key_id,
      aws_secretsmanager_secret.tracker_api_key[0].kms_key_id,
    ] : r == "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"])
    error_message = "The key must encrypt every queue, every log group and the secret."
  }
  assert {
    condition     = alltrue([for q in [aws_sqs_queue.deployer_rollout_queue[0], aws_sqs_queue.deployer_rollout_dlq[0]] : q.sqs_managed_sse_enabled == null])
    error_message = "With a key, SQS-managed SSE stays unset on the rollout queues (SQS refuses both)."
  }
  assert {
    condition     = one([for s in data.aws_iam_policy_document.deployer_rollout_policy[0].statement : s if s.sid == "UseCustomerKmsKey"]).actions == toset(["kms:Decrypt"]) && one([for s in data.aws_iam_policy_document.deployer_rollout_policy[0].statement : s if s.sid == "UseCustomerKmsKey"]).resources == toset(["arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"])
    error_message = "The rollout function only receives from its queue: kms:Decrypt on that key, no data keys."
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
