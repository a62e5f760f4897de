#!/usr/bin/env bash
# Installs the Terraform linters into .tools/ (ignored by git), idempotently and pinned:
# tflint, terraform-docs and hclfmt (built with Go into .tools/bin), checkov (Python, own
# venv).
# Needs only Go, Python 3 and the package registries; no Terraform binary, no GitHub.
# Prints the versions it ends up with; fails loudly when a registry refuses.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/.tools"
mkdir -p "$tools/bin"
# shellcheck source=scripts/with-progress.sh
source "$root/scripts/with-progress.sh"

# v0.61.0 bundles tflint-ruleset-terraform v0.14.1 and builds with Go >= 1.25.5
# (v0.64.0 needs Go >= 1.26.3).
TFLINT_VERSION=v0.61.0
TERRAFORM_DOCS_VERSION=v0.21.0
# hclfmt is hclwrite.Format, the formatter `terraform fmt` applies (tflint's HCL version).
HCL_VERSION=v2.24.0
CHECKOV_VERSION=3.3.30

# Builds a Go command from a module version into .tools/bin. Not `go install mod@version`:
# that also asks the proxy for the module's version list (deprecation check), which some
# proxies refuse (terraform-docs here); `go mod download` of the exact version does not.
go_tool() { # binary module version [package]
  local bin=$1 module=$2 version=$3 package=${4:-.} dir
  if [ -x "$tools/bin/$bin" ] && [ "$(cat "$tools/bin/.$bin.version" 2>/dev/null)" = "$version" ]; then
    return
  fi
  command -v go >/dev/null || { echo "go is required to build $bin (Go 1.25.5+)" >&2; exit 1; }
  echo "building $bin $version with $(go env GOVERSION) into .tools/bin (first time: a few minutes)"
  dir=$(go mod download -json "$module@$version" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("Dir") or sys.exit("go mod download: " + d.get("Error", "failed")))')
  local start=$SECONDS
  (cd "$dir" && GOBIN="$tools/bin" GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=mod" \
    with_progress "building $bin" go install "$package")
  echo "$version" >"$tools/bin/.$bin.version"
  echo "built $bin in $((SECONDS - start)) s"
}

py_tool() { # name version binaries...
  local name=$1 version=$2; shift 2
  local venv="$tools/venv-$name"
  if [ "$(cat "$venv/.stamp" 2>/dev/null)" != "$name==$version" ]; then
    echo "installing $name $version (Python) into .tools/venv-$name"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check "$name==$version"
    echo "$name==$version" >"$venv/.stamp"
  fi
  for bin in "$@"; do ln -sf "$venv/bin/$bin" "$tools/bin/$bin"; done
}

go_tool tflint github.com/terraform-linters/tflint "$TFLINT_VERSION"
go_tool terraform-docs github.com/terraform-docs/terraform-docs "$TERRAFORM_DOCS_VERSION"
go_tool hclfmt github.com/hashicorp/hcl/v2 "$HCL_VERSION" ./cmd/hclfmt
py_tool checkov "$CHECKOV_VERSION" checkov

echo "tflint:         $("$tools/bin/tflint" --version | tr '\n' ' ')"
echo "terraform-docs: $("$tools/bin/terraform-docs" --version)"
echo "hclfmt:         hcl $HCL_VERSION"
echo "checkov:        $("$tools/bin/checkov" --version)"
