variable "region" {
  description = "The AWS region to deploy into."
  type        = string
  default     = "eu-west-1"
}

variable "name_prefix" {
  description = "The prefix of every resource name the module creates."
  type        = string
  default     = "ecs-deployments"
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

variable "api_key" {
  description = "The API key for the endpoint. Null creates an empty secret that you fill yourself."
  type        = string
  default     = null
  sensitive   = true
}

variable "api_key_version" {
  description = "The version of api_key; increase it to write a new api_key into the secret."
  type        = number
  default     = 1
}

variable "allowed_clusters" {
  description = "List of names of the ECS clusters whose services the deployer may update."
  type        = list(string)
  default     = ["default"]
}

variable "passable_role_arns" {
  description = "List of ARNs of the task and execution roles of the services the deployer may roll."
  type        = list(string)
  default     = []
}

variable "deployer_dry_run" {
  description = "Whether the deployer only logs what it would deploy."
  type        = bool
  default     = true
}

variable "alarm_actions" {
  description = "List of ARNs (e.g. SNS topics) notified when an alarm fires; empty creates no alarms."
  type        = list(string)
  default     = []
}
