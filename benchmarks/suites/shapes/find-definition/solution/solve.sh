#!/usr/bin/env bash
set -euo pipefail
printf 'app/util/timefmt.py\n' > answer.txt
