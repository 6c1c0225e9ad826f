#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path

def edit(old, new):
    p = Path("rotate.sh")
    s = p.read_text()
    assert old in s, old
    p.write_text(s.replace(old, new, 1))

edit('# Usage: bash rotate.sh DIR\n', '# Usage: bash rotate.sh [--dry-run] DIR\n')
edit('keep=3\n', '''keep=3
dry_run=false
if [ "${1:-}" = "--dry-run" ]; then
  dry_run=true
  shift
fi

# Run a command, or only show it with --dry-run.
run() {
  if $dry_run; then
    echo "would run: $*"
  else
    "$@"
  fi
}
''')
edit('dir="${1:?usage: rotate.sh DIR}"', 'dir="${1:?usage: rotate.sh [--dry-run] DIR}"')
edit('  rm -f "$log.$keep"\n', '  run rm -f "$log.$keep"\n')
edit('      mv "$log.$i" "$log.$((i + 1))"\n', '      run mv "$log.$i" "$log.$((i + 1))"\n')
edit('  mv "$log" "$log.1"\n  touch "$log"\n  echo "rotated $log"\n',
     '  run mv "$log" "$log.1"\n  run touch "$log"\n  $dry_run || echo "rotated $log"\n')
PY
bash -n rotate.sh
