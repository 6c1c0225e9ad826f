"""Escape attempts against the bubblewrap sandbox, run as reins runs them: as this user
(root in CI) and, when this is root, again as an unprivileged user (`setpriv` to nobody).

Every attempt is a command a hostile or careless model could send to run_command. The
host side is checked directly: a file outside the workspace, a secret in reins' own
environment, the repo's .git, the credential files in $HOME."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from reins.sandbox.bwrap import BubblewrapSandbox
from reins.sandbox.factory import probe_bwrap

pytestmark = pytest.mark.skipif(probe_bwrap() is None, reason="bubblewrap is not usable here")

NOBODY = 65534
USERS = ["self"]
if os.geteuid() == 0 and shutil.which("setpriv"):
    USERS.append("nobody")


@dataclass
class Box:
    """Runs a command the way the sandbox would for reins, optionally as nobody."""

    user: str
    workspace: Path
    outside: Path  # a host directory outside the workspace and outside /tmp
    home: Path

    def run(self, command: str, mode: str = "workspace-write", network: bool = False,
            passthrough: tuple[str, ...] = ()) -> tuple[int, str]:  # fmt: skip
        box = BubblewrapSandbox(
            str(self.workspace), allow_network=network, writable=mode == "workspace-write",
            features=probe_bwrap(), env_passthrough=passthrough,
        )  # fmt: skip
        argv = box.argv(command, str(self.workspace))
        if self.user == "nobody":
            argv = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *argv]
        done = subprocess.run(
            argv, cwd=self.workspace, env=box.env(), capture_output=True, text=True, timeout=30
        )
        return done.returncode, done.stdout + done.stderr


def _open_to(path: Path, user: str) -> None:
    path.chmod(0o755)
    if user == "nobody":
        for root, dirs, files in os.walk(path):
            for name in [root, *(os.path.join(root, n) for n in dirs + files)]:
                os.lchown(name, NOBODY, NOBODY)


@pytest.fixture(params=USERS)
def box(request, monkeypatch):
    # Outside /tmp on purpose: /tmp is a private tmpfs in the sandbox, so a write there
    # would prove nothing.
    base = Path(tempfile.mkdtemp(prefix="reins-sec-", dir="/var/tmp"))
    base.chmod(0o755)
    workspace, outside, home = base / "ws", base / "outside", base / "home"
    for path in (workspace, outside, home):
        path.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=workspace, check=True)
    (workspace / ".reins").mkdir()
    (workspace / ".reins" / "config.toml").write_text("max_steps = 5\n")
    (workspace / "code.py").write_text("print('hi')\n")
    for rel, text in {
        ".ssh/id_ed25519": "PRIVATE-KEY-MATERIAL",
        ".aws/credentials": "aws_secret_access_key = AKIA-SECRET",
        ".netrc": "machine x login y password NETRC-SECRET",
        ".local/share/reins/sessions.db": "OTHER-SESSIONS-LOG",
    }.items():
        (home / rel).parent.mkdir(parents=True, exist_ok=True)
        (home / rel).write_text(text)
    for path in (workspace, outside, home):
        _open_to(path, request.param)
    monkeypatch.setenv("HOME", str(home))
    # reins' own dirs at their defaults, under this $HOME (as for a user running reins)
    for name in ("REINS_DATA_DIR", "REINS_CACHE_DIR", "REINS_INDEX_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    yield Box(request.param, workspace, outside, home)
    shutil.rmtree(base, ignore_errors=True)


def test_no_capabilities_inside(box):
    code, out = box.run("grep -E '^Cap(Eff|Prm|Bnd)' /proc/self/status")
    assert code == 0, out
    for line in out.strip().splitlines():
        assert line.split()[1] == "0000000000000000", out


def test_cannot_remount_the_host_writable(box):
    target = box.outside / "escaped.txt"
    box.run(
        "umount -l /tmp; umount -l /; mount -o remount,bind,rw /; "
        f"mount -o remount,rw {box.outside}; echo pwned > {target}"
    )
    assert not target.exists()


def test_read_only_mode_cannot_remount_the_workspace(box):
    box.run("mount -o remount,bind,rw $PWD; echo pwned > written.txt; rm code.py", "read-only")
    assert not (box.workspace / "written.txt").exists()
    assert (box.workspace / "code.py").exists()


def test_reins_environment_is_out_of_reach(box, monkeypatch):
    secret = "s3cr3t-" + uuid.uuid4().hex
    monkeypatch.setenv("REINS_TEST_API_KEY", secret)
    code, out = box.run(
        "umount -l /proc 2>/dev/null; "
        f"cat /proc/{os.getpid()}/environ /proc/{os.getppid()}/environ 2>&1; "
        "for f in /proc/[0-9]*/environ; do tr '\\0' '\\n' < $f; done 2>/dev/null; env"
    )
    assert secret not in out


def test_cannot_enter_or_signal_host_processes(box):
    code, out = box.run(
        f"kill -0 {os.getpid()} && echo SIGNALLED; "
        f"nsenter -t {os.getpid()} -n -m true && echo ENTERED; "
        "nsenter -t 1 -m -n -p true && echo ENTERED; "
        "unshare -Ur true && echo NEW_USERNS; "
        "unshare -m true && echo NEW_MOUNTNS; echo done"
    )
    assert "done" in out
    for marker in ("SIGNALLED", "ENTERED", "NEW_MOUNTNS"):
        assert marker not in out, out
    if probe_bwrap().disable_userns:
        assert "NEW_USERNS" not in out, out


def test_credentials_and_session_logs_are_hidden(box):
    code, out = box.run(
        "cat ~/.ssh/id_ed25519 ~/.aws/credentials ~/.netrc ~/.local/share/reins/sessions.db; "
        f"cat {box.home}/.ssh/id_ed25519; ls -A ~/.ssh"
    )
    for secret in ("PRIVATE-KEY-MATERIAL", "AKIA-SECRET", "NETRC-SECRET", "OTHER-SESSIONS-LOG"):
        assert secret not in out, out


def test_commands_get_an_allow_listed_environment(box, monkeypatch):
    leaky = {
        "DATABASE_URL": "postgres://u:DBPASS@h/db", "SENTRY_DSN": "https://SENTRYKEY@o.ingest",
        "MYSQL_PWD": "MYSQLPASS", "BUILD_PASSWD": "BUILDPASS", "NPM_AUTH": "NPMTOKEN",
        "GOOGLE_APPLICATION_CREDENTIALS": "/keys/GCPKEY.json", "AWS_SECRET_ACCESS_KEY": "AWSKEY",
        "OPENAI_API_KEY": "sk-OPENAI", "ANTHROPIC_API_KEY": "sk-ANTHROPIC",
    }  # fmt: skip
    for name, value in leaky.items():
        monkeypatch.setenv(name, value)
    _, out = box.run("env")
    for value in leaky.values():
        assert value not in out, out
    assert "PATH=" in out and "HOME=" in out
    _, passed = box.run("echo $SENTRY_DSN", passthrough=("SENTRY_*",))
    assert "SENTRYKEY" in passed  # the user's explicit pass-through works


def test_git_and_reins_config_are_read_only(box):
    config = (box.workspace / ".git" / "config").read_text()
    box.run(
        "git config core.fsmonitor 'touch /pwned'; git config core.hooksPath hooks; "
        "printf '#!/bin/sh\\ntouch /pwned\\n' > .git/hooks/pre-commit; "
        "chmod +x .git/hooks/pre-commit; rm -rf .git; "
        "echo 'sandbox = \"full-access\"' > .reins/config.toml; rm -rf .reins"
    )
    assert (box.workspace / ".git" / "config").read_text() == config
    assert not (box.workspace / ".git" / "hooks" / "pre-commit").exists()
    assert (box.workspace / ".reins" / "config.toml").read_text() == "max_steps = 5\n"
    code, _ = box.run("echo ok > new.txt")  # the rest of the workspace stays writable
    assert code == 0 and (box.workspace / "new.txt").read_text() == "ok\n"


def test_host_sockets_are_out_of_reach(box):
    if os.geteuid() != 0:
        pytest.skip("creating a socket under /run needs root")
    path = Path(f"/run/reins-test-{uuid.uuid4().hex[:8]}.sock")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.listen()
    try:
        code, out = box.run(f"test -e {path} && echo VISIBLE; ls -A /run | wc -l")
    finally:
        server.close()
        path.unlink()
    assert "VISIBLE" not in out
    assert out.strip().splitlines()[-1] == "0"


def test_writes_through_a_symlink_to_the_host_fail(box):
    target = box.outside / "victim.txt"
    target.write_text("original\n")
    _open_to(box.outside, box.user)
    box.run(f"ln -s {target} link.txt; echo pwned >> link.txt; cp /dev/null {target}")
    assert target.read_text() == "original\n"


def test_no_network_by_default(box):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    try:
        _, out = box.run(f"exec 3<>/dev/tcp/127.0.0.1/{port} && echo CONNECTED")
    finally:
        server.close()
    assert "CONNECTED" not in out
