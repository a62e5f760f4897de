#!/usr/bin/env bash
# tflint, checkov and terraform-docs on the generated module and the examples.
set -euo pipefail
echo "(not yet wired)"
