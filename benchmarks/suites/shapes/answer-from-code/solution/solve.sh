#!/usr/bin/env bash
set -euo pipefail
# EU: 9.50 base + ceil(7.4 - 1) = 7 extra kg * 1.75 = 21.75, plus 8% fuel = 23.49
echo 23.49 > answer.txt
