import json, os, subprocess, sys
from pathlib import Path

results = []


def check(name, ok):
    results.append((name, bool(ok)))
    print(("PASS " if ok else "FAIL ") + name)


def run(*argv, **kw):
    try:
        return subprocess.run(list(argv), capture_output=True, text=True, timeout=30, **kw)
    except (subprocess.TimeoutExpired, OSError) as error:
        return subprocess.CompletedProcess(list(argv), 124, "", f"could not run: {error!r}")


def read(path):
    try:
        return Path(path).read_text()
    except OSError:
        return None


here = Path(__file__).parent
out = run("python3", "check_pins.py", env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
want = "7 requirements, 2 not pinned\n  not pinned: pydantic\n  not pinned: requests"
check(f"python3 check_pins.py reports on the unchanged requirements.txt: {out.stdout!r} {out.stderr[-300:]!r}",
      out.stdout.strip() == want and "Traceback" not in out.stderr
      and read("requirements.txt") == (here / "requirements.orig.txt").read_text())

sys.path.insert(0, ".")
try:
    from reqparse import parse_requirements
except Exception as error:
    print(f"cannot import reqparse: {error!r}")
    parse_requirements = None


def parse(text):
    try:
        return parse_requirements(text)
    except Exception as error:
        return repr(error)


BLANKS = "\n\n# header comment\nDjango==5.0.3\n   \n\t\n    # indented comment\n#no-space\nredis>=5\n\n"
got = parse(BLANKS)
check(f"blank lines and whole-line comments are skipped: {got!r}",
      got == {"django": ("==", "5.0.3"), "redis": (">=", "5")})
INLINE = ("numpy==1.26.4  # pinned for py3.11\nrich>=13 #loose on purpose\nattrs\n"
          "uvicorn[standard]==0.27.1    # server\nPyYAML ~= 6.0\n")
got = parse(INLINE)
check(f"comments after a requirement are dropped, plain lines parse as before: {got!r}",
      got == {"numpy": ("==", "1.26.4"), "rich": (">=", "13"), "attrs": (None, None),
              "uvicorn": ("==", "0.27.1"), "pyyaml": ("~=", "6.0")})

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
