#!/usr/bin/env bash
set -euo pipefail
python3 - <<'EOF'
import json
c = json.load(open("config.json"))
c["port"] = 9090
c["debug"] = False
json.dump(c, open("config.json", "w"), indent=2)
EOF
