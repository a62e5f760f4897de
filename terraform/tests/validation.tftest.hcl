# Every validated input refuses a hostile value at plan time with its own message, and
# accepts the valid edge values: GovCloud, China and the newest regions and partitions.

mock_provider "aws" {
  # Shared mock data and overrides: tests/mocks/aws/module.tfmock.hcl.
  source = "./tests/mocks/aws"
}

run "refuses_name_prefix_with_shell_characters" {
  command = plan

  variables {
    name_prefix = "x;rm -rf /"
  }

  expect_failures = [var.name_prefix]
}

run "refuses_name_prefix_too_long_for_resource_names" {
  command = plan

  variables {
    name_prefix = "abcdefghijklmnopqrstuvwxyz0123456"
  }

  expect_failures = [var.name_prefix]
}

run "refuses_regions_not_a_region_name" {
  command = plan

  variables {
    regions = ["eu-central-1", "EU_WEST_1"]
  }

  expect_failures = [var.regions]
}

run "refuses_regions_with_a_trailing_space" {
  command = plan

  variables {
    regions = ["us-east-1 "]
  }

  expect_failures = [var.regions]
}

run "refuses_kms_key_alias" {
  command = plan

  variables {
    kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:alias/mine"
  }

  expect_failures = [var.kms_key_arn]
}

run "refuses_log_retention_not_offered" {
  command = plan

  variables {
    log_retention_in_days = 31
  }

  expect_failures = [var.log_retention_in_days]
}

run "refuses_log_level_unknown" {
  command = plan

  variables {
    log_level = "TRACE"
  }

  expect_failures = [var.log_level]
}

run "refuses_plain_http_endpoint" {
  command = plan

  variables {
    tracker_endpoint_url = "http://app.cardinalhq.io/_/chip/workloads"
  }

  expect_failures = [var.tracker_endpoint_url]
}

run "refuses_header_injection" {
  command = plan

  variables {
    tracker_api_key_header = "x-key\r\nInjected: 1"
  }

  expect_failures = [var.tracker_api_key_header]
}

run "refuses_secret_arn_of_another_service" {
  command = plan

  variables {
    create_api_key_secret = false
    api_key_secret_arn    = "arn:aws:ssm:eu-west-1:123456789012:parameter/api-key"
  }

  expect_failures = [var.api_key_secret_arn]
}

run "refuses_no_secret_and_no_arn" {
  command = plan

  variables {
    create_api_key_secret = false
  }

  expect_failures = [var.api_key_secret_arn]
}

run "refuses_short_account_id" {
  command = plan

  variables {
    tracker_ecr_account_ids = ["12345"]
  }

  expect_failures = [var.tracker_ecr_account_ids]
}

run "refuses_cluster_arn_instead_of_name" {
  command = plan

  variables {
    deployer_allowed_clusters = ["arn:aws:ecs:eu-west-1:123456789012:cluster/prod"]
  }

  expect_failures = [var.deployer_allowed_clusters]
}

run "refuses_reserved_tag_key" {
  command = plan

  variables {
    deployer_opt_in_tag_key = "aws:follow"
  }

  expect_failures = [var.deployer_opt_in_tag_key]
}

run "refuses_pattern_with_shell_characters" {
  command = plan

  variables {
    deployer_default_tag_pattern = "$(id)"
  }

  expect_failures = [var.deployer_default_tag_pattern]
}

run "refuses_unknown_pin_mode" {
  command = plan

  variables {
    deployer_image_pin = "latest"
  }

  expect_failures = [var.deployer_image_pin]
}

run "refuses_user_arn_as_passable_role" {
  command = plan

  variables {
    deployer_passable_role_arns = ["arn:aws:iam::123456789012:user/bob"]
  }

  expect_failures = [var.deployer_passable_role_arns]
}

run "refuses_zero_reserved_concurrency" {
  command = plan

  variables {
    deployer_reserved_concurrency = 0
  }

  expect_failures = [var.deployer_reserved_concurrency]
}

run "refuses_fractional_reserved_concurrency" {
  command = plan

  variables {
    deployer_reserved_concurrency = 1.5
  }

  expect_failures = [var.deployer_reserved_concurrency]
}

run "accepts_govcloud_china_and_new_regions" {
  command = plan

  variables {
    regions = ["us-gov-west-1", "ap-southeast-5", "eu-central-2", "cn-north-1", "mx-central-1", "eusc-de-east-1"]
  }

  assert {
    condition     = length(aws_cloudwatch_event_rule.tracker_forward_rule) == 6
    error_message = "Every valid region must be accepted and forwarded."
  }
}

run "accepts_arns_in_every_partition" {
  command = plan

  variables {
    kms_key_arn           = "arn:aws-cn:kms:cn-north-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    create_api_key_secret = false
    api_key_secret_arn    = "arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:api-key-AbCdEf"
    deployer_passable_role_arns = [
      "arn:aws-cn:iam::123456789012:role/app-task",
      "arn:aws-us-gov:iam::123456789012:role/service-role/app-execution",
      "arn:aws:iam::123456789012:role/app.with+chars@x",
    ]
    tracker_ecr_account_ids = ["000000000000"]
  }

  assert {
    condition     = aws_lambda_function.tracker_function[0].environment[0].variables["API_KEY_SECRET_ARN"] == "arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:api-key-AbCdEf"
    error_message = "An aws-us-gov secret ARN must be accepted and used."
  }
  assert {
    condition     = length(one(data.aws_iam_policy_document.deployer_pass_role_policy[0].statement).resources) == 3
    error_message = "aws-cn, aws-us-gov and aws role ARNs must all be accepted."
  }
}

run "accepts_edge_values_of_the_other_inputs" {
  command = plan

  variables {
    name_prefix                   = "a"
    log_retention_in_days         = 3653
    tracker_endpoint_url          = "https://10.0.0.1:8443/x?y=1"
    tracker_api_key_header        = "X-Api-Key"
    deployer_allowed_clusters     = ["c", "Prod_Cluster-2"]
    deployer_opt_in_tag_key       = "team.platform/follow=yes+@ -x"
    deployer_default_tag_pattern  = "v*,release-?.?"
    deployer_reserved_concurrency = 10
  }

  assert {
    condition     = aws_lambda_function.tracker_function[0].function_name == "a-deployment-tracker" && aws_lambda_function.deployer_function[0].reserved_concurrent_executions == 10
    error_message = "Edge values must be accepted and used."
  }
}
