#!/usr/bin/env bash
# Installs the non-npm tools the tests need into .tools/ (ignored by git), idempotently:
# moto_server (Python). Prints what it does; fails loudly when a registry refuses.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/.tools"
mkdir -p "$tools/bin"

stamp() { sha256sum "$@" | sha256sum | cut -c1-16; }

py_tool() { # name requirements-file binaries...
  local name=$1 req=$2; shift 2
  local venv="$tools/venv-$name" want; want=$(stamp "$req")
  if [ "$(cat "$venv/.stamp" 2>/dev/null)" != "$want" ]; then
    echo "installing $name (Python) into .tools/"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$req"
    echo "$want" >"$venv/.stamp"
  fi
  for bin in "$@"; do ln -sf "$venv/bin/$bin" "$tools/bin/$bin"; done
}

py_tool moto "$root/requirements-dev.txt" moto_server
echo "tools ready in .tools/bin"
