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


ORIGINAL_TEST = (Path(__file__).parent / "test_stock.orig.py").read_text()
sys.path.insert(0, "src")

out = run("python3", "-m", "unittest", "discover", "-s", "tests")
print(out.stderr[-1500:])
check("the tests pass and tests/test_stock.py is unchanged",
      out.returncode == 0 and "Ran 6 tests" in out.stderr and read("tests/test_stock.py") == ORIGINAL_TEST)
try:
    from inventory import Warehouse, packs_needed, to_units
    cases = {(10, 6): 2, (12, 6): 2, (13, 6): 3, (1, 24): 1, (0, 6): 0, (-3, 6): 0, (7, 1): 7, (240, 40): 6}
    got = {k: packs_needed(*k) for k in cases}
    check(f"packs_needed rounds up to whole packs: {got}", got == cases and to_units(3, 12) == 36)
    w = Warehouse()
    w.add_item("CABLE-2M", on_hand=1, reorder_point=15, pack_size=10)
    w.add_item("FUSE-5A", on_hand=0, reorder_point=4, pack_size=8)
    w.add_item("LABEL-A4", on_hand=30, reorder_point=25, pack_size=500)
    w.add_item("SCREW-4", on_hand=99, reorder_point=100, pack_size=1)
    w.ship("LABEL-A4", 6)
    got = w.reorder_list()
    check(f"reorder_list on other stock: {got}",
          got == [("CABLE-2M", 3), ("FUSE-5A", 1), ("LABEL-A4", 1), ("SCREW-4", 101)])
except Exception as error:
    check(f"import inventory and call it: {error!r}", False)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
