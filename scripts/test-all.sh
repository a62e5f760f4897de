#!/usr/bin/env bash
# Everything CI checks, in order, failing on the first error. README's test command.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH="$root/.tools/bin:$PATH"

section() { printf '\n== %s\n' "$1"; }

section "Install test tools"
bash scripts/install-tools.sh

section "Build and check the generated module is fresh"
start=$(date +%s)
bash scripts/check-generated.sh
echo "build took $(( $(date +%s) - start )) s"
bash scripts/check-generated-selftest.sh

section "Type-check and lint"
npx tsc --noEmit -p .
npx biome check .

section "Terraform checks: tflint, checkov, terraform-docs"
bash scripts/check-terraform.sh

section "Tests"
npx vitest run
