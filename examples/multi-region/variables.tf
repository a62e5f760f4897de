variable "home_region" {
  description = "The region the functions run in; events from the other regions are forwarded here."
  type        = string
  default     = "eu-west-1"
}

variable "regions" {
  description = "List of further regions whose ECS deployments and ECR pushes are handled."
  type        = list(string)
  default     = ["eu-central-1", "us-east-1"]
}

variable "name_prefix" {
  description = "The prefix of every resource name the module creates."
  type        = string
  default     = "ecs-deployments"
}

variable "kms_key_arn" {
  description = "The ARN of a customer KMS key for the secret, the DLQs and the log groups; null uses AWS-managed keys."
  type        = string
  default     = null
}

variable "tags" {
  description = "Map of tags added to every resource."
  type        = map(string)
  default     = {}
}

variable "tracker_endpoint_url" {
  description = "The HTTPS endpoint that receives one record per finished ECS deployment."
  type        = string
  default     = "https://app.cardinalhq.io/_/chip/workloads"
}

variable "api_key_secret_arn" {
  description = "The ARN of an existing Secrets Manager secret that holds the API key; null creates an empty one."
  type        = string
  default     = null
}

variable "ecr_account_ids" {
  description = "List of further AWS account IDs whose ECR repositories hold the services' images."
  type        = list(string)
  default     = []
}

variable "allowed_clusters" {
  description = "List of names of the ECS clusters whose services the deployer may update, in every region."
  type        = list(string)
  default     = ["production"]
}

variable "passable_role_arns" {
  description = "List of ARNs of the task and execution roles the deployer may pass to new task definitions."
  type        = list(string)
  default     = []
}

variable "alarm_actions" {
  description = "List of ARNs (e.g. SNS topics) notified when an alarm fires."
  type        = list(string)
  default     = []
}
