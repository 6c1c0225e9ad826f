#!/usr/bin/env bash
set -euo pipefail
sed -i 's/^from units import/from weather.units import/' weather/report.py
