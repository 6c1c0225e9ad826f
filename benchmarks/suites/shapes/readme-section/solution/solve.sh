#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("README.md")
s = p.read_text()
section = """## Running tests

The tests use only the standard library. From the project root:

```sh
python3 -m unittest discover -s tests
```

"""
p.write_text(s.replace("## Configuration\n", section + "## Configuration\n", 1))
PY
