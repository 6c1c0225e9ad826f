#!/usr/bin/env bash
set -euo pipefail
sed -i 's/\bUserRecord\b/Member/g' models.py storage.py reports.py app.py
