#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("settings.py")
s = p.read_text()
old = "    return bool(value.strip())\n"
new = '    return value.strip().lower() in ("1", "true", "yes", "on")\n'
assert old in s
p.write_text(s.replace(old, new, 1))
PY
PHOTO_DRY_RUN=false PHOTO_DEST=/tmp/solve-backup-$$ python3 backup_photos.py
rm -rf /tmp/solve-backup-$$
