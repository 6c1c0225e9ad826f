#!/usr/bin/env bash
set -euo pipefail
sed -i 's/return values.slice().sort();/return values.slice().sort((a, b) => a - b);/; s/return values.slice().sort().reverse().slice(0, n);/return values.slice().sort((a, b) => b - a).slice(0, n);/' lib/stats.js
node test.js
