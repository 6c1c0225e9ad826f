#!/usr/bin/env bash
# Rotate every *.log file in a directory, keeping three old copies:
#   app.log.2 -> app.log.3, app.log.1 -> app.log.2, app.log -> app.log.1
# The oldest copy (app.log.3) is deleted and a new empty app.log is created.
#
# Usage: bash rotate.sh DIR
set -euo pipefail

keep=3
dir="${1:?usage: rotate.sh DIR}"

for log in "$dir"/*.log; do
  [ -e "$log" ] || continue
  rm -f "$log.$keep"
  for ((i = keep - 1; i >= 1; i--)); do
    if [ -e "$log.$i" ]; then
      mv "$log.$i" "$log.$((i + 1))"
    fi
  done
  mv "$log" "$log.1"
  touch "$log"
  echo "rotated $log"
done
