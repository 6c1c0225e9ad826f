#!/usr/bin/env bash
set -euo pipefail
sed -i 's/return "Total: " + total/return f"Total: {total}"/' report.py
