# Inputs that are unknown at plan time, as users have them: ARNs of roles, a KMS key, an
# SNS topic and a secret created in the same configuration. Any count or for_each that
# depends on them fails here with "Invalid count argument" / "Invalid for_each argument".
# No override_during here: mocked ARNs stay unknown during plan, as real ones are.

mock_provider "aws" {}

override_data {
  target = module.ecs_deployments.data.aws_caller_identity.current_account
  values = {
    account_id = "123456789012"
  }
}

override_data {
  target = module.ecs_deployments.data.aws_region.current_region
  values = {
    region = "eu-west-1"
  }
}

override_data {
  target = module.ecs_deployments.data.aws_partition.current_partition
  values = {
    partition = "aws"
  }
}

run "plans_with_roles_key_and_topic_created_alongside" {
  command = plan

  module {
    source = "./tests/setup/unknown-inputs"
  }

  assert {
    condition     = output.tracker_function_name == "unknown-inputs-deployment-tracker" && output.deployer_function_name == "unknown-inputs-ecr-deployer"
    error_message = "Both functions must be planned with unknown key, role and topic ARNs."
  }
}

run "plans_with_a_secret_created_alongside" {
  command = plan

  module {
    source = "./tests/setup/unknown-inputs"
  }

  variables {
    use_existing_secret = true
    regions             = []
  }

  assert {
    condition     = output.tracker_function_name == "unknown-inputs-deployment-tracker"
    error_message = "The tracker must be planned with an unknown existing-secret ARN."
  }
  assert {
    condition     = output.event_forwarding_role_arn == null
    error_message = "No other region: no forwarding role, even with unknown inputs elsewhere."
  }
}
