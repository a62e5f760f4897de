# The pattern with a mock provider: the task definition's image is whatever the parameter
# holds, the service runs the task definition Terraform compares with, a plan after apply
# keeps both, and a change in HCL keeps the image the parameter names. What the mock cannot
# show (docs/beside-terraform.md): that a real plan refreshes the parameter with the
# deployer's value and track_latest with the deployer's revision.

mock_provider "aws" {
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }
  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
  mock_data "aws_region" {
    defaults = {
      region = "eu-west-1"
    }
  }
}

override_resource {
  target = aws_iam_role.execution
  values = {
    arn = "arn:aws:iam::123456789012:role/web-execution"
  }
}

variables {
  # What the parameter holds after the deployer rolled v2 out.
  initial_image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:v2@sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
}

run "image_from_the_parameter_and_service_on_the_tracked_revision" {
  command = plan

  # The revision the deployer registered, as track_latest reports it.
  override_resource {
    target          = aws_ecs_task_definition.app
    override_during = plan
    values = {
      arn = "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:8"
    }
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.app.container_definitions)[0].image == aws_ssm_parameter.app_image.insecure_value
    error_message = "The container's image is the parameter's value."
  }
  assert {
    condition     = aws_ecs_task_definition.app.track_latest == true
    error_message = "The task definition follows the family's latest ACTIVE revision."
  }
  assert {
    condition     = aws_ecs_service.app.task_definition == "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:8"
    error_message = "The service runs the revision the task definition resource reports."
  }
  assert {
    condition     = aws_ssm_parameter.app_image.type == "String" && aws_ssm_parameter.app_image.name == "/ecs-deployments/images/example/web/app"
    error_message = "The parameter is the String the deployer writes: /<name_prefix>/images/<cluster>/<service>/<container>."
  }
  assert {
    condition     = aws_ecs_service.app.tags["ecs-deployments:publish"] == "true" && aws_ecs_service.app.tags["ecs-deployments:follow"] == "v+"
    error_message = "The service follows v+ tags and asks for its image to be published."
  }
}

run "apply" {
  command = apply

  override_resource {
    target = aws_ecs_task_definition.app
    values = {
      arn = "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:8"
    }
  }
}

run "unchanged_plan_after_apply" {
  command = plan

  # Known values equal to the applied ones: nothing is replaced, the service keeps its revision.
  assert {
    condition     = aws_ecs_task_definition.app.arn == run.apply.task_definition_arn && aws_ecs_service.app.task_definition == run.apply.task_definition_arn
    error_message = "A plan of the unchanged configuration keeps the task definition and the service's revision."
  }
  assert {
    condition     = aws_ssm_parameter.app_image.insecure_value == run.apply.image && jsondecode(aws_ecs_task_definition.app.container_definitions)[0].image == run.apply.image
    error_message = "A plan of the unchanged configuration keeps the image."
  }
}

run "hcl_change_keeps_the_deployed_image" {
  command = plan

  variables {
    # A team's own change, and an initial image that no longer applies.
    environment   = { MODE = "production" }
    initial_image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:v1"
  }

  assert {
    condition     = aws_ssm_parameter.app_image.insecure_value == run.apply.image
    error_message = "ignore_changes keeps Terraform from writing the parameter back."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.app.container_definitions)[0].image == run.apply.image && jsondecode(aws_ecs_task_definition.app.container_definitions)[0].environment == [{ name = "MODE", value = "production" }]
    error_message = "The new revision carries the change and the image the parameter names."
  }
}
