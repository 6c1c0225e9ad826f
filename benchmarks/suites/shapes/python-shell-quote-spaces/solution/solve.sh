#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("bundle.py")
s = p.read_text()
for old, new in [
    ('subprocess.run(f"tar -czf {archive} -C {folder} .", shell=True, check=True)',
     'subprocess.run(["tar", "-czf", str(archive), "-C", str(folder), "."], check=True)'),
    ('subprocess.check_output(f"sha256sum {path}", shell=True, text=True)',
     'subprocess.check_output(["sha256sum", "--", str(path)], text=True)'),
]:
    assert old in s, old
    s = s.replace(old, new, 1)
p.write_text(s)
PY
