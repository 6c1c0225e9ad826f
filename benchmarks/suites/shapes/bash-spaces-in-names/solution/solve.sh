#!/usr/bin/env bash
set -euo pipefail
cat > collect_pdfs.sh <<'SH'
#!/usr/bin/env bash
# Copy every PDF from SRC into DEST, skipping files that are already there.
#
#   bash collect_pdfs.sh SRC DEST
set -u

if [ $# -ne 2 ]; then
    echo "usage: bash collect_pdfs.sh SRC DEST" >&2
    exit 2
fi
src=$1
dest=$2

mkdir -p "$dest"
count=0
for f in "$src"/*.pdf; do
    [ -e "$f" ] || continue   # no PDFs: the pattern stays unexpanded
    name=$(basename "$f")
    if [ -e "$dest/$name" ]; then
        echo "skip $name (already there)"
        continue
    fi
    cp "$f" "$dest/"
    count=$((count + 1))
done
echo "copied $count files"
SH
bash collect_pdfs.sh Downloads invoices
