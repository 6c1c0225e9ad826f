#!/usr/bin/env bash
set -euo pipefail
sed -i 's/area_rect/rectangle_area/g' geometry.py report.py main.py
