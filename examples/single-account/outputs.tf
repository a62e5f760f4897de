output "tracker_function_name" {
  description = "The name of the deployment tracker function."
  value       = module.ecs_deployments.tracker_function_name
}

output "tracker_log_group_name" {
  description = "The name of the tracker's CloudWatch log group."
  value       = module.ecs_deployments.tracker_log_group_name
}

output "tracker_dlq_url" {
  description = "The URL of the queue that keeps deployment events the tracker could not deliver."
  value       = module.ecs_deployments.tracker_dlq_url
}

output "api_key_secret_arn" {
  description = "The ARN of the secret that holds the API key."
  value       = module.ecs_deployments.api_key_secret_arn
}

output "deployer_function_name" {
  description = "The name of the ECR deployer function."
  value       = module.ecs_deployments.deployer_function_name
}

output "deployer_log_group_name" {
  description = "The name of the deployer's CloudWatch log group."
  value       = module.ecs_deployments.deployer_log_group_name
}

output "deployer_dlq_url" {
  description = "The URL of the queue that keeps push events the deployer could not handle."
  value       = module.ecs_deployments.deployer_dlq_url
}

output "deployer_rollout_log_group_name" {
  description = "The name of the rollout function's CloudWatch log group: what the deployer registered and updated."
  value       = module.ecs_deployments.deployer_rollout_log_group_name
}

output "deployer_rollout_dlq_url" {
  description = "The URL of the queue that keeps rollout items that failed every receive (redrive --function rollout)."
  value       = module.ecs_deployments.deployer_rollout_dlq_url
}
