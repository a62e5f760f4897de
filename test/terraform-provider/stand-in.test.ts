/**
 * The stand-in hashicorp/aws provider, driven by the real Terraform binary through
 * scripts/terraform.sh on small configurations in scratch directories. In CI a missing
 * Terraform or stand-in is an error; elsewhere the suite is skipped with a printed reason.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const WRAPPER = join(ROOT, "scripts", "terraform.sh");
const CLI_CONFIG = join(ROOT, ".tools", "terraform", "cli.tfrc");

function standInAvailable(): boolean {
  if (existsSync(CLI_CONFIG)) return true;
  if (process.env.CI) {
    throw new Error(
      "the stand-in aws provider is not installed, and CI must run its tests: bash scripts/install-tools.sh",
    );
  }
  console.warn(
    "SKIPPED: the stand-in aws provider is not installed (bash scripts/install-tools.sh).",
  );
  return false;
}

interface Result {
  readonly status: number | null;
  readonly output: string;
  /** Standard output alone: what `-json` commands print (the wrapper's notes go to stderr). */
  readonly stdout: string;
}

function terraform(dir: string, ...args: string[]): Result {
  const run = spawnSync("bash", [WRAPPER, `-chdir=${dir}`, ...args], {
    encoding: "utf8",
    timeout: 120_000,
  });
  return {
    status: run.status,
    output: `${run.stdout ?? ""}${run.stderr ?? ""}`,
    stdout: run.stdout ?? "",
  };
}

/** A scratch root module with `hashicorp/aws` required and the given body, initialised. */
function root(body: string, provider = 'region = "eu-central-2"'): string {
  const dir = mkdtempSync(join(tmpdir(), "stand-in-"));
  writeFileSync(
    join(dir, "main.tf"),
    `terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = ">= 6.0" }
  }
}
provider "aws" {
  ${provider}
}
${body}`,
  );
  const init = terraform(dir, "init", "-no-color");
  if (init.status !== 0) throw new Error(`terraform init failed:\n${init.output}`);
  return dir;
}

function outputs(dir: string): Record<string, { value: unknown }> {
  const out = terraform(dir, "output", "-json");
  expect(out.status, out.output).toBe(0);
  return JSON.parse(out.stdout) as Record<string, { value: unknown }>;
}

