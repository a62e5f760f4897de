#!/usr/bin/env bash
# Proves check-generated.sh catches a stale module: in a scratch clone of HEAD, change a
# module source without rebuilding, and expect the check to fail; then expect a second
# build of an unchanged source, after touching every file, to leave the bytes alone.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
git clone -q "$root" "$scratch/repo"
ln -s "$root/node_modules" "$scratch/repo/node_modules"
cd "$scratch/repo"

find . -path ./node_modules -prune -o -type f -exec touch -d '2031-02-03 04:05:06' {} +
if ! bash scripts/check-generated.sh . >/dev/null 2>&1; then
  echo "SELFTEST FAILED: a clean clone with every mtime changed did not build byte-identical output" >&2
  exit 1
fi
# A variable's description: it lands in terraform/variables.tf.json.
sed -i 's/The prefix of every resource name/The prefix of each resource name/' modules/variables.ts
if git diff --quiet -- modules/variables.ts; then
  echo "SELFTEST BROKEN: the edit meant to make the module stale matched nothing in modules/variables.ts" >&2
  exit 1
fi
if bash scripts/check-generated.sh . >/dev/null 2>&1; then
  echo "SELFTEST FAILED: check-generated.sh passed on a stale module" >&2
  exit 1
fi
echo "check-generated self-test: mtime changes give identical bytes; a stale module is caught"
