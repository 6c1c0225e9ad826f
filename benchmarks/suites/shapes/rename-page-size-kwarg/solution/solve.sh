#!/usr/bin/env bash
set -euo pipefail
sed -i 's/\bsize\b/page_size/g' paging.py api.py cli.py
