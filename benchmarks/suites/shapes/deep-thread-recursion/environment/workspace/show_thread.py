"""Print a forum thread (CSV export: id,parent,author,text) as an indented tree.

    python3 show_thread.py threads/4470.csv
    python3 show_thread.py threads/4470.csv --max-depth 3

Replies nested deeper than --max-depth (default 6) are folded into one
"[N more replies]" line, like the forum does.
"""
import argparse
import csv
import sys
from collections import defaultdict


def load(path):
    """comments by id, and the sorted reply ids of each comment (None: top-level comments)."""
    comments = {}
    children = defaultdict(list)
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            cid = int(row["id"])
            parent = int(row["parent"]) if row["parent"].strip() else None
            comments[cid] = {"id": cid, "parent": parent, "author": row["author"], "text": row["text"]}
            children[parent].append(cid)
    for ids in children.values():
        ids.sort()
    return comments, children


def count_replies(children, cid):
    """All replies below comment `cid`, at any depth."""
    return sum(1 + count_replies(children, kid) for kid in children.get(cid, []))


def longest_chain(children, cid):
    """Length of the longest reply chain below `cid` (0 when nobody replied)."""
    kids = children.get(cid, [])
    if not kids:
        return 0
    return 1 + max(longest_chain(children, kid) for kid in kids)


def render(comments, children, cid, depth, max_depth, lines):
    comment = comments[cid]
    lines.append(f"{'  ' * depth}{comment['author']}: {comment['text']}")
    kids = children.get(cid, [])
    if kids and depth >= max_depth:
        lines.append(f"{'  ' * (depth + 1)}[{count_replies(children, cid)} more replies]")
        return
    for kid in kids:
        render(comments, children, kid, depth + 1, max_depth, lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Show a thread as a tree.")
    parser.add_argument("export", help="thread export (CSV)")
    parser.add_argument("--max-depth", type=int, default=6, help="fold replies deeper than this (default: %(default)s)")
    args = parser.parse_args(argv)

    comments, children = load(args.export)
    lines = []
    for root in children.get(None, []):
        render(comments, children, root, 0, args.max_depth, lines)
    print("\n".join(lines))
    roots = children.get(None, [])
    deepest = max((longest_chain(children, root) for root in roots), default=0)
    print(f"-- {len(comments)} comments in {len(roots)} threads, longest reply chain: {deepest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
