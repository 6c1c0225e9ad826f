#!/usr/bin/env bash
# Make a timestamped .tar.gz of SRC in DEST, e.g. backups/site-20240501-020000.tar.gz
#
#   bash backup.sh SRC DEST
set -euo pipefail

if [ $# -ne 2 ]; then
    echo "usage: bash backup.sh SRC DEST" >&2
    exit 2
fi
src=${1%/}
dest=$2

name=$(basename "$src")
stamp=$(date +%Y%m%d-%H%M%S)
archive="$dest/$name-$stamp.tar.gz"

mkdir -p "$dest"
tar -czf "$archive" -C "$(dirname "$src")" "$name"
echo "wrote $archive"
