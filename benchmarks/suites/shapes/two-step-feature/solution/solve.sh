#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("store.py")
s = p.read_text()
old = 'def write_csv(bookmarks, path):\n    """Write bookmarks to a CSV file with a header row; tags are joined with spaces."""\n'
assert old in s
s = s.replace(old, 'def write_csv(bookmarks, path, tag=None):\n    """Write bookmarks (only those with `tag`, when given) to a CSV file with a header row;\n    tags are joined with spaces."""\n    if tag is not None:\n        bookmarks = with_tag(bookmarks, tag)\n', 1)
p.write_text(s)
p = Path("cli.py")
s = p.read_text()
old = "def main(argv=None):\n"
s = s.replace(old, """def cmd_export(args):
    bookmarks = store.load(DB)
    store.write_csv(bookmarks, args.path, tag=args.tag)
    print(f"exported to {args.path}")


""" + old, 1)
old = "    args = parser.parse_args(argv)\n"
s = s.replace(old, """    export = commands.add_parser("export", help="write bookmarks to a CSV file")
    export.add_argument("path")
    export.add_argument("--tag", help="only bookmarks with this tag")
    export.set_defaults(func=cmd_export)

""" + old, 1)
p.write_text(s)
PY
