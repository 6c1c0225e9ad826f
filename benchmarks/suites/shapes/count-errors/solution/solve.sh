#!/usr/bin/env bash
set -euo pipefail
awk '$3 == "ERROR"' app.log | wc -l | tr -d ' ' > error_count.txt
