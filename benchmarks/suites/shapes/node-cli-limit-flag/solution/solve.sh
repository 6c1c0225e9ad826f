#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("top-words.js")
s = p.read_text()
for old, new in [
    ("//   node top-words.js FILE [--min-length N] [--ignore-case|-i]",
     "//   node top-words.js FILE [--limit N] [--min-length N] [--ignore-case|-i]"),
    ('const USAGE = "usage: node top-words.js FILE [--min-length N] [--ignore-case|-i]";',
     'const USAGE = "usage: node top-words.js FILE [--limit N] [--min-length N] [--ignore-case|-i]";'),
    ("  const opts = { file: null, minLength: 1, ignoreCase: false };",
     "  const opts = { file: null, limit: TOP, minLength: 1, ignoreCase: false };"),
    ('''    } else if (arg === "--ignore-case" || arg === "-i") {''',
     '''    } else if (arg === "--limit") {
      const value = argv[++i];
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) fail(`--limit needs a positive whole number, got ${value}`);
      opts.limit = n;
    } else if (arg === "--ignore-case" || arg === "-i") {'''),
    ("countWords(text, opts).slice(0, TOP);", "countWords(text, opts).slice(0, opts.limit);"),
]:
    assert old in s, old
    s = s.replace(old, new, 1)
p.write_text(s)
PY
node top-words.js notes.txt --limit 3
