output "event_bus_arn" {
  description = "The ARN of the central default event bus the workload accounts forward to."
  value       = module.ecs_deployments.event_bus_arn
}

output "tracker_role_arn" {
  description = "The ARN of the central tracker's role, the only one the read roles trust."
  value       = module.ecs_deployments.tracker_role_arn
}

output "staging_read_role_arn" {
  description = "The ARN of the role the tracker assumes in staging."
  value       = module.workload_staging.read_role_arn
}

output "production_read_role_arn" {
  description = "The ARN of the role the tracker assumes in production."
  value       = module.workload_production.read_role_arn
}

output "production_forwarding_rule_arns" {
  description = "Map of region to the ARN of production's forwarding rule."
  value       = module.workload_production.forwarding_rule_arns
}

output "event_bus_policy" {
  description = "The central bus's policy (JSON): only the linked accounts, only from inside the organization."
  value       = module.ecs_deployments.event_bus_policy
}

output "trust_policies" {
  description = "Map of workload role to its trust policy (JSON), to review who may assume each."
  value = {
    staging_read      = module.workload_staging.read_role_trust_policy
    staging_deploy    = module.workload_staging.deploy_role_trust_policy
    production_read   = module.workload_production.read_role_trust_policy
    production_deploy = module.workload_production.deploy_role_trust_policy
  }
}
