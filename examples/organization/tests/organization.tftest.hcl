# The organization example, planned: every trust policy of the workload accounts names only
# the central functions' roles (the deploy role both deployer roles) with the ExternalId and organization conditions, the central
# bus accepts only the two workload accounts from inside the organization, and no IAM
# action is a wildcard. The policy documents are rendered by the provider during plan
# (aws_iam_policy_document is computed locally, without an AWS call), so no mock provider:
# the central roles' ARNs are made known at plan with overrides.

override_resource {
  target          = module.ecs_deployments.aws_iam_role.tracker_role
  override_during = plan
  values = {
    arn = "arn:aws:iam::111111111111:role/platform-deployment-tracker"
  }
}

override_resource {
  target          = module.ecs_deployments.aws_iam_role.deployer_role
  override_during = plan
  values = {
    arn = "arn:aws:iam::111111111111:role/platform-ecr-deployer"
  }
}

override_resource {
  target          = module.ecs_deployments.aws_iam_role.deployer_rollout_role
  override_during = plan
  values = {
    arn = "arn:aws:iam::111111111111:role/platform-ecr-deployer-rollout"
  }
}

run "every_trust_policy_and_the_bus_policy" {
  command = plan

  assert {
    condition = alltrue([for name in ["staging_read", "production_read"] :
      jsondecode(output.trust_policies[name]).Statement == [{
        Sid       = "CentralTrackerAssumesRole"
        Effect    = "Allow"
        Action    = "sts:AssumeRole"
        Principal = { AWS = "arn:aws:iam::111111111111:root" }
        Condition = {
          ArnEquals    = { "aws:PrincipalArn" = "arn:aws:iam::111111111111:role/platform-deployment-tracker" }
          StringEquals = { "sts:ExternalId" = "ecs-deployments-example-7f3a", "aws:PrincipalOrgID" = "o-a1b2c3d4e5" }
        }
    }]])
    error_message = "Each read role trusts only the central tracker's role, with the ExternalId and from inside the organization."
  }
  assert {
    condition = alltrue([for name in ["staging_deploy", "production_deploy"] :
      jsondecode(output.trust_policies[name]).Statement == [{
        Sid       = "CentralDeployerAssumesRole"
        Effect    = "Allow"
        Action    = "sts:AssumeRole"
        Principal = { AWS = "arn:aws:iam::111111111111:root" }
        Condition = {
          ArnEquals    = { "aws:PrincipalArn" = ["arn:aws:iam::111111111111:role/platform-ecr-deployer", "arn:aws:iam::111111111111:role/platform-ecr-deployer-rollout"] }
          StringEquals = { "sts:ExternalId" = "ecs-deployments-example-7f3a", "aws:PrincipalOrgID" = "o-a1b2c3d4e5" }
        }
    }]])
    error_message = "Each deploy role trusts only the central deployer's two roles (push and rollout), with the ExternalId and from inside the organization."
  }
  assert {
    condition     = one(jsondecode(output.event_bus_policy).Statement).Action == "events:PutEvents" && toset(one(jsondecode(output.event_bus_policy).Statement).Principal.AWS) == toset(["222222222222", "333333333333"]) && one(jsondecode(output.event_bus_policy).Statement).Condition == { StringEquals = { "aws:PrincipalOrgID" = "o-a1b2c3d4e5" } }
    error_message = "The central bus accepts events only from the two workload accounts, and only from inside the organization."
  }
  assert {
    condition     = one(jsondecode(output.event_bus_policy).Statement).Resource == output.event_bus_arn
    error_message = "The bus policy is about the central default bus only."
  }
  assert {
    condition     = toset(keys(output.production_forwarding_rule_arns)) == toset(["eu-west-1", "us-east-1"])
    error_message = "Production forwards from both of its regions."
  }
}
