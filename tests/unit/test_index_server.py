"""The background index server: answers like in-process search, stays fresh, exits when
idle, and is only used from a folder private to this user."""

import json
import os
import subprocess
import sys
import time

from reins.index import server, server_client
from tests.conftest import make_repo
from tests.unit.test_cli import reins


def wait_for(predicate, timeout=30.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_the_server_answers_fresh_results_and_exits_when_idle(tmp_path):
    repo = make_repo(
        tmp_path / "repo", {"retry.py": "def retry_upload(times):\n    return times\n"}
    )
    proc = subprocess.Popen([sys.executable, "-m", "reins.index.server", str(repo), "{}", "3"])
    try:
        assert wait_for(lambda: server_client.ask(repo, {}, "retry upload", 5, None) is not None)
        hits = server_client.ask(repo, {}, "retry upload", 5, None)
        assert hits[0]["path"] == "retry.py" and hits[0]["symbol"] == "retry_upload"
        (repo / "backoff.py").write_text("def exponential_backoff(delay):\n    return delay * 2\n")
        hits = server_client.ask(repo, {}, "exponential_backoff", 5, None)
        assert hits[0]["path"] == "backoff.py"  # a change is seen by the next query
        assert (
            server_client.ask(repo, {"embeddings": "local"}, "x", 5, None) is None
        )  # other settings
        assert proc.wait(timeout=30) == 0  # idle for 3 s: it exits by itself
        assert not os.path.exists(server_client.socket_path(repo, {}))
    finally:
        proc.kill()


def test_a_folder_others_can_enter_is_not_used(tmp_path, monkeypatch):
    folder = tmp_path / "socks"
    folder.mkdir(mode=0o755)
    monkeypatch.setattr(server_client, "socket_dir", lambda: folder)
    assert server_client.private_dir(create=False) is False
    os.chmod(folder, 0o700)
    assert server_client.private_dir(create=False) is True


def test_the_cli_answers_from_the_server_the_same_as_in_process(tmp_path, monkeypatch):
    monkeypatch.setenv("REINS_INDEX_SERVER", "1")
    # The table only: under "auto" the filler may switch the index to MiniLM between two
    # of these searches, and the answers then differ rightly (test_index_upgrade covers it).
    settings = {"embeddings": "local"}
    config = tmp_path / "config" / "reins"
    config.mkdir(parents=True)
    (config / "config.toml").write_text('[index]\nembeddings = "local"\n')
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config.parent))
    repo = make_repo(tmp_path / "repo", {"a.py": "def parse_headers(raw):\n    return raw\n",
                                         "b.py": "def send_request(url):\n    return url\n"})  # fmt: skip
    cold = reins("search", "parse headers", "--repo", str(repo), "--json")  # starts a server
    assert cold.returncode == 0, cold.stderr
    assert wait_for(lambda: server_client.ask(repo, settings, "x", 1, None) is not None)
    warm = reins("search", "parse headers", "--repo", str(repo), "--json")
    assert json.loads(warm.stdout) == json.loads(cold.stdout)
    off = reins(
        "search", "parse headers", "--repo", str(repo), "--json", env={"REINS_INDEX_SERVER": "0"}
    )
    assert json.loads(off.stdout) == json.loads(cold.stdout)
    forced = reins("search", "parse headers", "--repo", str(repo), "--json", "--force")
    assert json.loads(forced.stdout) == json.loads(cold.stdout)  # not the fast path: same answer
    human = reins("search", "parse headers", f"--repo={repo}", "-n", "1")
    assert human.stdout.startswith(" 1. a.py:1-2  parse_headers")
    assert "Usage:" in reins("search", "--help").stdout
    subprocess.run(["pkill", "-f", f"reins.index.server {repo}"], check=False)


