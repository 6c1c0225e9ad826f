#!/usr/bin/env bash
set -euo pipefail
sed -i 's|    return units // pack_size|    return -(-units // pack_size)|' src/inventory/units.py
grep -q -- '-(-units' src/inventory/units.py
