#!/usr/bin/env bash
set -euo pipefail
sed -i 's|    return total // per_page + 1|    return max(1, -(-total // per_page))|' pagination.py
grep -q 'max(1, -(-total // per_page))' pagination.py
python3 -m unittest test_pagination
