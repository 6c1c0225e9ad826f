#!/usr/bin/env bash
set -euo pipefail
sed -i 's/open(path, newline="", encoding="utf-8")/open(path, newline="", encoding="utf-8-sig")/' loader.py
grep -q 'utf-8-sig' loader.py
python3 mailing.py subscribers_2024-06.csv
