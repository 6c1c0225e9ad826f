"""The file tools stay inside the workspace even while something races them: paths are
resolved and used through directory descriptors (no check-then-use window), special files
are refused instead of blocking, glob never walks out through a symlink, apply_patch never
moves over a file, and reins' own files (.git/, .reins/) are read-only to the agent."""

from __future__ import annotations

import asyncio
import ctypes
import os
import platform
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from reins.tools.errors import ErrorKind
from reins.tools.files import Glob
from reins.tools.workspace import Workspace

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="renameat2 and FIFOs: Linux")

RENAME_EXCHANGE = 2
AT_FDCWD = -100
SYSCALL_RENAMEAT2 = {"x86_64": 316, "aarch64": 276}

SWAPPER = r"""
import ctypes, os, platform, sys
libc = ctypes.CDLL(None, use_errno=True)
a, b = os.fsencode(sys.argv[1]), os.fsencode(sys.argv[2])
if hasattr(libc, "renameat2"):
    def swap():
        return libc.renameat2(-100, a, -100, b, 2)
else:
    nr = {"x86_64": 316, "aarch64": 276}[platform.machine()]
    def swap():
        return libc.syscall(ctypes.c_long(nr), ctypes.c_int(-100), ctypes.c_char_p(a),
                            ctypes.c_int(-100), ctypes.c_char_p(b), ctypes.c_uint(2))
print("ready", flush=True)
while True:
    swap()
"""


def exchange(a: Path, b: Path) -> None:
    """One renameat2(RENAME_EXCHANGE), or skip the test where the kernel/fs lacks it."""
    libc = ctypes.CDLL(None, use_errno=True)
    a_b, b_b = os.fsencode(a), os.fsencode(b)
    if hasattr(libc, "renameat2"):
        rc = libc.renameat2(AT_FDCWD, a_b, AT_FDCWD, b_b, RENAME_EXCHANGE)
    elif platform.machine() in SYSCALL_RENAMEAT2:
        rc = libc.syscall(
            ctypes.c_long(SYSCALL_RENAMEAT2[platform.machine()]), ctypes.c_int(AT_FDCWD),
            ctypes.c_char_p(a_b), ctypes.c_int(AT_FDCWD), ctypes.c_char_p(b_b),
            ctypes.c_uint(RENAME_EXCHANGE),
        )  # fmt: skip
    else:
        pytest.skip("no renameat2 on this machine")
    if rc != 0:
        pytest.skip(
            f"renameat2(RENAME_EXCHANGE) unsupported here: {os.strerror(ctypes.get_errno())}"
        )


