#!/usr/bin/env bash
set -euo pipefail
sed -i 's/\bparse_duration\b/parse_interval/g' scheduler.py main.py
