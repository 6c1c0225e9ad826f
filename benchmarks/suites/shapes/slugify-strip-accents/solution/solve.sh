#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("textutils.py")
s = p.read_text()
s = s.replace('import re\n', 'import re\nimport unicodedata\n', 1)
old = '    slug = _NOT_SLUG.sub("-", title.lower()).strip("-")\n'
new = ('    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")\n'
       '    slug = _NOT_SLUG.sub("-", plain.lower()).strip("-")\n')
assert old in s
p.write_text(s.replace(old, new, 1))
PY
python3 build.py --out /tmp/solve-site-$$
rm -rf /tmp/solve-site-$$