@pytest.fixture
def swapping(repo, tmp_path):
    """ws/d (a real directory) and ws/l (a symlink to a directory outside), exchanged by a
    background process in a tight loop. Yields (outside directory, function returning the
    real directory wherever it currently is)."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (repo / "d").mkdir()
    os.symlink(outside, repo / "l")
    exchange(repo / "d", repo / "l")  # probe support, then put them back
    exchange(repo / "d", repo / "l")
    started: dict = {}

    def start():
        proc = subprocess.Popen(
            [sys.executable, "-c", SWAPPER, str(repo / "d"), str(repo / "l")],
            stdout=subprocess.PIPE,
        )
        assert proc.stdout.readline().strip() == b"ready"
        started["proc"] = proc

    def real_dir() -> Path:
        """Stops the swapping first: while it runs, two looks can see two different states."""
        proc = started.pop("proc", None)
        if proc:
            proc.kill()
            proc.wait()
        return next(p for p in (repo / "d", repo / "l") if not p.is_symlink())

    yield outside, start, real_dir
    proc = started.get("proc")
    if proc:
        proc.kill()
        proc.wait()


def snapshot(directory: Path) -> dict[str, tuple]:
    """Names, contents, inodes and mtimes: a file replaced by an identical copy still shows."""
    state = {}
    for p in sorted(directory.iterdir()):
        info = p.lstat()
        state[p.name] = (p.read_bytes(), info.st_ino, info.st_mtime_ns)
    return state


RACE_ROUNDS = 1000  # stop at the first escape: the old code escapes within a few hundred


async def test_write_file_raced_by_a_symlink_swap_never_lands_outside(run, swapping):
    outside, start, real_dir = swapping
    (outside / "sentinel.txt").write_text("untouched\n")
    before = snapshot(outside)
    start()
    kinds = {}
    for i in range(RACE_ROUNDS):
        result = await run("write_file", path="d/f.txt", content=f"v{i}\n")
        kinds[result.kind] = kinds.get(result.kind, 0) + 1
        assert result.kind is not ErrorKind.UNKNOWN, result.output
        assert snapshot(outside) == before, f"written outside at round {i}: {kinds}"
    assert kinds.get(ErrorKind.OK), kinds  # the race did not just refuse everything
    assert (real_dir() / "f.txt").read_text().startswith("v")


async def test_edit_file_raced_by_a_symlink_swap_never_lands_outside(run, repo, swapping):
    outside, start, real_dir = swapping
    (repo / "d" / "f.txt").write_text("alpha\n")
    (outside / "f.txt").write_text("alpha\n")
    before = snapshot(outside)
    start()
    for i in range(RACE_ROUNDS // 2):
        edited = await run("edit_file", path="d/f.txt", old_string="alpha", new_string="beta")
        back = await run("write_file", path="d/f.txt", content="alpha\n")
        assert ErrorKind.UNKNOWN not in (edited.kind, back.kind), edited.output + back.output
        assert snapshot(outside) == before, f"written outside at round {i}"


async def test_read_file_raced_by_a_symlink_swap_never_reads_outside(run, repo, swapping):
    outside, start, real_dir = swapping
    (repo / "d" / "f.txt").write_text("inside\n")
    (outside / "f.txt").write_text("SECRET\n")
    start()
    ok = 0
    for _ in range(RACE_ROUNDS):
        result = await run("read_file", path="d/f.txt")
        assert "SECRET" not in result.output
        ok += result.ok
    assert ok, "every read was refused"
    assert (outside / "f.txt").read_text() == "SECRET\n"


def fifo_watchdog(fifo: Path, after: float = 3.0) -> threading.Event:
    """After `after` seconds, keep giving any reader stuck on the FIFO its EOF, from a thread
    of our own: a regression that blocks (even on the event loop) fails instead of hanging.
    Set the returned event to stop it."""
    done = threading.Event()

    def body():
        if done.wait(after):
            return
        while not done.is_set():
            try:
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass
            time.sleep(0.05)

    threading.Thread(target=body, daemon=True).start()
    return done


@pytest.mark.parametrize(
    "tool, args",
    [
        ("read_file", {"path": "pipe"}),
        ("edit_file", {"path": "pipe", "old_string": "a", "new_string": "b"}),
        ("write_file", {"path": "pipe", "content": "x"}),
        ("grep", {"pattern": "x", "path": "pipe"}),
        (
            "apply_patch",
            {"patch": "*** Begin Patch\n*** Update File: pipe\n@@\n-a\n+b\n*** End Patch"},
        ),
    ],
)
async def test_a_fifo_is_refused_at_once_instead_of_blocking(run, repo, tool, args):
    fifo = repo / "pipe"
    os.mkfifo(fifo)
    watchdog = fifo_watchdog(fifo)
    start = time.monotonic()
    try:
        result = await asyncio.wait_for(run(tool, **args), 10)
    finally:
        watchdog.set()
    assert time.monotonic() - start < 2.5, "the call blocked on the FIFO"
    assert result.kind is ErrorKind.INVALID_ARGUMENTS, result.output
    assert "FIFO" in result.output
    assert fifo.exists() and not fifo.is_file()  # still the FIFO: nothing replaced it


async def test_glob_never_lists_or_walks_through_a_symlink_leaving_the_workspace(
    run, repo, tmp_path
):
    outside = tmp_path / "outside"
    (outside / "deep").mkdir(parents=True)
    (outside / "secret.py").write_text("x")
    (outside / "deep" / "more.py").write_text("x")
    os.symlink(outside, repo / "lout")
    os.symlink(outside / "secret.py", repo / "secret_link.py")
    for pattern in ("**/*.py", "lout/*", "lout/**/*.py", "*", "**", "**/*"):
        result = await run("glob", pattern=pattern)
        assert result.kind is not ErrorKind.UNKNOWN
        listed = [] if result.output.startswith("no files match") else result.output.splitlines()
        assert not [x for x in listed if "secret" in x or "more.py" in x], (pattern, listed)
        assert not [x for x in listed if x.startswith("lout/")], (pattern, listed)
    found = await run("glob", pattern="**/*.py")
    assert found.output.splitlines() == ["src/app.py", "src/util.py"]


def test_glob_with_a_symlink_to_the_filesystem_root_finishes_fast(repo):
    os.symlink("/", repo / "slash")
    ws = Workspace(repo)
    outcome: dict = {}

    def body():  # a daemon thread of our own: a regression must fail here, not hang the run
        try:
            outcome["out"] = Glob()._glob("**/passwd", ws)
        except BaseException as error:  # noqa: BLE001
            outcome["error"] = error

    worker = threading.Thread(target=body, daemon=True)
    started = time.monotonic()
    worker.start()
    worker.join(10)
    assert not worker.is_alive(), "glob walked through the symlink to /"
    assert time.monotonic() - started < 5
    assert "error" not in outcome, outcome
    assert outcome["out"] == "no files match '**/passwd'"
    for pattern in ("slash/etc/*", "*/etc/passwd", "slash/*"):
        listed = Glob()._glob(pattern, ws)
        assert listed.startswith("no files match"), (pattern, listed[:200])


async def test_list_dir_shows_an_escaping_symlink_without_following_it(run, repo, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("x" * 1234)
    os.symlink(outside, repo / "lout")
    os.symlink("src", repo / "lin")
    listing = await run("list_dir", path=".")
    assert listing.ok
    assert "lout -> (symlink leaving the workspace; not followed)" in listing.output
    assert "lin/ -> src/" in listing.output
    refused = await run("list_dir", path="lout")
    assert refused.kind is ErrorKind.INVALID_ARGUMENTS and "outside the workspace" in refused.output


async def test_move_to_an_existing_file_is_refused_and_nothing_changes(run, repo):
    (repo / "a.txt").write_text("one\n")
    (repo / "b.txt").write_text("precious\n")
    patch = (
        "*** Begin Patch\n*** Update File: a.txt\n*** Move to: b.txt\n@@\n-one\n+two\n*** End Patch"
    )
    result = await run("apply_patch", patch=patch)
    assert result.kind is ErrorKind.INVALID_ARGUMENTS and "b.txt" in result.output
    assert (repo / "a.txt").read_text() == "one\n"
    assert (repo / "b.txt").read_text() == "precious\n"


async def test_move_to_is_allowed_over_a_file_the_same_patch_deletes_or_onto_itself(run, repo):
    (repo / "a.txt").write_text("one\n")
    (repo / "b.txt").write_text("old b\n")
    patch = (
        "*** Begin Patch\n*** Delete File: b.txt\n*** Update File: a.txt\n*** Move to: b.txt\n"
        "@@\n-one\n+two\n*** End Patch"
    )
    result = await run("apply_patch", patch=patch)
    assert result.ok, result.output
    assert not (repo / "a.txt").exists() and (repo / "b.txt").read_text() == "two\n"
    itself = (
        "*** Begin Patch\n*** Update File: b.txt\n*** Move to: ./b.txt\n@@\n-two\n+three\n"
        "*** End Patch"
    )
    assert (await run("apply_patch", patch=itself)).ok
    assert (repo / "b.txt").read_text() == "three\n"


@pytest.mark.parametrize(
    "tool, args",
    [
        (
            "write_file",
            {"path": ".git/hooks/pre-commit", "content": "#!/bin/sh\ntouch /tmp/pwned\n"},
        ),
        ("write_file", {"path": ".reins/config.toml", "content": "sandbox = 'full-access'\n"}),
        ("write_file", {"path": "./src/../.git/config", "content": "[core]\n"}),
        ("write_file", {"path": "vendor/lib/.git/config", "content": "[core]\n"}),
        ("edit_file", {"path": ".git/HEAD", "old_string": "ref: refs", "new_string": "ref:  refs"}),
        (
            "apply_patch",
            {"patch": "*** Begin Patch\n*** Add File: .reins/config.toml\n+x = 1\n*** End Patch"},
        ),
        (
            "apply_patch",
            {"patch": "*** Begin Patch\n*** Add File: .git/hooks/post-checkout\n+x\n*** End Patch"},
        ),
        (
            "apply_patch",
            {
                "patch": "*** Begin Patch\n*** Update File: .git/HEAD\n@@\n-ref: refs/heads/master\n+x\n*** End Patch"
            },
        ),
        ("apply_patch", {"patch": "*** Begin Patch\n*** Delete File: .git/HEAD\n*** End Patch"}),
        (
            "apply_patch",
            {
                "patch": "*** Begin Patch\n*** Update File: README.md\n*** Move to: .git/hooks/pre-commit\n*** End Patch"
            },
        ),
    ],
)
async def test_writes_to_git_and_reins_config_are_refused(run, repo, tool, args):
    (repo / ".reins").mkdir(exist_ok=True)
    (repo / ".reins" / "config.toml").write_text("sandbox = 'read-only'\n")
    before = {p: p.read_bytes() for p in (repo / ".git").rglob("*") if p.is_file()}
    before_readme = (repo / "README.md").read_text()
    result = await run(tool, **args)
    assert result.kind is ErrorKind.INVALID_ARGUMENTS, result.output
    assert "refusing to change" in result.output
    assert ".git/" in result.output or ".reins/" in result.output
    after = {p: p.read_bytes() for p in (repo / ".git").rglob("*") if p.is_file()}
    assert after == before
    assert (repo / ".reins" / "config.toml").read_text() == "sandbox = 'read-only'\n"
    assert (repo / "README.md").read_text() == before_readme
    assert not (repo / "vendor").exists()


async def test_a_symlink_into_git_does_not_unlock_it_and_reads_stay_allowed(run, repo):
    os.symlink(".git/hooks", repo / "hooks")
    result = await run("write_file", path="hooks/pre-commit", content="#!/bin/sh\n")
    assert result.kind is ErrorKind.INVALID_ARGUMENTS and ".git/" in result.output
    assert not (repo / ".git/hooks/pre-commit").exists()
    assert (await run("read_file", path=".git/HEAD")).ok
    from reins.tools.workspace import PROTECTED

    assert {".git", ".reins"} <= set(PROTECTED)


async def test_symlinks_inside_the_workspace_still_work_for_read_and_write(run, repo):
    os.symlink("src", repo / "lin")
    os.symlink("src/app.py", repo / "alias.py")
    os.symlink(repo / "src" / "util.py", repo / "abs_util.py")  # absolute, but inside
    assert "def greet" in (await run("read_file", path="lin/app.py")).output
    assert "VALUE = 1" in (await run("read_file", path="abs_util.py")).output
    assert (await run("write_file", path="lin/new.py", content="NEW = 1\n")).ok
    assert (repo / "src/new.py").read_text() == "NEW = 1\n"
    await run("read_file", path="alias.py")
    edited = await run("edit_file", path="alias.py", old_string="'hello '", new_string="'hi '")
    assert edited.ok, edited.output
    assert (repo / "alias.py").is_symlink() and "'hi '" in (repo / "src/app.py").read_text()
    assert (await run("write_file", path="abs_util.py", content="VALUE = 2\n")).ok
    assert (repo / "abs_util.py").is_symlink()
    assert (repo / "src/util.py").read_text() == "VALUE = 2\n"


async def test_off_loop_runs_in_a_daemon_thread_and_cancelling_returns_at_once():
    from reins.tools.offload import off_loop

    seen = {}
    release = threading.Event()

    def blocking():
        seen["daemon"] = threading.current_thread().daemon
        release.wait(10)
        return "done"

    task = asyncio.ensure_future(off_loop(blocking))
    await asyncio.sleep(0.05)
    started = time.monotonic()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert time.monotonic() - started < 0.5
    assert seen["daemon"] is True
    release.set()
    assert await off_loop(lambda x, y=0: x + y, 2, y=3) == 5
    with pytest.raises(ZeroDivisionError):
        await off_loop(lambda: 1 / 0)
