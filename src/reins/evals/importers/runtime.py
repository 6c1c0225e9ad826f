"""The verifier's runtime: copied into every imported task as tests/_reins_verify.py.

Standard library only (it runs under whatever python3 the sandbox has, 3.8 or later).
`tests/test.sh` runs it in the workspace; it

1. restores the hidden files (tests/files/ copied over the workspace, `remove` deleted), so
   tests the agent edited or added are replaced by the originals;
2. runs the test command (`bash -c`) in its own process group, killed on timeout, with two
   recorders that log every test's outcome as it happens: a pytest plugin (PYTEST_PLUGINS)
   and a unittest hook (a sitecustomize on PYTHONPATH), so any command that ends up in
   pytest or unittest (`python3 -m unittest …`, `pytest -x`, a runtests.py) is counted
   per test;
3. grades the named groups of tests from verify.json: a test counts only if it passed
   (xfail too); a missing test failed. Writes LOGS/reward.json ({"reward": 1.0 only if
   every named test passed, "fraction": passed/total, and one fraction per group when
   there are several}) and LOGS/results.json (every test's outcome, the output's tail).

The importers use the same functions (run_tests, grade) to pick and check tasks, so what
was checked at import is what the verifier does.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

CONFIG_FILE = "verify.json"
FILES_DIR = "files"  # under tests/: copied over the workspace before the tests run
OUTPUT_TAIL = 20000
PASSING = ("passed", "xfailed")
# Worst first: the outcome a test keeps when it is reported several times.
SEVERITY = ("error", "failed", "passed", "xfailed", "skipped")

_PYTEST_PLUGIN = r"""
import json, os
_dir = os.environ.get("REINS_TEST_RESULTS")
_maxfail = int(os.environ.get("REINS_MAXFAIL") or 0)
_state = {"failed": 0, "session": None}

def _write(test_id, outcome):
    if not _dir:
        return
    with open(os.path.join(_dir, "pytest-%d.jsonl" % os.getpid()), "a") as out:
        out.write(json.dumps({"id": test_id, "outcome": outcome}) + "\n")
    if outcome in ("failed", "error"):
        _state["failed"] += 1
        session = _state["session"]
        if _maxfail and _state["failed"] >= _maxfail and session is not None:
            session.shouldstop = "reins: %d tests failed" % _state["failed"]

def pytest_sessionstart(session):
    _state["session"] = session

def pytest_collectreport(report):
    if report.failed:
        _write(report.nodeid or "<collection>", "error")

def pytest_runtest_logreport(report):
    xfail = hasattr(report, "wasxfail")
    if report.when == "call":
        if report.passed:
            outcome = "passed"
        elif report.failed:
            outcome = "failed"
        else:
            outcome = "xfailed" if xfail else "skipped"
    elif report.failed:
        outcome = "error"
    elif report.skipped and report.when == "setup":
        outcome = "xfailed" if xfail else "skipped"
    else:
        return
    _write(report.nodeid, outcome)
