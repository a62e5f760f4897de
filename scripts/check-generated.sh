#!/usr/bin/env bash
# Builds, then fails when the committed generated module (terraform/) differs from the
# fresh build: stale generated Terraform must never be published.
# Usage: scripts/check-generated.sh [repo-dir]
set -euo pipefail
cd "${1:-$(dirname "$0")/..}"
npm run -s build >/dev/null
changes=$(git status --porcelain -- terraform)
if [ -n "$changes" ]; then
  echo "STALE: terraform/ differs from a fresh 'npm run build'; run it and commit the result:" >&2
  echo "$changes" | sed 's/^/  /' >&2
  git --no-pager diff --stat -- terraform >&2 || true
  exit 1
fi
echo "terraform/ is fresh"
