#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("summarize.js")
s = p.read_text()
for old, new in [
    ("function main() {", "async function main() {"),
    ("  const summary = summarize(dir);", "  const summary = await summarize(dir);"),
    ("  fs.writeFile(out,", "  await fs.writeFile(out,"),
    ("\nmain();\n", "\nmain().catch((err) => {\n  console.error(err);\n  process.exitCode = 1;\n});\n"),
]:
    assert old in s, old
    s = s.replace(old, new, 1)
p.write_text(s)
PY
node summarize.js logs
