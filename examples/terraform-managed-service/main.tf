provider "aws" {
  region = var.region

  default_tags {
    tags = {
      example = "ecs-deployments/terraform-managed-service"
    }
  }
}

locals {
  # The parameter the deployer writes after each rollout of the "app" container:
  # /<name_prefix>/images/<cluster>/<service>/<container>.
  image_parameter_name = "/${var.name_prefix}/images/${var.cluster_name}/${var.service_name}/app"
}

resource "aws_ecs_cluster" "this" {
  name = var.cluster_name
}

# The image the service runs. Terraform creates it once with the first image; from then
# on the deployer writes it and Terraform only reads it back on every plan.
resource "aws_ssm_parameter" "app_image" {
  name           = local.image_parameter_name
  type           = "String"
  insecure_value = var.initial_image

  lifecycle {
    ignore_changes = [insecure_value]
  }
}

data "aws_iam_policy_document" "ecs_tasks_assume_role" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "execution" {
  name               = "${var.service_name}-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume_role.json
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_ecs_task_definition" "app" {
  family                   = var.service_name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = aws_iam_role.execution.arn
  # Compare with the family's latest ACTIVE revision, the one the deployer registered,
  # instead of the revision Terraform created.
  track_latest = true

  container_definitions = jsonencode([
    {
      name      = "app"
      image     = aws_ssm_parameter.app_image.insecure_value
      essential = true
      portMappings = [
        { containerPort = var.container_port, protocol = "tcp" }
      ]
      environment = [for name, value in var.environment : { name = name, value = value }]
    }
  ])
}

resource "aws_ecs_service" "app" {
  name            = var.service_name
  cluster         = aws_ecs_cluster.this.id
  task_definition = aws_ecs_task_definition.app.arn
  desired_count   = var.desired_count
  launch_type     = "FARGATE"

  network_configuration {
    subnets         = var.subnet_ids
    security_groups = var.security_group_ids
  }

  tags = {
    # Roll pushes of matching tags out to this service ...
    "ecs-deployments:follow" = var.follow_tag_pattern
    # ... and write each rolled image to local.image_parameter_name.
    "ecs-deployments:publish" = "true"
  }
}

module "ecs_deployments" {
  source = "../../terraform"

  name_prefix = var.name_prefix
  tags        = var.tags

  # Only the deployer here; see examples/single-account for the tracker.
  create_tracker = false

  create_deployer           = true
  deployer_allowed_clusters = [aws_ecs_cluster.this.name]
  deployer_publish_images   = true
  # Registering a revision passes the task definition's roles to ECS.
  deployer_passable_role_arns = [aws_iam_role.execution.arn]
}
