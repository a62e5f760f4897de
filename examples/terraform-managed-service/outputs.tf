output "image_parameter_name" {
  description = "The name of the SSM parameter that holds the image the service runs."
  value       = aws_ssm_parameter.app_image.name
}

output "image" {
  description = "The image the service runs, as the parameter held it at the last plan."
  value       = aws_ssm_parameter.app_image.insecure_value
}

output "task_definition_arn" {
  description = "The ARN of the task definition revision the service runs (the family's latest)."
  value       = aws_ecs_task_definition.app.arn
}

output "deployer_function_name" {
  description = "The name of the deployer's Lambda function (its log group is /aws/lambda/<name>)."
  value       = module.ecs_deployments.deployer_function_name
}
