#!/usr/bin/env bash
# Build the docs archive (and optionally publish it).
#
#   bash publish.sh [VERSION]
#
# VERSION defaults to the contents of the VERSION file.
# Optional environment:
#   PUBLISH_DIR   also copy the archive and its checksum into this folder
#   ARCHIVE_NAME  name prefix of the archive (default: docs)
set -euo pipefail

version="$1"
if [ -z "$version" ]; then
  version="$(tr -d '[:space:]' < VERSION)"
fi

prefix="${ARCHIVE_NAME:-docs}"
archive="dist/${prefix}-${version}.tar.gz"

mkdir -p dist
tar -czf "$archive" -C docs .
sha256sum "$archive" | cut -d' ' -f1 > "$archive.sha256"
echo "built $archive"

if [ -n "$PUBLISH_DIR" ]; then
  mkdir -p "$PUBLISH_DIR"
  cp "$archive" "$archive.sha256" "$PUBLISH_DIR/"
  echo "published to $PUBLISH_DIR"
fi

echo "done"
