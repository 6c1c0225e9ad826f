"""Commands run inside bubblewrap: read-only root, writable workspace, no network."""

import os
import shutil
import socket

import pytest

from reins.sandbox import make_sandbox
from reins.sandbox.bwrap import BubblewrapSandbox
from reins.sandbox.factory import bwrap_works

pytestmark = pytest.mark.skipif(not bwrap_works(), reason="bubblewrap is not usable here")


def test_bubblewrap_is_chosen_when_it_works(repo):
    assert isinstance(make_sandbox(str(repo)), BubblewrapSandbox)


async def test_workspace_is_writable_but_root_is_not(repo, tmp_path):
    sandbox = make_sandbox(str(repo))
    outside = tmp_path / "outside.txt"  # /tmp is a private tmpfs inside the sandbox
    result = await sandbox.exec(
        f"echo in > inside.txt; echo out > {outside}; echo x > /usr/reins-test; echo done",
        str(repo), 10,
    )  # fmt: skip
    assert (repo / "inside.txt").read_text() == "in\n"
    assert not outside.exists()
    assert "Read-only file system" in result.output
    assert not os.path.exists("/usr/reins-test")


async def test_no_network_unless_allowed(repo):
    """A server on the host's loopback: unreachable from the sandbox unless allowed."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    code = f'import socket; socket.create_connection(("127.0.0.1", {port}), timeout=2); print("connected")'
    probe = f"python3 -c '{code}' 2>&1 | tail -1"
    try:
        closed = await make_sandbox(str(repo)).exec(probe, str(repo), 10)
        opened = await make_sandbox(str(repo), allow_network=True).exec(probe, str(repo), 10)
    finally:
        server.close()
    assert "connected" not in closed.output and "refused" in closed.output
    assert opened.output.strip() == "connected"


async def test_secrets_are_not_passed_to_commands(repo, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret")
    result = await make_sandbox(str(repo)).exec("env", str(repo), 10)
    assert "sk-secret" not in result.output


def test_git_and_ripgrep_are_installed():
    assert shutil.which("rg") and shutil.which("git")
