#!/usr/bin/env bash
set -euo pipefail
cat > backup.sh <<'SH'
#!/usr/bin/env bash
# Make a timestamped .tar.gz of SRC in DEST, e.g. backups/site-20240501-020000.tar.gz,
# then delete all but the KEEP newest backups of SRC there (KEEP defaults to 5).
#
#   [KEEP=N] bash backup.sh SRC DEST
set -euo pipefail

if [ $# -ne 2 ]; then
    echo "usage: [KEEP=N] bash backup.sh SRC DEST" >&2
    exit 2
fi
src=${1%/}
dest=$2
keep=${KEEP:-5}
case $keep in
    ''|*[!0-9]*) echo "KEEP must be a whole number, got '$keep'" >&2; exit 2 ;;
esac

name=$(basename "$src")
stamp=$(date +%Y%m%d-%H%M%S)
archive="$dest/$name-$stamp.tar.gz"

mkdir -p "$dest"
tar -czf "$archive" -C "$(dirname "$src")" "$name"
echo "wrote $archive"

# This source's backups, oldest first (the timestamps sort as text).
backups=()
for f in "$dest/$name"-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9][0-9][0-9].tar.gz; do
    [ -e "$f" ] && backups+=("$f")
done
excess=$(( ${#backups[@]} - keep ))
for (( i = 0; i < excess; i++ )); do
    rm -f -- "${backups[i]}"
    echo "removed ${backups[i]}"
done
SH
bash backup.sh site backups
