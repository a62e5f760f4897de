# The API key: a created secret (filled by hand, or from api_key as a write-only value
# that never lands in state), or an existing secret named by ARN.

mock_provider "aws" {
  # Shared mock data and overrides: tests/mocks/aws/module.tfmock.hcl.
  source = "./tests/mocks/aws"
}

run "created_secret_without_a_key_is_left_empty" {
  command = plan

  assert {
    condition     = aws_secretsmanager_secret.tracker_api_key[0].name == "ecs-deployments-deployment-tracker-api-key" && aws_secretsmanager_secret.tracker_api_key[0].kms_key_id == null
    error_message = "The created secret is named after the tracker and uses the AWS-managed key."
  }
  assert {
    condition     = length(aws_secretsmanager_secret_version.tracker_api_key_value) == 0
    error_message = "No api_key: no secret version (the user puts the key in)."
  }
}

run "write_only_api_key_is_written_as_a_version" {
  command = plan

  variables {
    api_key         = "not-a-real-key"
    api_key_version = 3
  }

  assert {
    condition     = length(aws_secretsmanager_secret_version.tracker_api_key_value) == 1
    error_message = "An api_key must be written into the created secret."
  }
  assert {
    condition     = aws_secretsmanager_secret_version.tracker_api_key_value[0].secret_id == aws_secretsmanager_secret.tracker_api_key[0].id && aws_secretsmanager_secret_version.tracker_api_key_value[0].secret_string_wo_version == 3
    error_message = "The key goes into the created secret with the given write-only version."
  }
  assert {
    condition     = aws_secretsmanager_secret_version.tracker_api_key_value[0].secret_string == null
    error_message = "The key must be written only through the write-only attribute, never secret_string (state)."
  }
  assert {
    condition     = !strcontains(jsonencode(aws_lambda_function.tracker_function[0].environment[0].variables), "not-a-real-key")
    error_message = "The key must never reach the function's environment."
  }
}

run "existing_secret_in_aws_cn" {
  command = plan

  variables {
    create_api_key_secret = false
    api_key_secret_arn    = "arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:cardinal-api-key-AbCdEf"
    api_key               = "ignored-without-a-created-secret"
  }

  assert {
    condition     = length(aws_secretsmanager_secret.tracker_api_key) == 0 && length(aws_secretsmanager_secret_version.tracker_api_key_value) == 0
    error_message = "An existing secret: nothing is created and nothing written."
  }
  assert {
    condition     = aws_lambda_function.tracker_function[0].environment[0].variables["API_KEY_SECRET_ARN"] == "arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:cardinal-api-key-AbCdEf"
    error_message = "The tracker must read the given secret."
  }
  assert {
    condition     = one([for s in data.aws_iam_policy_document.tracker_policy[0].statement : s.resources if s.sid == "ReadApiKey"]) == toset(["arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:cardinal-api-key-AbCdEf"])
    error_message = "The tracker may read the given secret only."
  }
  assert {
    condition     = output.api_key_secret_arn == "arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:cardinal-api-key-AbCdEf"
    error_message = "The output names the secret in use."
  }
}

run "existing_secret_with_the_tracker_off_outputs_null" {
  command = plan

  variables {
    create_tracker        = false
    create_api_key_secret = false
    api_key_secret_arn    = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:cardinal-api-key-AbCdEf"
  }

  assert {
    condition     = output.api_key_secret_arn == null
    error_message = "api_key_secret_arn is null when create_tracker is false, as documented."
  }
}

run "no_secret_and_no_arn_is_fine_with_the_tracker_off" {
  command = plan

  variables {
    create_tracker        = false
    create_api_key_secret = false
  }

  assert {
    condition     = length(aws_secretsmanager_secret.tracker_api_key) == 0 && output.api_key_secret_arn == null
    error_message = "Without the tracker no secret ARN is needed."
  }
}
