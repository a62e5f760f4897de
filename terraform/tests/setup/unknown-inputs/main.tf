# A root configuration the way users write one: the task roles, the KMS key, the alarm
# topic and (optionally) the API key secret are created next to the module, so their
# ARNs are unknown until apply. The module must plan anyway.

terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

variable "use_existing_secret" {
  description = "Whether to pass a secret created here instead of letting the module create one."
  type        = bool
  default     = false
}

variable "regions" {
  description = "List of further regions the module handles."
  type        = list(string)
  default     = ["eu-central-1", "us-east-1"]
}

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "task" {
  for_each = toset(["web", "worker"])

  name               = "app-${each.key}-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

resource "aws_iam_role" "execution" {
  name               = "app-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

resource "aws_kms_key" "this" {
  description         = "Encrypts the deployment tracker's secret, the DLQs and the log groups"
  enable_key_rotation = true
}

resource "aws_sns_topic" "alarms" {
  name = "ecs-deployments-alarms"
}

resource "aws_secretsmanager_secret" "api_key" {
  count = var.use_existing_secret ? 1 : 0

  name       = "cardinal-api-key"
  kms_key_id = aws_kms_key.this.arn
}

module "ecs_deployments" {
  source = "../../.."

  name_prefix = "unknown-inputs"
  regions     = var.regions
  kms_key_arn = aws_kms_key.this.arn

  create_api_key_secret = !var.use_existing_secret
  api_key_secret_arn    = one(aws_secretsmanager_secret.api_key[*].arn)

  deployer_allowed_clusters   = ["prod"]
  deployer_passable_role_arns = concat([for role in aws_iam_role.task : role.arn], [aws_iam_role.execution.arn])

  create_alarms = true
  alarm_actions = [aws_sns_topic.alarms.arn]

  tags = {
    team = "platform"
  }
}

output "tracker_function_name" {
  description = "The name of the deployment tracker function."
  value       = module.ecs_deployments.tracker_function_name
}

output "deployer_function_name" {
  description = "The name of the ECR deployer function."
  value       = module.ecs_deployments.deployer_function_name
}

output "api_key_secret_arn" {
  description = "The ARN of the secret the tracker reads."
  value       = module.ecs_deployments.api_key_secret_arn
}

output "event_forwarding_role_arn" {
  description = "The ARN of the forwarding role."
  value       = module.ecs_deployments.event_forwarding_role_arn
}
