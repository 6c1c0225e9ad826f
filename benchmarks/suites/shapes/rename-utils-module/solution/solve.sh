#!/usr/bin/env bash
set -euo pipefail
mv utils.py textutils.py
sed -i 's/^from utils import/from textutils import/' headlines.py
sed -i 's/^import utils$/import textutils/; s/utils\.truncate/textutils.truncate/' main.py
