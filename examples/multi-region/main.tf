# One module instance and one provider: the provider's region is the home region, where
# the functions run. Rules in var.regions forward their ECS and ECR events to the home
# region's default event bus, and the functions call ECS and ECR in each event's region.
provider "aws" {
  region = var.home_region
}

module "ecs_deployments" {
  source = "../../terraform"

  name_prefix = var.name_prefix
  regions     = var.regions
  # Secret, DLQs and log groups encrypted with your key (null: AWS-managed keys).
  kms_key_arn           = var.kms_key_arn
  log_retention_in_days = 90
  log_level             = "INFO"
  tags                  = var.tags

  # deployment-tracker: reuse a secret that already holds the API key when one is given.
  create_tracker                   = true
  tracker_endpoint_url             = var.tracker_endpoint_url
  tracker_api_key_header           = "x-cardinalhq-api-key"
  tracker_track_failed_deployments = true
  tracker_ecr_account_ids          = var.ecr_account_ids
  create_api_key_secret            = var.api_key_secret_arn == null
  api_key_secret_arn               = var.api_key_secret_arn

  # ecr-deployer: pin services to the pushed digest, in the named clusters only.
  create_deployer              = true
  deployer_allowed_clusters    = var.allowed_clusters
  deployer_opt_in_tag_key      = "ecs-deployments:follow"
  deployer_default_tag_pattern = ""
  deployer_image_pin           = "digest"
  deployer_dry_run             = false
  deployer_passable_role_arns  = var.passable_role_arns

  create_alarms = true
  alarm_actions = var.alarm_actions
}
