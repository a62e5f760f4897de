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

mkdir -p .build
status=0

section "Terraform itself: fmt, terraform test on the module, validate and plan of the examples"
# A file of this run's own: another run in the same clone must not mix its counts in.
export TERRAFORM_CHECKS_COUNTS=".build/terraform-checks.$$.env"
bash scripts/terraform-checks.sh || status=$?

section "Tests"
rm -f .build/vitest.json .build/vitest-fleet.json
npx vitest run --exclude 'test/fleet/**' --reporter=default --reporter=json \
  --outputFile=.build/vitest.json || status=$?
section "Fleet acceptance tests (alone: they measure time against ECS's scaled rates)"
# Run after the others, not beside them: the other suites' moto servers would take the CPU
# that the time-scaled rollout needs, and the timing bounds would measure the machine.
npx vitest run test/fleet --reporter=default --reporter=json \
  --outputFile=.build/vitest-fleet.json || status=$?
# Plain closing lines: vitest's, Terraform's, and the total. In CI no skipped test: a suite
# must not pass by skipping.
node -e '
  const fs = require("node:fs");
  // Both vitest runs, summed; a run that left no report counts as one failure.
  const r = { numPassedTests: 0, numFailedTests: 0, numPendingTests: 0, numTodoTests: 0 };
  for (const file of [".build/vitest.json", ".build/vitest-fleet.json"]) {
    let run;
    try { run = JSON.parse(fs.readFileSync(file, "utf8")); }
    catch { console.error(`${file} is missing: counted as one failure`); r.numFailedTests += 1; continue; }
    for (const key of Object.keys(r)) r[key] += run[key];
  }
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
  let tf = { terraform_checks_passed: 0, terraform_checks_failed: 1, terraform_tests_passed: 0,
             terraform_tests_failed: 0, terraform_tests_skipped: 0 };
  try {
    const text = fs.readFileSync(process.env.TERRAFORM_CHECKS_COUNTS, "utf8");
    tf = Object.fromEntries(text.trim().split(/\s+/).map((kv) => kv.split("=")).map(([k, v]) => [k, Number(v)]));
  } catch { console.error("scripts/terraform-checks.sh left no counts: counted as one failure"); }
  console.log(`terraform test: ${tf.terraform_tests_passed} passed, ${tf.terraform_tests_failed} failed, ${tf.terraform_tests_skipped} skipped`);
  console.log(`terraform steps (fmt, init, validate, test, plan): ${tf.terraform_checks_passed} passed, ${tf.terraform_checks_failed} failed`);
  const passed = r.numPassedTests + tf.terraform_tests_passed + tf.terraform_checks_passed;
  const failed = r.numFailedTests + tf.terraform_tests_failed + tf.terraform_checks_failed;
  const allSkipped = skipped + tf.terraform_tests_skipped;
  console.log(`total: ${passed} passed, ${failed} failed, ${allSkipped} skipped`);
  if (process.env.CI && allSkipped > 0) { console.error("CI runs every test: none may be skipped"); process.exit(1); }
  if (failed > 0) process.exit(1);
' || status=1
rm -f "$TERRAFORM_CHECKS_COUNTS"
exit "$status"
