#!/usr/bin/env bash
set -euo pipefail
sed -i 's/\bfmtDate\b/formatDate/g' lib/dates.js lib/report.js main.js
