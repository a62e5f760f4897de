#!/usr/bin/env bash
# tflint, checkov and terraform-docs on the generated module (terraform/) and the HCL
# examples (examples/*/). Runs every check, then exits non-zero if any failed.
# Usage: scripts/check-terraform.sh          check (CI)
#        scripts/check-terraform.sh --fix    also rewrite terraform/README.md's tables and
#                                            format the examples' HCL
# Tools are installed pinned into .tools/bin by scripts/install-terraform-tools.sh.
# These read the files; Terraform itself (fmt, validate, test, plan) runs in
# scripts/terraform-checks.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH="$root/.tools/bin:$PATH"

fix=false
case "${1:-}" in
  --fix) fix=true ;;
  "") ;;
  *) echo "usage: $0 [--fix]" >&2; exit 2 ;;
esac

module=terraform
if ! ls "$module"/*.tf.json >/dev/null 2>&1; then
  echo "no $module/*.tf.json: run 'npm run build' first" >&2
  exit 1
fi

start=$SECONDS
bash scripts/install-terraform-tools.sh

failed=()
checked=()
step() { printf '\n-- %s\n' "$1"; }
run() { # label command...
  local label=$1; shift
  if "$@"; then
    echo "passed: $label"
    checked+=("ok    $label")
  else
    echo "FAILED: $label" >&2
    failed+=("$label")
    checked+=("FAIL  $label")
  fi
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The generated sub-modules (terraform/modules/<name>/) are checked like the root module.
submodules=()
for dir in "$module"/modules/*/; do
  ls "$dir"*.tf.json >/dev/null 2>&1 && submodules+=("${dir%/}")
done

