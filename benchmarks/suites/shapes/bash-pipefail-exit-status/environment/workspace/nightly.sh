#!/usr/bin/env bash
# Nightly inventory export, run from cron:
#
#   bash nightly.sh [OUTDIR]          (default OUTDIR: exports)
#
# Writes OUTDIR/inventory-YYYYMMDD.csv.gz plus a .sha256 next to it, and appends
# "YYYYMMDD ROWS" to OUTDIR/history.txt. The source file can be overridden with
# EXPORT_SOURCE (see export.py).
set -e

outdir="${1:-exports}"
stamp="$(date +%Y%m%d)"
target="$outdir/inventory-$stamp.csv.gz"
mkdir -p "$outdir"

echo "exporting..."
python3 export.py | gzip -9 > "$target"

echo "counting rows..."
rows=$(gzip -dc "$target" | tail -n +2 | wc -l)

echo "checksum..."
sha256sum "$target" | cut -d' ' -f1 > "$target.sha256"

echo "$stamp $rows" >> "$outdir/history.txt"
echo "export ok: $rows rows"