def test_the_change_watch_sees_edits_at_once_and_new_folders(tmp_path):
    repo = tmp_path / "r"
    repo.mkdir()
    (repo / "a.py").write_text("x = 1\n")
    watch = server.ChangeWatch(repo)
    assert watch.inotify is not None
    assert watch.take() is False  # nothing changed yet
    (repo / "a.py").write_text("x = 2\n")
    assert watch.take() is True and watch.take() is False
    (repo / "pkg").mkdir()
    assert watch.take() is True
    (repo / "pkg" / "b.py").write_text("y = 1\n")  # inside a folder made after the start
    assert watch.take() is True
    watch.stop()
    assert watch.take() is True  # no watch: always refresh


def test_the_fast_path_leaves_what_it_does_not_understand_to_the_full_command(
    tmp_path, monkeypatch
):
    from reins import entry

    monkeypatch.setenv("REINS_INDEX_SERVER", "1")
    asked = []
    monkeypatch.setattr(server_client, "ask", lambda *a, **k: asked.append(a) or [])
    for args in (["q", "-n=5"], ["q", "-n", "²"], ["q", "--force"], ["--help"], ["q", "extra"]):
        assert entry._fast_search(args) is False, args
    assert asked == []
    assert entry._fast_search(["q", "-n", "5", f"--repo={tmp_path}"]) is True
    assert asked and asked[0][3] == 5


def test_a_server_that_cannot_start_costs_nothing(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    monkeypatch.setattr(server_client, "socket_dir", lambda: blocker)
    server.start(tmp_path, {})  # no exception, no server


def test_hits_are_printed_without_terminal_control_sequences():
    from reins.ui.hits_text import hit_lines

    hit = {"path": "evil\x1b[2J.py", "start_line": 1, "end_line": 2, "score": 1.0,
           "symbol": "x\x07", "text": "print('\x1b]0;owned\x07')", "match": 1.0}  # fmt: skip
    text = "\n".join(hit_lines([hit], "q", color=False))
    assert "\x1b" not in text and "\x07" not in text


def test_a_query_waits_only_for_the_changes_its_embedder_embeds_quickly(tmp_path):
    """A slow embedder's (the whole MiniLM) many pending chunks do not hold up an answer."""
    import socket

    import numpy as np

    from reins.index.codebase import CodeIndex

    class Counting:
        name = "counting-test"

        def __init__(self, waits_for: int):
            self.query_waits_for = waits_for
            self.batches: list[int] = []

        def embed(self, texts):
            self.batches.append(len(texts))
            return np.eye(len(texts), 8, dtype=np.float32) + 0.01

    class Quiet:  # no file changed since the last refresh
        def take(self) -> bool:
            return False

    repo = make_repo(tmp_path / "repo", {f"m{i}.py": f"def f{i}():\n    return {i}\n"
                                         for i in range(3)})  # fmt: skip
    for waits_for, embedded in ((1, False), (100, True)):
        embedder = Counting(waits_for)
        index = CodeIndex.open(repo, lambda e=embedder: e, force=True)
        try:
            index.refresh()
            ours, theirs = socket.socketpair()
            with ours, theirs:
                theirs.sendall(json.dumps({"query": "f1"}).encode() + b"\n")
                server._answer(ours, index, Quiet())
                reply = json.loads(theirs.makefile().readline())
            assert reply["hits"][0]["path"] == "m1.py"
            assert (index.pending_vectors() == 0) is embedded
            assert bool(embedder.batches) is embedded
        finally:
            index.close()


def test_the_fast_path_imports_only_what_asking_the_server_needs():
    """A warm `reins search` pays for every import before it asks (a deterministic check of
    what the client half loads; the time itself depends on the machine)."""
    probe = (
        "import sys, reins.entry, reins.index.server_client, reins.ui.hits_text; "
        "print([m for m in ('click', 'rich', 'numpy', 'reins.cli', 'reins.config', 'typing', "
        "'subprocess', 'reins.index.codebase', 'pathlib', 'tempfile') if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr
