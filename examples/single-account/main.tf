provider "aws" {
  region = var.region

  default_tags {
    tags = {
      example = "ecs-deployments/single-account"
    }
  }
}

module "ecs_deployments" {
  source = "../../terraform"

  name_prefix = var.name_prefix
  tags        = var.tags

  # deployment-tracker: one record per finished ECS deployment, POSTed to the endpoint.
  tracker_endpoint_url = var.tracker_endpoint_url
  # Written to the created secret as a write-only value: never stored in Terraform state.
  api_key         = var.api_key
  api_key_version = var.api_key_version

  # ecr-deployer: a push to ECR rolls out to the services that opted in with the tag
  # `ecs-deployments:follow = "<tag pattern>"`, in these clusters only.
  create_deployer           = true
  deployer_allowed_clusters = var.allowed_clusters
  deployer_dry_run          = var.deployer_dry_run
  # Every task and execution role your task definitions use: registering a revision
  # passes them to ECS. A role missing here makes RegisterTaskDefinition fail (dry-run
  # does not register, so it cannot tell).
  deployer_passable_role_arns = var.passable_role_arns

  create_alarms = length(var.alarm_actions) > 0
  alarm_actions = var.alarm_actions
}
