output "tracker_function_arn" {
  description = "The ARN of the deployment tracker function."
  value       = module.ecs_deployments.tracker_function_arn
}

output "tracker_rule_arn" {
  description = "The ARN of the EventBridge rule that triggers the tracker in the home region."
  value       = module.ecs_deployments.tracker_rule_arn
}

output "tracker_dlq_url" {
  description = "The URL of the queue that keeps deployment events the tracker could not deliver."
  value       = module.ecs_deployments.tracker_dlq_url
}

output "api_key_secret_arn" {
  description = "The ARN of the secret the tracker reads the API key from."
  value       = module.ecs_deployments.api_key_secret_arn
}

output "deployer_function_arn" {
  description = "The ARN of the ECR deployer function."
  value       = module.ecs_deployments.deployer_function_arn
}

output "deployer_role_arn" {
  description = "The ARN of the deployer's execution role."
  value       = module.ecs_deployments.deployer_role_arn
}

output "deployer_dlq_url" {
  description = "The URL of the queue that keeps push events the deployer could not handle."
  value       = module.ecs_deployments.deployer_dlq_url
}

output "event_forwarding_role_arn" {
  description = "The ARN of the role that EventBridge uses to forward events from the other regions."
  value       = module.ecs_deployments.event_forwarding_role_arn
}

output "deployer_rollout_role_arn" {
  description = "The ARN of the rollout function's role: the only one that registers task definitions and updates services."
  value       = module.ecs_deployments.deployer_rollout_role_arn
}

output "deployer_rollout_dlq_url" {
  description = "The URL of the queue that keeps rollout items that failed every receive (redrive --function rollout)."
  value       = module.ecs_deployments.deployer_rollout_dlq_url
}
