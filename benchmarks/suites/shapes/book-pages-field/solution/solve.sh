#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
m = Path("models.py")
m.write_text(m.read_text().replace("    year: int\n", "    year: int\n    pages: int\n"))
lo = Path("loader.py")
lo.write_text(lo.read_text().replace('int(row["year"]))', 'int(row["year"]), int(row["pages"]))'))
r = Path("report.py")
r.write_text(r.read_text()
    .replace("print(book.label())", 'print(f"{book.label()}, {book.pages} pages")')
    .replace('print(f"{len(books)} books")', 'print(f"{len(books)} books, {sum(b.pages for b in books)} pages")'))
PY
