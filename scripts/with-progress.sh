#!/usr/bin/env bash
# Sourced by the install scripts: one way to show progress on a long, quiet step.

# Runs a long, quiet command, printing "… still <what> (N s)" every 10 s so a first
# install never looks hung; its own output shows only when it fails.
with_progress() { # what command...
  local what=$1 log pid start next; shift
  log=$(mktemp)
  "$@" >"$log" 2>&1 &
  pid=$! start=$SECONDS next=$((SECONDS + 10))
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    if [ "$SECONDS" -ge "$next" ]; then
      echo "  … still $what ($((SECONDS - start)) s)"
      next=$((SECONDS + 10))
    fi
  done
  if ! wait "$pid"; then
    cat "$log" >&2
    rm -f "$log"
    echo "$what failed (see the output above)" >&2
    return 1
  fi
  rm -f "$log"
  echo "  done in $((SECONDS - start)) s"
}
