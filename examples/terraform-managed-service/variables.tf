variable "region" {
  description = "The AWS region to deploy into."
  type        = string
  default     = "eu-west-1"
}

variable "name_prefix" {
  description = "The prefix of every resource name the module creates, and of the image parameters' path."
  type        = string
  default     = "ecs-deployments"
}

variable "tags" {
  description = "Map of tags added to every resource the module creates."
  type        = map(string)
  default     = {}
}

variable "cluster_name" {
  description = "The name of the ECS cluster."
  type        = string
  default     = "example"
}

variable "service_name" {
  description = "The name of the ECS service, and the family of its task definition."
  type        = string
  default     = "web"
}

variable "initial_image" {
  description = "The image the service starts with, before the first push is rolled out (an ECR image of the repository the service follows)."
  type        = string
  default     = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:v1"
}

variable "follow_tag_pattern" {
  description = "The image-tag pattern the service follows (+ matches any characters)."
  type        = string
  default     = "v+"
}

variable "environment" {
  description = "Map of environment variables of the container."
  type        = map(string)
  default     = {}
}

variable "cpu" {
  description = "The CPU units of the task."
  type        = string
  default     = "256"
}

variable "memory" {
  description = "The memory of the task, in MiB."
  type        = string
  default     = "512"
}

variable "container_port" {
  description = "The port the container listens on."
  type        = number
  default     = 8080
}

variable "desired_count" {
  description = "The number of tasks the service runs."
  type        = number
  default     = 1
}

variable "subnet_ids" {
  description = "List of IDs of the subnets the tasks run in (needed to apply)."
  type        = list(string)
  default     = []
}

variable "security_group_ids" {
  description = "List of IDs of the security groups of the tasks."
  type        = list(string)
  default     = []
}
