#!/usr/bin/env bash
# Installs the non-npm tools the tests need into .tools/ (ignored by git), idempotently:
# moto_server (Python), and the stand-in hashicorp/aws provider (Go) that lets the real
# Terraform binary run init/validate/test/plan offline (test/terraform-provider/README.md).
# Prints what it does; fails loudly when a registry refuses or a required tool is missing.
# `install-tools.sh moto` installs moto only: all the demo needs (no Terraform, no Go).
set -euo pipefail
only=${1:-all}
case "$only" in all | moto) ;; *) echo "usage: $0 [moto]" >&2; exit 2 ;; esac
root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/.tools"
mkdir -p "$tools/bin"
# Two installs at once in one clone would delete each other's venv: the second one waits.
# (flock is util-linux; where it is missing, e.g. macOS, there is no such guard.)
if command -v flock >/dev/null; then
  exec 9>"$tools/.install.lock"
  if ! flock -n 9; then
    echo "another scripts/install-tools.sh is installing into .tools/: waiting for it"
    flock 9
  fi
fi

stamp() { sha256sum "$@" | sha256sum | cut -c1-16; }

# shellcheck source=scripts/with-progress.sh
source "$root/scripts/with-progress.sh"

py_tool() { # name requirements-file binaries...
  local name=$1 req=$2; shift 2
  local venv="$tools/venv-$name" want; want=$(stamp "$req")
  if [ "$(cat "$venv/.stamp" 2>/dev/null)" != "$want" ]; then
    command -v python3 >/dev/null || { echo "python3 (3.11+, with venv) is required to install $name but is not on PATH" >&2; exit 1; }
    echo "installing $name (Python) into .tools/ from PyPI (first time: about 30 s)"
    rm -rf "$venv"
    python3 -m venv "$venv" || { echo "python3 -m venv failed: install the venv module (Debian: apt-get install python3-venv)" >&2; exit 1; }
    with_progress "installing $name" "$venv/bin/pip" install -q --disable-pip-version-check -r "$req"
    echo "$want" >"$venv/.stamp"
  fi
  for bin in "$@"; do ln -sf "$venv/bin/$bin" "$tools/bin/$bin"; done
}

py_tool moto "$root/requirements-dev.txt" moto_server
if [ "$only" = moto ]; then
  echo "moto ready in .tools/bin"
  exit 0
fi

# ---- stand-in hashicorp/aws provider, served from a filesystem mirror ----
AWS_PROVIDER_VERSION=6.25.0 # the version @cdktf/provider-aws binds (its .jsii describes it)
TERRAFORM_MIN_VERSION=1.11.0
src="$root/test/terraform-provider"
mirror="$tools/terraform"

terraform_bin=$(command -v terraform || true)
if [ -z "$terraform_bin" ]; then
  echo "terraform >= $TERRAFORM_MIN_VERSION is required but not on PATH: the Terraform tests cannot run without it" >&2
  exit 1
fi
tf_version=$(env -u TF_CLI_CONFIG_FILE CHECKPOINT_DISABLE=1 "$terraform_bin" version -json | python3 -c 'import json,sys; print(json.load(sys.stdin)["terraform_version"])')
if ! python3 -c 'import sys; v = lambda s: [int(x) for x in s.split("-")[0].split(".")]; sys.exit(v(sys.argv[1]) < v(sys.argv[2]))' \
  "$tf_version" "$TERRAFORM_MIN_VERSION"; then
  echo "terraform $tf_version at $terraform_bin is older than $TERRAFORM_MIN_VERSION, the lowest version the module supports" >&2
  exit 1
fi
command -v go >/dev/null || { echo "go is required to build the stand-in aws provider (test/terraform-provider) but is not on PATH" >&2; exit 1; }

# The schema covers the aws_* types our Terraform names and our TypeScript imports the
# bindings of (SCANNED in generate-schema.ts), so it follows those files too.
schema_inputs=("$src/generate-schema.ts" "$root/node_modules/@cdktf/provider-aws/.jsii")
while IFS= read -r f; do schema_inputs+=("$f"); done < <(find "$root/terraform" "$root/examples" "$root/modules" "$root/main.ts" \
  \( -name node_modules -o -name .terraform \) -prune -o \
  \( -name '*.tf' -o -name '*.tf.json' -o -name '*.tftest.hcl' -o -name '*.ts' \) -type f -print | LC_ALL=C sort)
want=$(stamp "${schema_inputs[@]}")
if [ "$(cat "$src/.schema.stamp" 2>/dev/null)" != "$want" ] || [ ! -s "$src/schema.json" ]; then
  echo "generating the hashicorp/aws $AWS_PROVIDER_VERSION schema from @cdktf/provider-aws"
  (cd "$root" && npx --no-install tsx test/terraform-provider/generate-schema.ts "$src/schema.json")
  echo "$want" >"$src/.schema.stamp"
fi
touch "$src/.schema.stamp" # checked now: scripts/terraform.sh compares the .tf files' mtimes with it

platform="$(go env GOOS)_$(go env GOARCH)"
pkg="$mirror/registry.terraform.io/hashicorp/aws/$AWS_PROVIDER_VERSION/$platform"
binary="$pkg/terraform-provider-aws_v$AWS_PROVIDER_VERSION"
want=$(stamp "$src"/*.go "$src/go.mod" "$src/go.sum" "$src/schema.json")
if [ "$(cat "$mirror/.build.stamp" 2>/dev/null)" != "$want" ] || [ ! -x "$binary" ]; then
  echo "building the stand-in aws provider with $(go env GOVERSION) (first time, empty Go caches: about two minutes)"
  rm -rf "$mirror/registry.terraform.io"
  mkdir -p "$pkg"
  (cd "$src" && export GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=readonly" && with_progress "building the stand-in aws provider" go build -trimpath -o "$binary" .) || exit 1
  echo "$want" >"$mirror/.build.stamp"
fi
cat >"$mirror/cli.tfrc" <<EOF
# Written by scripts/install-tools.sh: hashicorp/aws comes from the stand-in in this mirror.
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
EOF
echo "stand-in hashicorp/aws $AWS_PROVIDER_VERSION ready for terraform $tf_version (scripts/terraform.sh runs it)"
echo "tools ready in .tools/bin"
