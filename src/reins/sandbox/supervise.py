"""Run a command so that nothing it starts outlives it or reins, even `kill -9` of reins.

Used where no bubblewrap pid namespace does that job (full-access mode, or no bwrap):
reins starts `python -I -S supervise.py PARENT_PID -- ARGV...` as a process-group leader.
The supervisor
- asks the kernel for a signal when reins dies (PR_SET_PDEATHSIG),
- becomes a child subreaper (PR_SET_CHILD_SUBREAPER), so processes orphaned by the
  command (`setsid sleep 300 &`, daemons) are re-parented to it, not to init, and stay
  findable as its descendants,
- runs ARGV, and when ARGV exits or reins dies, kills every descendant and its group.
Standalone on purpose (no reins imports, no site packages): it starts in milliseconds.
"""

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36


def descendants(root: int) -> set[int]:
    """Every process below root, found through /proc parent links."""
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(name))
    found, stack = set(), [root]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def kill_tree() -> None:
    me = os.getpid()
    for _ in range(5):  # processes may fork while we walk: repeat until none is left
        found = descendants(me)
        if not found:
            break
        for pid in found:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        reap()


def reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _die(*_):
    kill_tree()
    os.killpg(0, signal.SIGKILL)  # the group includes this process


def main() -> int:
    parent, argv = int(sys.argv[1]), sys.argv[3:]
    libc = ctypes.CDLL(None, use_errno=True)
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, _die)
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # reins died before the request took effect
        _die()
    child = os.fork()
    if child == 0:
        for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            signal.signal(sig, signal.SIG_DFL)
        try:
            os.execvp(argv[0], argv)
        except OSError as error:
            os.write(2, f"reins: cannot run {argv[0]}: {error.strerror}\n".encode())
            os._exit(127)
    while True:
        try:
            pid, status = os.waitpid(-1, 0)  # orphans re-parented here are reaped too
        except InterruptedError:
            continue
        if pid == child:
            break
    kill_tree()  # what the command left behind dies with it, as in the sandbox
    code = os.waitstatus_to_exitcode(status)
    return code if code >= 0 else 128 - code  # killed by signal N: 128 + N, as shells say


if __name__ == "__main__":
    sys.exit(main())