examples=()
for dir in examples/*/; do
  ls "$dir"*.tf >/dev/null 2>&1 && examples+=("${dir%/}")
done

# ---- Formatting of the hand-written HCL (examples): hclfmt is hclwrite.Format, what
# `terraform fmt` applies (--fix rewrites); scripts/terraform-checks.sh runs the real
# `terraform fmt -check` on the examples and the module's tests.
fmt() { # dir
  if $fix; then hclfmt -w "$1"/*.tf; return; fi
  if ! hclfmt -require-no-change "$1"/*.tf >/dev/null; then
    echo "$1 is not formatted as terraform fmt would; fix with:" >&2
    echo "  bash scripts/check-terraform.sh --fix   (or: terraform fmt -recursive examples)" >&2
    return 1
  fi
}
for dir in "${examples[@]}"; do
  step "fmt $dir"
  run "fmt $dir" fmt "$dir"
done

# ---- tflint: terraform ruleset, preset "all" (.tflint.hcl); notices fail too.
for dir in "$module" "${submodules[@]}" "${examples[@]}"; do
  step "tflint $dir"
  run "tflint $dir" tflint --chdir="$dir" --config="$root/.tflint.hcl" \
    --format=compact --minimum-failure-severity=notice
done

# ---- checkov on a copy without terraform.required_version (checkov#7454: its
# terraform_json parser crashes on that key and skips the file).
checkov_module() { # dir
  local dir=$1 copy
  copy="$work/checkov/$(echo "$dir" | tr / _)"
  mkdir -p "$copy"
  cp "$dir"/*.tf.json "$copy/"
  python3 - "$copy/versions.tf.json" <<'PY'
import json, sys
path = sys.argv[1]
with open(path) as f:
    doc = json.load(f)
for block in doc.get("terraform", {}) if isinstance(doc.get("terraform"), list) else [doc.get("terraform", {})]:
    block.pop("required_version", None)
with open(path, "w") as f:
    json.dump(doc, f, indent=2)
PY
  checkov --config-file "$root/.checkov.yaml" --directory "$copy"
}
for dir in "$module" "${submodules[@]}"; do
  step "checkov $dir (terraform_json; skipped checks and why: .checkov.yaml)"
  run "checkov $dir" checkov_module "$dir"
done

# ---- What the skipped checkov checks would have caught, checked our way.
step "guards for skipped checkov checks (CKV_AWS_116, CKV_AWS_173)"
guards() {
  python3 - "$module" <<'PY'
import glob, json, os, re, sys
module = sys.argv[1]
merged = {"resource": {}, "variable": {}}
for path in sorted(glob.glob(os.path.join(module, "*.tf.json"))):
    with open(path) as f:
        doc = json.load(f)
    for kind, body in doc.get("resource", {}).items():
        merged["resource"].setdefault(kind, {}).update(body)
    merged["variable"].update(doc.get("variable", {}))
functions = merged["resource"].get("aws_lambda_function", {})
configs = merged["resource"].get("aws_lambda_function_event_invoke_config", {})
mappings = merged["resource"].get("aws_lambda_event_source_mapping", {})
queues = merged["resource"].get("aws_sqs_queue", {})
# A function fed by an SQS event source is invoked synchronously: no async on-failure
# destination applies; its queue's redrive policy (to a DLQ) keeps what fails.
def fed_by_queue_with_dlq(ref):
    for m in mappings.values():
        if not ref.search(json.dumps(m.get("function_name", ""))):
            continue
        source = json.dumps(m.get("event_source_arn", ""))
        for qname, q in queues.items():
            if re.search(r"\baws_sqs_queue\.%s\b" % re.escape(qname), source) and \
                    "deadLetterTargetArn" in json.dumps(q.get("redrive_policy", "")):
                return True
    return False
sensitive = [n for n, v in merged["variable"].items() if v.get("sensitive")]
problems = []
for name, fn in functions.items():
    ref = re.compile(r"\baws_lambda_function\.%s\b" % re.escape(name))
    ok = any(
        ref.search(json.dumps(c.get("function_name", "")))
        and c.get("destination_config", {}).get("on_failure", {}).get("destination")
        for c in configs.values()
    )
    if not ok and not fed_by_queue_with_dlq(ref):
        problems.append(f"CKV_AWS_116 guard: aws_lambda_function.{name} has no "
                        "aws_lambda_function_event_invoke_config with an on_failure destination "
                        "and is not fed by a queue whose redrive policy names a DLQ")
    env = json.dumps(fn.get("environment", {}))
    for var in sensitive:
        if re.search(r"\bvar\.%s\b" % re.escape(var), env):
            problems.append(f"CKV_AWS_173 guard: aws_lambda_function.{name} puts sensitive "
                            f"var.{var} into its environment (read it from Secrets Manager)")
for p in problems:
    print(p)
print(f"{len(functions)} function(s): on-failure destinations (or a queue's DLQ) and environments checked")
sys.exit(1 if problems else 0)
PY
}
run "checkov guards $module" guards

# ---- terraform-docs: README tables must match what terraform-docs generates now.
docs_fresh() { # dir
  local dir=$1 copy
  copy="$work/docs/$(echo "$dir" | tr / _)"
  mkdir -p "$copy"
  cp "$dir"/*.tf.json "$dir/README.md" "$copy/"
  terraform-docs --config "$root/.terraform-docs.yml" "$copy" >/dev/null
  if ! grep -q '<!-- BEGIN_TF_DOCS -->' "$dir/README.md"; then
    echo "$dir/README.md has no <!-- BEGIN_TF_DOCS --> / <!-- END_TF_DOCS --> markers" >&2
    return 1
  fi
  if ! diff -u "$dir/README.md" "$copy/README.md" >"$copy.diff"; then
    head -n 60 "$copy.diff"
    [ "$(wc -l <"$copy.diff")" -le 60 ] || echo "… ($(wc -l <"$copy.diff") diff lines)"
    echo "STALE: $dir/README.md inputs/outputs tables; regenerate them with:" >&2
    echo "  bash scripts/check-terraform.sh --fix" >&2
    return 1
  fi
  echo "$dir/README.md tables are fresh"
}
for dir in "$module" "${submodules[@]}"; do
  step "terraform-docs $dir/README.md"
  if $fix; then
    run "terraform-docs $dir/README.md (rewritten)" \
      terraform-docs --config "$root/.terraform-docs.yml" "$dir"
  else
    run "terraform-docs $dir/README.md" docs_fresh "$dir"
  fi
done

printf '\n-- summary (%d s)\n' $((SECONDS - start))
printf '  %s\n' "${checked[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "check-terraform: ${#failed[@]} check(s) failed: ${failed[*]}" >&2
  exit 1
fi
echo "check-terraform: all checks passed"
