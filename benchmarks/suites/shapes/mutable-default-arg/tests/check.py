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


import shutil, tempfile

ENV = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")

with tempfile.TemporaryDirectory() as tmp:
    if Path("cart.py").exists():
        shutil.copy("cart.py", tmp)
    shutil.copy(Path(__file__).parent / "test_cart.orig.py", Path(tmp, "test_cart.py"))
    out = run("python3", "-m", "unittest", "test_cart", cwd=tmp, env=ENV)
check(f"python3 -m unittest test_cart passes (with the original tests): {out.stderr[-500:]!r}", out.returncode == 0)

PROBE = """
from cart import Cart
a = Cart("a")
a.add("X", 2, 100)
a.apply_coupon("save10")
b = Cart("b")
c = Cart("c")
c.add("Y", 1, 50)
print(a.count(), a.total(), b.count(), b.total(), sorted(b.coupons), c.count(), c.total(), sorted(c.coupons))
"""
out = run("python3", "-c", PROBE, env=ENV)
check(f"carts made without items or coupons don't share them: {out.stdout.strip()!r} {out.stderr[-300:]!r}",
      out.stdout.strip() == "2 180 0 0 [] 1 50 []")

PROBE = """
from cart import Cart
a = Cart("a", items=[("S", 4, 125)], coupons={"SAVE10"})
a.add("S", 1, 125)
b = Cart("b", [("T", 1, 1000)])
c = Cart("c")
print(a.count(), a.total(), b.count(), b.total(), c.count(), c.total())
"""
out = run("python3", "-c", PROBE, env=ENV)
check(f"carts still accept starting items and coupons: {out.stdout.strip()!r} {out.stderr[-300:]!r}",
      out.stdout.strip() == "5 563 1 1000 0 0")

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
