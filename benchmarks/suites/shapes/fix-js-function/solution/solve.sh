#!/usr/bin/env bash
set -euo pipefail
sed -i 's/\.${rest}`/.${String(rest).padStart(2, "0")}`/' src/format.js
grep -q 'padStart' src/format.js
