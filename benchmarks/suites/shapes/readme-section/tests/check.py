import json, os, subprocess, sys
from pathlib import Path

results = []


def check(name, ok):
    results.append((name, bool(ok)))
    print(("PASS " if ok else "FAIL ") + name)


def run(*argv, **kw):
    return subprocess.run(list(argv), capture_output=True, text=True, timeout=30, **kw)


def read(path):
    try:
        return Path(path).read_text()
    except OSError:
        return None


import re

ORIGINAL = (Path(__file__).parent / "README.orig.md").read_text()


def headings(text):
    """[(line index, level, title)] of the markdown headings outside code fences."""
    found, fenced = [], False
    for i, line in enumerate(text.splitlines()):
        if line.startswith("```"):
            fenced = not fenced
        m = re.match(r"(#{1,6})\s+(.*?)\s*#*\s*$", line)
        if m and not fenced:
            found.append((i, len(m.group(1)), m.group(2)))
    return found


def normalize(text):
    return re.sub(r"\n{3,}", "\n\n", "\n".join(l.rstrip() for l in text.splitlines())).strip()


text = read("README.md") or ""
lines = text.splitlines()
marks = headings(text)
titles = [t.lower() for _, _, t in marks]
new = [k for k, (_, level, t) in enumerate(marks) if level in (2, 3) and "test" in t.lower()]
check("README.md has a Running tests heading", len(new) == 1)
if len(new) == 1:
    k = new[0]
    start = marks[k][0]
    end = marks[k + 1][0] if k + 1 < len(marks) else len(lines)
    body = "\n".join(lines[start:end])
    check("it comes right after Usage, before Configuration",
          k >= 1 and titles[k - 1] == "usage" and k + 1 < len(marks) and titles[k + 1] == "configuration")
    check("it shows the command in a code block",
          "python3 -m unittest discover -s tests" in body and "```" in body)
    rest = "\n".join(lines[:start] + lines[end:])
    check("the rest of the README is unchanged", normalize(rest) == normalize(ORIGINAL))
else:
    check("the rest of the README is unchanged", normalize(text) == normalize(ORIGINAL))

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
