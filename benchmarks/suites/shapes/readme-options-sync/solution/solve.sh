#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("README.md")
s = p.read_text()
old = """| `--size N` | 128 | longest edge of a thumbnail, in pixels |
| `--format FMT` | `png` | `png` or `jpeg` |
| `--quality Q` | 85 | JPEG quality (1-100) |
| `--recursive` | off | also process images in subfolders |
| `--overwrite` | off | replace thumbnails that already exist |
"""
new = """| `--size N` | 256 | longest edge of a thumbnail, in pixels |
| `--format FMT` | `webp` | `png`, `jpeg` or `webp` |
| `--quality Q` | 85 | compression quality for jpeg and webp (1-100) |
| `--out-dir DIR` | `thumbs` | where the thumbnails are written |
| `--overwrite` | off | replace thumbnails that already exist |
| `--workers N` | 4 | how many images to process in parallel |
"""
assert old in s
p.write_text(s.replace(old, new, 1))
PY
