#!/usr/bin/env bash
# Terraform itself judges the Terraform we ship, offline: `terraform fmt -check` on every
# HCL file, `init` + `validate` + `test` of the module (terraform/tests/*.tftest.hcl),
# `init` + `validate` + `plan` of every HCL example and of the stack examples/cdktf
# synthesises, and `test` of each example with a tests/ folder. It runs the real Terraform binary through
# scripts/terraform.sh, which resolves hashicorp/aws to the stand-in provider in .tools/
# (the real 6.25 schema; no AWS is called). Everything runs on copies in a temporary
# tree, so nothing (.terraform/, lock files, state) lands in the clone.
#
# Prints each step's result and a summary; writes the counts for scripts/test-all.sh to
# $TERRAFORM_CHECKS_COUNTS (default .build/terraform-checks.env). Runs every step, then
# exits non-zero if any failed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

tf() { bash "$root/scripts/terraform.sh" "$@"; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
counts=${TERRAFORM_CHECKS_COUNTS:-.build/terraform-checks.env}
mkdir -p "$(dirname "$counts")"
rm -f "$counts"

start=$SECONDS
checked=()
failed=()
step_passed=0
step_failed=0
test_passed=0
test_failed=0
test_skipped=0

step() { printf '\n-- %s\n' "$1"; }
record() { # status label seconds
  if [ "$1" -eq 0 ]; then
    step_passed=$((step_passed + 1))
    checked+=("ok    $2 ($3 s)")
  else
    step_failed=$((step_failed + 1))
    failed+=("$2")
    checked+=("FAIL  $2 ($3 s)")
  fi
}
run() { # label command...
  local label=$1 t=$SECONDS status=0
  shift
  step "$label"
  "$@" || status=$?
  record "$status" "$label" $((SECONDS - t))
  return 0
}

# ---- The binary: without it nothing below means anything, so say so and stop.
if ! version=$(tf version 2>&1); then
  echo "$version" >&2
  echo "terraform-checks: Terraform or the stand-in provider is missing; run 'bash scripts/install-tools.sh'" >&2
  echo "terraform_checks_passed=0 terraform_checks_failed=1 terraform_tests_passed=0 terraform_tests_failed=0 terraform_tests_skipped=0" >"$counts"
  exit 1
fi
echo "$version" | head -n 1

# ---- The tree Terraform works in: the module beside the examples, as in the repository,
# so `source = "../../terraform"` resolves.
mkdir -p "$work/repo"
cp -R terraform "$work/repo/terraform"
mkdir -p "$work/repo/examples"
for dir in examples/*/; do
  name=$(basename "$dir")
  ls "$dir"*.tf >/dev/null 2>&1 && cp -R "${dir%/}" "$work/repo/examples/$name"
done
rm -rf "$work"/repo/*/.terraform "$work"/repo/examples/*/.terraform

# ---- fmt: the hand-written HCL (examples, module tests). The module itself is JSON.
fmt_check() {
  local out
  if out=$(tf fmt -check -recursive -diff "$work/repo/examples" "$work/repo/terraform/tests" 2>&1); then
    echo "formatted: $(find "$work/repo/examples" "$work/repo/terraform/tests" \( -name '*.tf' -o -name '*.tftest.hcl' -o -name '*.tfmock.hcl' \) | wc -l) HCL files"
  else
    echo "${out//$work\/repo\//}" >&2
    echo "not formatted as terraform fmt would; fix with: terraform fmt -recursive examples terraform/tests" >&2
    return 1
  fi
}
run "fmt -check examples/ terraform/tests/" fmt_check

# ---- The module: init, validate, and its terraform test files (mock_provider "aws").
# An example with a tests/ folder runs its own the same way (the module beside it).
module_tests() { # [dir] (default: the module)
  local dir=${1:-$work/repo/terraform} status=0 name
  name=$(basename "$dir")
  local log=$work/$name-test.log
  tf -chdir="$dir" init -backend=false -input=false -no-color >"$work/$name-test-init.log" 2>&1 ||
    { cat "$work/$name-test-init.log" >&2; return 1; }
  tf -chdir="$dir" validate -no-color || return 1
  tf -chdir="$dir" test -no-color >"$log" 2>&1 || status=$?
  # One line per file and run; the detail of what failed.
  grep -E '^(tests/|  run |Success!|Failure!)|Error:|error_message|│' "$log" | sed 's/^/  /' | head -n 400
  local summary
  summary=$(grep -E '^(Success|Failure)! [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 || true)
  if [ -z "$summary" ]; then
    cat "$log" >&2
    echo "terraform test printed no summary line" >&2
    test_failed=$((test_failed + 1))
    return 1
  fi
  local p f s
  p=$(sed -E 's/.* ([0-9]+) passed.*/\1/' <<<"$summary")
  f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$summary")
  s=$(grep -oE '[0-9]+ skipped' <<<"$summary" | cut -d' ' -f1 || true)
  test_passed=$((test_passed + p))
  test_failed=$((test_failed + f))
  test_skipped=$((test_skipped + ${s:-0}))
  echo "terraform test: $p passed, $f failed, ${s:-0} skipped ($(grep -c '^  run ' "$log") runs in $(grep -cE '^tests/[^ ]+\.tftest\.hcl\.\.\. (pass|fail|skip)' "$log") files)"
  [ "$status" -eq 0 ] && [ "$f" -eq 0 ]
}
run "module terraform/: init, validate, test" module_tests
for dir in "$work"/repo/examples/*/; do
  ls "${dir}tests/"*.tftest.hcl >/dev/null 2>&1 || continue
  run "examples/$(basename "$dir"): terraform test" module_tests "${dir%/}"
done

# ---- A root configuration: init, validate, plan (scripts/terraform.sh sets placeholder
# credentials: the stand-in calls no AWS API, and nothing here may reach a real account).
plan_root() { # dir
  local dir=$1 name
  name=$(basename "$dir")
  tf -chdir="$dir" init -input=false -no-color >"$work/$name-init.log" 2>&1 ||
    { cat "$work/$name-init.log" >&2; return 1; }
  tf -chdir="$dir" validate -no-color || return 1
  tf -chdir="$dir" plan -input=false -lock=false -no-color -out="$work/$name.tfplan" \
    >"$work/$name-plan.log" 2>&1 || { cat "$work/$name-plan.log" >&2; return 1; }
  grep -E '^Plan: ' "$work/$name-plan.log" || { cat "$work/$name-plan.log" >&2; return 1; }
}
for dir in "$work"/repo/examples/*/; do
  name=$(basename "$dir")
  run "examples/$name: init, validate, plan" plan_root "${dir%/}"
