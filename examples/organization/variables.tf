variable "central_region" {
  description = "The region of the central (tooling) account where the functions run; also the workload accounts' main region."
  type        = string
  default     = "eu-west-1"
}

variable "name_prefix" {
  description = "The prefix of every resource name, in the central and the workload accounts alike."
  type        = string
  default     = "platform"
}

variable "staging_account_id" {
  description = "The 12-digit id of the staging workload account."
  type        = string
  default     = "222222222222"
}

variable "production_account_id" {
  description = "The 12-digit id of the production workload account."
  type        = string
  default     = "333333333333"
}

variable "production_regions" {
  description = "List of further regions where production runs services (besides central_region)."
  type        = list(string)
  default     = ["us-east-1"]
}

variable "staging_terraform_role_arn" {
  description = "The ARN of the role Terraform assumes to manage the staging account."
  type        = string
  default     = "arn:aws:iam::222222222222:role/terraform"
}

variable "production_terraform_role_arn" {
  description = "The ARN of the role Terraform assumes to manage the production account."
  type        = string
  default     = "arn:aws:iam::333333333333:role/terraform"
}

variable "external_id" {
  description = "The ExternalId the central functions present to the workload accounts' roles (not a secret: it stops other parties' roles from using these trust policies)."
  type        = string
  default     = "ecs-deployments-example-7f3a"
}

variable "organization_id" {
  description = "The AWS Organizations id of all three accounts; null if they are not in one organization."
  type        = string
  default     = "o-a1b2c3d4e5"
}

variable "staging_passable_role_arns" {
  description = "List of ARNs of the staging task and execution roles the deployer may pass to ECS."
  type        = list(string)
  default     = ["arn:aws:iam::222222222222:role/web-task", "arn:aws:iam::222222222222:role/ecsTaskExecutionRole"]
}

variable "production_passable_role_arns" {
  description = "List of ARNs of the production task and execution roles the deployer may pass to ECS."
  type        = list(string)
  default     = ["arn:aws:iam::333333333333:role/web-task", "arn:aws:iam::333333333333:role/ecsTaskExecutionRole"]
}
