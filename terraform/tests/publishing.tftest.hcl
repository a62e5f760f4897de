# Publishing deployed images: off by default; when on, the deployer may read and write
# SSM parameters under /<name_prefix>/images/ in every region it acts in, and nothing else.

mock_provider "aws" {
  # Shared mock data and overrides: tests/mocks/aws/module.tfmock.hcl.
  source = "./tests/mocks/aws"
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
    condition     = alltrue([for s in concat(data.aws_iam_policy_document.deployer_policy[0].statement, data.aws_iam_policy_document.deployer_rollout_policy[0].statement) : alltrue([for a in s.actions : !startswith(a, "ssm:")])])
    error_message = "No other statement of the deployer's policies grants an ssm action."
  }
  assert {
    condition     = data.aws_iam_policy_document.deployer_rollout_policy[0].source_policy_documents == tolist([data.aws_iam_policy_document.deployer_publish_policy[0].json])
    error_message = "The rollout function writes the parameters (the push function's statements grant no ssm action, above)."
  }
  assert {
    condition     = aws_lambda_function.deployer_rollout_function[0].environment[0].variables["PUBLISH_IMAGES"] == "true" && aws_lambda_function.deployer_rollout_function[0].environment[0].variables["IMAGE_PARAMETER_PATH"] == "/platform/images"
    error_message = "The rollout function, which writes the parameters, is told to publish under /<name_prefix>/images."
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
