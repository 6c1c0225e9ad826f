#!/usr/bin/env bash
set -euo pipefail
sed -i 's/for f in \*.txt do/for f in *.txt; do/' backup.sh
