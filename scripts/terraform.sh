#!/usr/bin/env bash
# Runs the real Terraform against the stand-in hashicorp/aws provider that
# scripts/install-tools.sh builds: offline, non-interactive, placeholder AWS credentials.
# Arguments pass through: bash scripts/terraform.sh -chdir=<dir> init|validate|test|plan …
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
config="$root/.tools/terraform/cli.tfrc"
if [ -x /usr/local/bin/terraform ]; then
  terraform_bin=/usr/local/bin/terraform
elif ! terraform_bin=$(command -v terraform); then
  echo "terraform (>= 1.11) is not installed: the Terraform tests cannot run without it" >&2
  exit 1
fi
if [ ! -f "$config" ]; then
  echo "the stand-in aws provider is not installed: run bash scripts/install-tools.sh" >&2
  exit 1
fi

# The stand-in serves the aws_* types our Terraform names when it was built: say when that is old.
stamp="$root/test/terraform-provider/.schema.stamp"
if [ -n "$(find "$root/terraform" "$root/examples" "$root/modules" \( -name .terraform -o -name node_modules \) -prune -o \
  \( -name '*.tf' -o -name '*.tf.json' -o -name '*.tftest.hcl' -o -name '*.ts' \) -newer "$stamp" -print -quit 2>/dev/null)" ]; then
  echo "note: Terraform or construct files changed since the stand-in aws provider was built; if Terraform says it does not support an aws_* type, run bash scripts/install-tools.sh" >&2
fi

export TF_CLI_CONFIG_FILE="$config" TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
# Placeholders: the stand-in never calls AWS, and nothing here may reach a real account.
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN=testing
export AWS_REGION="${AWS_REGION:-us-east-1}"
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-$AWS_REGION}"
unset AWS_PROFILE AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE
exec "$terraform_bin" "$@"
