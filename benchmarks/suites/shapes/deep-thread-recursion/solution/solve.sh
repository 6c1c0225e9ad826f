#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("show_thread.py")
s = p.read_text()
old = '''    return sum(1 + count_replies(children, kid) for kid in children.get(cid, []))
'''
new = '''    total = 0
    stack = list(children.get(cid, []))
    while stack:
        kid = stack.pop()
        total += 1
        stack.extend(children.get(kid, []))
    return total
'''
assert old in s
s = s.replace(old, new, 1)
old = '''    kids = children.get(cid, [])
    if not kids:
        return 0
    return 1 + max(longest_chain(children, kid) for kid in kids)
'''
new = '''    longest = 0
    stack = [(kid, 1) for kid in children.get(cid, [])]
    while stack:
        kid, length = stack.pop()
        longest = max(longest, length)
        stack.extend((grandkid, length + 1) for grandkid in children.get(kid, []))
    return longest
'''
assert old in s
s = s.replace(old, new, 1)
old = '''def render(comments, children, cid, depth, max_depth, lines):
    comment = comments[cid]
    lines.append(f"{'  ' * depth}{comment['author']}: {comment['text']}")
    kids = children.get(cid, [])
    if kids and depth >= max_depth:
        lines.append(f"{'  ' * (depth + 1)}[{count_replies(children, cid)} more replies]")
        return
    for kid in kids:
        render(comments, children, kid, depth + 1, max_depth, lines)
'''
new = '''def render(comments, children, cid, depth, max_depth, lines):
    stack = [(cid, depth)]
    while stack:
        cid, depth = stack.pop()
        comment = comments[cid]
        lines.append(f"{'  ' * depth}{comment['author']}: {comment['text']}")
        kids = children.get(cid, [])
        if kids and depth >= max_depth:
            lines.append(f"{'  ' * (depth + 1)}[{count_replies(children, cid)} more replies]")
            continue
        stack.extend((kid, depth + 1) for kid in reversed(kids))
'''
assert old in s
s = s.replace(old, new, 1)
p.write_text(s)
PY
python3 show_thread.py threads/4471.csv
