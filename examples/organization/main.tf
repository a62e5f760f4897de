# One central (tooling) account runs the functions and holds ECR; two workload accounts run
# the services. Each workload account gets the workload-account module, applied with a
# provider alias that reaches into it; the central module links both.

# The central account: the provider of the credentials Terraform runs with.
provider "aws" {
  region = var.central_region
}

provider "aws" {
  alias  = "staging"
  region = var.central_region
  assume_role {
    role_arn = var.staging_terraform_role_arn
  }
}

provider "aws" {
  alias  = "production"
  region = var.central_region
  assume_role {
    role_arn = var.production_terraform_role_arn
  }
}

module "ecs_deployments" {
  source = "../../terraform"

  name_prefix = var.name_prefix

  # The accounts whose deployments are recorded (and, once rolled out there, deployed to),
  # with the regions their workload-account modules forward from.
  linked_accounts = [
    { id = var.staging_account_id, regions = [var.central_region], external_id = var.external_id },
    { id = var.production_account_id, regions = concat([var.central_region], var.production_regions), external_id = var.external_id },
  ]
  # The bus accepts the linked accounts' events only from inside the organization.
  organization_id = var.organization_id

  deployer_allowed_clusters = ["platform"]
}

module "workload_staging" {
  source    = "../../terraform/modules/workload-account"
  providers = { aws = aws.staging }

  name_prefix           = var.name_prefix
  central_event_bus_arn = module.ecs_deployments.event_bus_arn
  tracker_role_arn      = module.ecs_deployments.tracker_role_arn
  deployer_role_arns    = [module.ecs_deployments.deployer_role_arn, module.ecs_deployments.deployer_rollout_role_arn]
  external_id           = var.external_id
  organization_id       = var.organization_id

  deployer_allowed_clusters   = ["staging"]
  deployer_passable_role_arns = var.staging_passable_role_arns
}

module "workload_production" {
  source    = "../../terraform/modules/workload-account"
  providers = { aws = aws.production }

  name_prefix           = var.name_prefix
  central_event_bus_arn = module.ecs_deployments.event_bus_arn
  tracker_role_arn      = module.ecs_deployments.tracker_role_arn
  deployer_role_arns    = [module.ecs_deployments.deployer_role_arn, module.ecs_deployments.deployer_rollout_role_arn]
  external_id           = var.external_id
  organization_id       = var.organization_id

  regions                     = var.production_regions
  deployer_allowed_clusters   = ["prod"]
  deployer_passable_role_arns = var.production_passable_role_arns
}