describe.skipIf(!standInAvailable())("stand-in hashicorp/aws under Terraform", () => {
  it("leaves computed-only attributes unknown at plan, so a count on one is an error", () => {
    // Prepare
    const dir = root(`
resource "aws_kms_key" "this" {}
resource "aws_sqs_queue" "this" {
  count             = aws_kms_key.this.arn == null ? 0 : 1
  kms_master_key_id = aws_kms_key.this.arn
}
`);

    // Act
    const plan = terraform(dir, "plan", "-no-color");

    // Assess
    expect(plan.status).toBe(1);
    expect(plan.output).toContain("Invalid count argument");
  });

  it("plans an unset per-resource region as the provider's, known at plan like the real provider", () => {
    // Prepare
    const dir = root(`
resource "aws_sqs_queue" "this" {
  name = "q"
}
resource "aws_sqs_queue" "same_region" {
  count = aws_sqs_queue.this.region == "eu-central-2" ? 1 : 0
  name  = "q2"
}
`);

    // Act
    const plan = terraform(dir, "plan", "-no-color");

    // Assess
    expect(plan.status, plan.output).toBe(0);
    expect(plan.output).toMatch(/\+ region += "eu-central-2"/);
    expect(plan.output).toContain("aws_sqs_queue.same_region[0] will be created");
  });

  it("plans tags_all as the resource's tags over the provider's default_tags", () => {
    // Prepare
    const dir = root(
      `
resource "aws_sqs_queue" "this" {
  name = "q"
  tags = { env = "test" }
}
output "tags_all" { value = aws_sqs_queue.this.tags_all }
`,
      'region = "eu-west-1"\n  default_tags {\n    tags = { team = "platform", env = "prod" }\n  }',
    );

    // Act
    const apply = terraform(dir, "apply", "-no-color", "-auto-approve");

    // Assess
    expect(apply.status, apply.output).toBe(0);
    expect(outputs(dir).tags_all?.value).toEqual({ team: "platform", env: "test" });
  });

  it("applies with plausible placeholders and then plans no changes", () => {
    // Prepare
    const dir = root(`
resource "aws_iam_role" "this" {
  name               = "tracker"
  assume_role_policy = "{}"
}
resource "aws_sqs_queue" "this" {
  name = "tracker-dlq"
}
resource "aws_sqs_queue" "elsewhere" {
  region = "ap-southeast-5"
  name   = "forwarded"
}
output "role_arn" { value = aws_iam_role.this.arn }
output "elsewhere_arn" { value = aws_sqs_queue.elsewhere.arn }
output "queue_arn" { value = aws_sqs_queue.this.arn }
output "queue_url" { value = aws_sqs_queue.this.url }
`);

    // Act
    const apply = terraform(dir, "apply", "-no-color", "-auto-approve");
    const again = terraform(dir, "plan", "-no-color", "-detailed-exitcode");

    // Assess
    expect(apply.status, apply.output).toBe(0);
    expect(outputs(dir)).toEqual({
      role_arn: expect.objectContaining({ value: "arn:aws:iam::123456789012:role/tracker" }),
      elsewhere_arn: expect.objectContaining({
        value: "arn:aws:sqs:ap-southeast-5:123456789012:forwarded",
      }),
      queue_arn: expect.objectContaining({
        value: "arn:aws:sqs:eu-central-2:123456789012:tracker-dlq",
      }),
      queue_url: expect.objectContaining({
        value: "https://sqs.eu-central-2.amazonaws.com/123456789012/tracker-dlq",
      }),
    });
    expect(again.status, again.output).toBe(0);
  });

  it("answers identity, partition and region from the provider's region", () => {
    // Prepare
    const dir = root(
      `
data "aws_caller_identity" "this" {}
data "aws_partition" "this" {}
data "aws_region" "this" {}
output "account_id" { value = data.aws_caller_identity.this.account_id }
output "partition" { value = data.aws_partition.this.partition }
output "region" { value = data.aws_region.this.region }
`,
      'region = "us-gov-west-1"',
    );

    // Act
    const apply = terraform(dir, "apply", "-no-color", "-auto-approve");

    // Assess
    expect(apply.status, apply.output).toBe(0);
    const out = outputs(dir);
    expect(out.account_id?.value).toBe("123456789012");
    expect(out.partition?.value).toBe("aws-us-gov");
    expect(out.region?.value).toBe("us-gov-west-1");
  });

  it("renders aws_iam_policy_document statements as IAM JSON", () => {
    // Prepare
    const dir = root(`
data "aws_iam_policy_document" "this" {
  statement {
    sid       = "Send"
    actions   = ["sqs:SendMessage"]
    resources = ["arn:aws:sqs:eu-central-2:123456789012:q"]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = ["arn:aws:events:eu-central-2:123456789012:rule/r"]
    }
  }
  statement {
    effect    = "Deny"
    actions   = ["sqs:DeleteQueue", "sqs:PurgeQueue"]
    resources = ["*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}
output "json" { value = data.aws_iam_policy_document.this.json }
`);

    // Act
    const apply = terraform(dir, "apply", "-no-color", "-auto-approve");

    // Assess
    expect(apply.status, apply.output).toBe(0);
    expect(JSON.parse(outputs(dir).json?.value as string)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "Send",
          Effect: "Allow",
          Action: "sqs:SendMessage",
          Resource: "arn:aws:sqs:eu-central-2:123456789012:q",
          Principal: { Service: "events.amazonaws.com" },
          Condition: {
            ArnEquals: { "aws:SourceArn": "arn:aws:events:eu-central-2:123456789012:rule/r" },
          },
        },
        {
          Effect: "Deny",
          Action: ["sqs:DeleteQueue", "sqs:PurgeQueue"],
          Resource: "*",
          Principal: "*",
        },
      ],
    });
  });

  it("keeps a write-only argument out of the state", () => {
    // Prepare
    const dir = root(`
variable "key" {
  type      = string
  ephemeral = true
  default   = "s3cret"
}
resource "aws_secretsmanager_secret" "this" {
  name = "api-key"
}
resource "aws_secretsmanager_secret_version" "this" {
  secret_id                = aws_secretsmanager_secret.this.id
  secret_string_wo         = var.key
  secret_string_wo_version = 1
}
`);

    // Act
    const apply = terraform(dir, "apply", "-no-color", "-auto-approve");
    const show = terraform(dir, "show", "-json");

    // Assess
    expect(apply.status, apply.output).toBe(0);
    expect(show.output).not.toContain("s3cret");
    expect(show.output).toContain('"secret_string_wo_version":1');
  });

  it("rejects what the real schema rejects: a missing required argument, an index into a set", () => {
    // Prepare
    const dir = root(`
resource "aws_lambda_function" "this" {
  function_name = "f"
}
resource "aws_iam_role" "this" {
  assume_role_policy  = "{}"
  managed_policy_arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
}
output "first_policy" { value = aws_iam_role.this.managed_policy_arns[0] }
`);

    // Act
    const validate = terraform(dir, "validate", "-no-color");

    // Assess
    expect(validate.status).toBe(1);
    expect(validate.output).toContain('The argument "role" is required');
    expect(validate.output).toContain("Elements of a set are identified only by their value");
  });
});
