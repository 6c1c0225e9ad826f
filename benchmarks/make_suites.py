"""The development task suites, made with `reins tasks import` (the commands are printed):

- exercism: ../shared/tasks/exercism-python (120 exercises) -> results/suites/exercism
- mutate-more-itertools, mutate-toolz: one-line bugs injected into two real packages that
  ship their tests (sdists pip-downloaded once: more-itertools runs under unittest, toolz
  under pytest, both offline in a few seconds) -> results/suites/mutate-NAME

Nothing generated is committed: rerun this. Existing tasks are kept (a rerun resumes);
--force makes them again. Then check a suite with the oracle and nop agents:

    python benchmarks/make_suites.py                  # all (about 6 minutes on 2 cores)
    python benchmarks/make_suites.py --only mutate    # or: --only exercism
    python benchmarks/make_suites.py --count 20 --seed 1
    reins bench benchmarks/results/suites/exercism --agent oracle --agent nop
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import tarfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _report import report  # noqa: E402
from _sdists import fetch  # noqa: E402

HERE = Path(__file__).parent
SUITES = HERE / "results" / "suites"
EXERCISM = HERE.parent.parent / "shared" / "tasks" / "exercism-python"
# (name, version, needs pytest): small, pure Python, tests shipped in the sdist and fast.
PACKAGES = [("more-itertools", "10.5.0", False), ("toolz", "1.0.0", True)]


def reins(*args: str) -> dict:
    command = [sys.executable, "-m", "reins", "tasks", "import", *args, "--json"]
    print("$ reins tasks import " + shlex.join(args), flush=True)
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True)
    if not done.stdout.strip():
        raise SystemExit(f"the import failed (exit {done.returncode}); see above")
    return json.loads(done.stdout)


def unpack(name: str, version: str) -> Path:
    """The sdist, unpacked once under results/suites/src/."""
    target = SUITES / "src" / f"{name}-{version}"
    if not target.is_dir():
        target.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(fetch(name, version)) as tar:
            tar.extractall(target.parent, filter="data")
        found = [p for p in target.parent.iterdir()
                 if p.is_dir() and p.name.lower().replace("_", "-") == target.name.lower()]  # fmt: skip
        found[0].rename(target)
    return target


def python3_has_pytest() -> bool:
    return subprocess.run(["python3", "-c", "import pytest"], capture_output=True).returncode == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=["exercism", "mutate"])
    parser.add_argument("--count", type=int, default=10, help="mutate tasks per package")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--force", action="store_true", help="make existing tasks again")
    args = parser.parse_args()
    force = ["--force"] if args.force else []
    rows, reports = [], {}

    if args.only in (None, "exercism"):
        start = time.monotonic()
        out = reins("exercism", str(EXERCISM), str(SUITES / "exercism"), *force)
        reports["exercism"] = out
        rows.append({"suite": "exercism", "source": "exercism-python",
                     "tasks": len(out["imported"]), "dropped": len(out["dropped"]),
                     "tries": "-", "seconds": round(time.monotonic() - start, 1)})  # fmt: skip
        for dropped in out["dropped"]:
            print(f"  dropped {dropped['name']}: {dropped['reason']}")

    if args.only in (None, "mutate"):
        for name, version, needs_pytest in PACKAGES:
            if needs_pytest and not python3_has_pytest():
                print(f"skipping {name}: its tests need pytest, which python3 on PATH lacks")
                continue
            source = unpack(name, version)
            start = time.monotonic()
            out = reins("mutate", str(source), str(SUITES / f"mutate-{name}"), "--name", name,
                        "--count", str(args.count), "--seed", str(args.seed), *force)  # fmt: skip
            reports[f"mutate-{name}"] = out
            details = out["details"]
            rows.append({"suite": f"mutate-{name}", "source": f"{name} {version}",
                         "tasks": len(out["imported"]), "dropped": len(out["dropped"]),
                         "tries": details["tries"],
                         "seconds": round(time.monotonic() - start, 1)})  # fmt: skip
            print(
                f"  {details['tests']} tests ({details['runner']}, baseline "
                f"{details['baseline_s']:.1f} s), {details['candidates']} candidate "
                f"mutations, outcomes {details['outcomes']}, kinds {details['kinds']}"
            )
            for note in out["notes"]:
                print(f"  note: {note}")

    if rows:
        report("make_suites", f"Development suites in {SUITES}", rows, {"reports": reports})


if __name__ == "__main__":
    main()
