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
mkdir -p .build
status=0
npx vitest run --reporter=default --reporter=json --outputFile=.build/vitest.json || status=$?
# One plain closing line, and in CI no skipped test: a suite must not pass by skipping.
node -e '
  const r = require("./.build/vitest.json");
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
  if (process.env.CI && skipped > 0) { console.error("CI runs every test: none may be skipped"); process.exit(1); }
' || status=1
exit "$status"