done

# ---- The cdktf example: synthesise its stack into the scratch tree, then the same.
cdktf_stack() {
  cat >"$work/synth-cdktf.ts" <<EOF
import { buildApp } from "$root/examples/cdktf/main.ts";
buildApp(process.argv[2] as string).synth();
EOF
  (cd "$root" && npx tsx "$work/synth-cdktf.ts" "$work/cdktf.out") || return 1
  local stack
  stack=$(find "$work/cdktf.out/stacks" -mindepth 1 -maxdepth 1 -type d | head -n 1)
  [ -n "$stack" ] || { echo "the cdktf example synthesised no stack" >&2; return 1; }
  echo "synthesised $(basename "$stack")"
  plan_root "$stack"
}
run "examples/cdktf (synthesised stack): init, validate, plan" cdktf_stack

printf '\n-- summary (%d s)\n' $((SECONDS - start))
printf '  %s\n' "${checked[@]}"
echo "terraform_checks_passed=$step_passed terraform_checks_failed=$step_failed terraform_tests_passed=$test_passed terraform_tests_failed=$test_failed terraform_tests_skipped=$test_skipped" >"$counts"
echo "terraform test: $test_passed passed, $test_failed failed, $test_skipped skipped"
echo "terraform checks: $step_passed passed, $step_failed failed"
if [ ${#failed[@]} -gt 0 ]; then
  echo "terraform-checks: ${#failed[@]} step(s) failed: ${failed[*]}" >&2
  exit 1
fi
