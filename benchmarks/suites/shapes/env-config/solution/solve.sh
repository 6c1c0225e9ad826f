#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("server.py")
s = p.read_text()
s = s.replace("import json\n", "import json\nimport os\n", 1)
s = s.replace("    return Settings()\n", '    return Settings(port=int(os.environ.get("APP_PORT", "8000")))\n', 1)
p.write_text(s)
PY
