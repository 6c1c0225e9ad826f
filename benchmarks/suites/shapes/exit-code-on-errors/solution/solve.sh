#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("check_configs.py")
s = p.read_text()
for old, new in [('    print(f"{len(files)} file(s) checked, {bad} with errors")\n',
                  '    print(f"{len(files)} file(s) checked, {bad} with errors")\n    return 1 if bad else 0\n'),
                 ('    main(sys.argv[1] if len(sys.argv) > 1 else "configs")\n',
                  '    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "configs"))\n')]:
    assert old in s, old
    s = s.replace(old, new, 1)
p.write_text(s)
PY
python3 check_configs.py configs/ || echo "exit status $?"
