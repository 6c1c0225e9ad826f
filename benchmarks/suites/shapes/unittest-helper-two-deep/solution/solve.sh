#!/usr/bin/env bash
set -euo pipefail
sed -i 's/text = text.strip().replace("\$", "")/text = text.strip().replace("$", "").replace(",", "")/' helper.py
