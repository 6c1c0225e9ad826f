#!/usr/bin/env bash
set -euo pipefail
python3 - <<'EOF'
from pathlib import Path
p = Path("wc.py")
s = p.read_text()
s = s.replace('    parser.add_argument("file")\n', '    parser.add_argument("file")\n    parser.add_argument("--lines", action="store_true")\n')
s = s.replace('    print(count_words(text))', '    print(len(text.splitlines()) if args.lines else count_words(text))')
p.write_text(s)
EOF
