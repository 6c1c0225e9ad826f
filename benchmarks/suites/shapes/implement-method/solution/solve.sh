#!/usr/bin/env bash
set -euo pipefail
python3 - <<'EOF'
from pathlib import Path
p = Path("inventory.py")
p.write_text(p.read_text().replace("        raise NotImplementedError", "        return sum(self.items.values())"))
EOF