"""

_SITECUSTOMIZE = r'''
import os, sys

def _reins_install():
    out_dir = os.environ.get("REINS_TEST_RESULTS")
    if not out_dir:
        return
    maxfail = int(os.environ.get("REINS_MAXFAIL") or 0)
    state = {"failed": 0}

    def record(result, test, outcome):
        try:
            test_id = test.id()
        except Exception:
            return
        import json
        with open(os.path.join(out_dir, "unittest-%d.jsonl" % os.getpid()), "a") as out:
            out.write(json.dumps({"id": test_id, "outcome": outcome}) + "\n")
        if outcome in ("failed", "error"):
            state["failed"] += 1
            if maxfail and state["failed"] >= maxfail:
                result.shouldStop = True

    def patch(module):
        cls = module.TestResult
        def wrap(name, outcome):
            original = getattr(cls, name)
            def method(self, test, *args, **kwargs):
                record(self, test, outcome)
                return original(self, test, *args, **kwargs)
            setattr(cls, name, method)
        for name, outcome in (("addSuccess", "passed"), ("addFailure", "failed"),
                              ("addError", "error"), ("addSkip", "skipped"),
                              ("addExpectedFailure", "xfailed"),
                              ("addUnexpectedSuccess", "failed")):
            wrap(name, outcome)
        original_sub = cls.addSubTest
        def add_sub_test(self, test, subtest, err):
            if err is not None:
                failed = issubclass(err[0], getattr(test, "failureException", AssertionError))
                record(self, test, "failed" if failed else "error")
            return original_sub(self, test, subtest, err)
        cls.addSubTest = add_sub_test

    # Patch unittest.result when (if ever) it is imported: nothing is imported up front.
    import importlib.abc, importlib.machinery

    class Finder(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name != "unittest.result":
                return None
            sys.meta_path.remove(self)
            spec = importlib.machinery.PathFinder.find_spec(name, path)
            if spec is None or spec.loader is None:
                return spec
            execute = spec.loader.exec_module
            def exec_module(module):
                execute(module)
                try:
                    patch(module)
                except Exception:
                    pass
            spec.loader.exec_module = exec_module
            return spec

    sys.meta_path.insert(0, Finder())

def _reins_chain():
    """Run the sitecustomize this one shadows (Debian's, a venv's), if any."""
    here = os.path.dirname(os.path.abspath(__file__))
    for entry in sys.path:
        folder = os.path.abspath(entry or ".")
        candidate = os.path.join(folder, "sitecustomize.py")
        if folder != here and os.path.isfile(candidate):
            with open(candidate) as source:
                code = compile(source.read(), candidate, "exec")
            exec(code, {"__name__": "sitecustomize", "__file__": candidate})
            return

try:
    _reins_install()
except Exception:
    pass
_reins_chain()
'''


# -- running tests ---------------------------------------------------------------------


def _merge(outcomes, test_id, outcome):
    old = outcomes.get(test_id)
    if old is None or SEVERITY.index(outcome) < SEVERITY.index(old):
        outcomes[test_id] = outcome


def _read_records(folder):
    outcomes = {}
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".jsonl"):
            continue
        with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as lines:
            for line in lines:
                try:
                    record = json.loads(line)
                except ValueError:
                    continue  # a line torn by a kill
                if record.get("outcome") in SEVERITY:
                    _merge(outcomes, str(record["id"]), record["outcome"])
    return outcomes


def _kill_group(process):
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def run_tests(command, cwd, timeout_s, python_path=(), maxfail=0, env=None):
    """Run `command` with bash in `cwd`; returns {outcomes, exit_code, timed_out, output,
    seconds}. outcomes maps each test's id (pytest node id, or unittest's dotted id) to
    passed, failed, error, skipped or xfailed."""
    work = tempfile.mkdtemp(prefix="reins-tests-")
    try:
        hooks, records = os.path.join(work, "hooks"), os.path.join(work, "records")
        os.makedirs(hooks)
        os.makedirs(records)
        with open(os.path.join(hooks, "_reins_pytest_plugin.py"), "w") as out:
            out.write(_PYTEST_PLUGIN)
        with open(os.path.join(hooks, "sitecustomize.py"), "w") as out:
            out.write(_SITECUSTOMIZE)
        environ = dict(os.environ if env is None else env)
        paths = [hooks] + [os.path.join(os.path.abspath(cwd), p) for p in python_path]
        if environ.get("PYTHONPATH"):
            paths.append(environ["PYTHONPATH"])
        environ["PYTHONPATH"] = os.pathsep.join(paths)
        plugins = [p for p in environ.get("PYTEST_PLUGINS", "").split(",") if p.strip()]
        environ["PYTEST_PLUGINS"] = ",".join(plugins + ["_reins_pytest_plugin"])
        environ["REINS_TEST_RESULTS"] = records
        environ["REINS_MAXFAIL"] = str(int(maxfail or 0))
        environ["PYTHONDONTWRITEBYTECODE"] = "1"  # a same-size edit in the same second
        chunks = []  # would otherwise be served from a stale .pyc

        start = time.monotonic()
        process = subprocess.Popen(
            ["bash", "-c", command], cwd=cwd, env=environ, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

        def read():
            kept = 0
            for chunk in iter(lambda: process.stdout.read1(65536), b""):
                chunks.append(chunk)
                kept += len(chunk)
                while kept > 2 * OUTPUT_TAIL and len(chunks) > 1:
                    kept -= len(chunks.pop(0))

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        timed_out = False
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            timed_out = True
        _kill_group(process)  # also whatever the tests left running
        process.wait()
        reader.join(timeout=2)
        seconds = time.monotonic() - start
        output = b"".join(chunks).decode("utf-8", "replace")[-OUTPUT_TAIL:]
        if timed_out:
            output += f"\n[reins: the tests ran past {timeout_s:g} s and were killed]\n"
        return {
            "outcomes": _read_records(records),
            "exit_code": None if timed_out else process.returncode,
            "timed_out": timed_out,
            "output": output,
            "seconds": round(seconds, 3),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


# -- grading ---------------------------------------------------------------------------

_UNITTEST_LEGACY = re.compile(r"^(\w+) \(([\w.]+)\)$")  # "test_x (pkg.mod.Class)"


def canonical(test_id):
    """unittest's "test_x (pkg.mod.Class)" (and 3.11's "(pkg.mod.Class.test_x)") as the
    dotted id "pkg.mod.Class.test_x"; anything else unchanged."""
    match = _UNITTEST_LEGACY.match(test_id.strip())
    if not match:
        return test_id.strip()
    name, owner = match.groups()
    return owner if owner.endswith("." + name) else owner + "." + name


def _last_part(test_id):
    return re.split(r"::|\.", test_id)[-1]


def lookup(test_id, outcomes):
    """The outcome of a named test among those recorded ("missing" when it did not run)."""
    if test_id in outcomes:
        return outcomes[test_id]
    wanted = canonical(test_id)
    for recorded, outcome in outcomes.items():
        if canonical(recorded) == wanted:
            return outcome
    if "::" not in wanted and "." not in wanted:  # a bare test name: every test of that name
        found = [o for r, o in outcomes.items() if _last_part(canonical(r)) == wanted]
        if found:
            return min(found, key=SEVERITY.index)
    return "missing"


def grade(groups, outcomes):
    """(rewards, per-test outcomes) for groups {name: [test ids]}: reward 1.0 only if every
    named test passed; fraction over the distinct tests; one fraction per group if several."""
    status = {}
    for ids in groups.values():
        for test_id in ids:
            status[test_id] = lookup(test_id, outcomes)
    passed = [t for t, o in status.items() if o in PASSING]
    total = len(status)
    rewards = {
        "reward": 1.0 if total and len(passed) == total else 0.0,
        "fraction": round(len(passed) / total, 6) if total else 0.0,
    }
    if len(groups) > 1:
        for name, ids in groups.items():
            ok = sum(1 for t in ids if status[t] in PASSING)
            rewards[name] = round(ok / len(ids), 6) if ids else 1.0
    return rewards, status


# -- the verifier ----------------------------------------------------------------------


def restore(tests_dir, workspace, remove=()):
    """Copy tests/files/ over the workspace and delete `remove` (paths inside it)."""
    root = os.path.realpath(workspace)

    def inside(relative):
        path = os.path.realpath(os.path.join(root, relative))
        if path != root and not path.startswith(root + os.sep):
            raise ValueError(f"path leaves the workspace: {relative}")
        return os.path.join(root, relative)

    for relative in remove:
        path = inside(relative)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        elif os.path.lexists(path):
            os.remove(path)
    source = os.path.join(tests_dir, FILES_DIR)
    for folder, _dirs, files in os.walk(source):
        for name in files:
            relative = os.path.relpath(os.path.join(folder, name), source)
            target = inside(relative)
            if os.path.lexists(target) and (os.path.islink(target) or os.path.isdir(target)):
                shutil.rmtree(target) if os.path.isdir(target) else os.remove(target)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copyfile(os.path.join(folder, name), target)
            os.chmod(target, 0o644)


def verify(tests_dir, workspace, logs_dir):
    """Restore, run, grade, write the rewards; returns the rewards."""
    with open(os.path.join(tests_dir, CONFIG_FILE), encoding="utf-8") as config_file:
        config = json.load(config_file)
    restore(tests_dir, workspace, config.get("remove", ()))
    run = run_tests(
        config["command"], workspace, float(config.get("timeout_s", 600)),
        config.get("python_path", ()),
    )  # fmt: skip
    rewards, status = grade(config["groups"], run["outcomes"])
    sys.stdout.write(run["output"])
    failing = sorted(t for t, o in status.items() if o not in PASSING)
    passed = len(status) - len(failing)
    print(f"\n[reins] {passed}/{len(status)} named tests passed; reward {rewards['reward']}")
    for test_id in failing[:50]:
        print(f"[reins]   {status[test_id]}: {test_id}")
    os.makedirs(logs_dir, exist_ok=True)
    details = {"rewards": rewards, "tests": status, "exit_code": run["exit_code"],
               "timed_out": run["timed_out"], "seconds": run["seconds"],
               "output_tail": run["output"][-4000:]}  # fmt: skip
    with open(os.path.join(logs_dir, "results.json"), "w") as out:
        json.dump(details, out, indent=1)
    with open(os.path.join(logs_dir, "reward.json"), "w") as out:
        json.dump(rewards, out)
    return rewards


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    tests_dir = argv[1] if len(argv) > 1 else here
    logs_dir = argv[2] if len(argv) > 2 else "/logs/verifier"
    verify(tests_dir, os.getcwd(), logs_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
