"""The codebase index: change detection, incremental updates, hybrid search, corruption."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from reins.index.codebase import CodeIndex
from reins.index.files import list_files
from reins.index.index_db import index_path
from reins.index.merkle import diff_trees, dir_hashes, hash_files
from tests.conftest import make_repo

FILES = {
    "src/storage/uploads.py": (
        "import time\n\n\n"
        "def upload_with_retry(client, blob, attempts=3):\n"
        "    for attempt in range(attempts):\n"
        "        try:\n"
        "            return client.put(blob)\n"
        "        except ConnectionError:\n"
        "            time.sleep(2 ** attempt)\n"
        "    raise RuntimeError('upload failed')\n"
    ),
    "src/auth/session.py": (
        "class SessionStore:\n"
        "    def __init__(self):\n"
        "        self.sessions = {}\n\n"
        "    def create(self, user):\n"
        "        token = user.id + 'x'\n"
        "        self.sessions[token] = user\n"
        "        return token\n\n"
        "    def expire(self, token):\n"
        "        self.sessions.pop(token, None)\n"
    ),
    "src/mathutil.py": "def add(a, b):\n    return a + b\n\n\ndef mean(values):\n    return sum(values) / len(values)\n",
    "tests/test_uploads.py": "from storage.uploads import upload_with_retry\n\n\ndef test_retry():\n    assert upload_with_retry\n",
    "docs/guide.md": "# Guide\n\nUploads are retried with exponential backoff.\n",
    "logo.png": "\x89PNG\r\n\x1a\n\0\0binary",
    ".gitignore": "build/\n",
}


@pytest.fixture
def code_repo(tmp_path) -> Path:
    repo = make_repo(tmp_path / "code", FILES)
    (repo / "build").mkdir()
    (repo / "build" / "generated.py").write_text("def upload_with_retry():\n    pass\n")
    return repo


@pytest.fixture
def index(code_repo):
    idx = CodeIndex.open(code_repo)
    idx.refresh()
    idx.embed_pending()
    yield idx
    idx.close()


def test_file_selection_respects_gitignore_and_skips_binary(code_repo):
    files = hash_files(code_repo, list_files(code_repo), {})
    indexed = {p for p, e in files.items() if e.hash}
    assert "src/storage/uploads.py" in indexed
    assert not any(p.startswith("build/") for p in files)  # .gitignore
    assert "logo.png" not in indexed  # binary
    # without git the walk honours .gitignore the same way
    subprocess.run(["rm", "-rf", str(code_repo / ".git")], check=True)
    assert not any(p.startswith("build/") for p in list_files(code_repo))


def test_without_git_each_gitignore_rules_its_own_folder_and_links_are_not_followed(tmp_path):
    repo = make_repo(
        tmp_path / "r",
        {
            ".gitignore": "*.log\n",
            "app/.gitignore": "generated/\n!keep.log\n",
            "app/main.py": "x = 1\n",
            "app/keep.log": "kept by the nested rule\n",
            "app/debug.log": "ignored by the root rule\n",
            "app/generated/out.py": "y = 2\n",
            "lib/generated/util.py": "z = 3\n",  # app's rule does not reach here
            "other/rules": "*.py\n",
        },
    )
    (repo / "other/.gitignore").symlink_to(repo / "other/rules")  # git does not follow it
    (repo / "other/code.py").write_text("w = 4\n")
    (repo / "app/link.py").symlink_to(repo / "app/main.py")
    with_git = set(list_files(repo))
    subprocess.run(["rm", "-rf", str(repo / ".git")], check=True)
    walked = set(list_files(repo))
    assert {"app/main.py", "app/keep.log", "lib/generated/util.py", "other/code.py"} <= walked
    assert not {"app/debug.log", "app/generated/out.py", "app/link.py"} & walked
    assert walked == with_git  # the walk answers as git ls-files does


def test_merkle_diff_walks_only_changed_subtrees(code_repo):
    old = hash_files(code_repo, list_files(code_repo), {})
    old_dirs = dir_hashes(old)
    assert diff_trees(old, old_dirs, old, old_dirs).empty
    (code_repo / "src/auth/session.py").write_text("class SessionStore:\n    pass\n")
    new = hash_files(code_repo, list_files(code_repo), old)
    new_dirs = dir_hashes(new)
    diff = diff_trees(old, old_dirs, new, new_dirs)
    assert diff.changed == ["src/auth/session.py"] and diff.removed == []
    assert diff.dirs_walked == 3  # root, src/, src/auth/ — not src/storage/, tests/, docs/
    assert new_dirs["src/storage/"] == old_dirs["src/storage/"]


def test_natural_language_and_symbol_queries_find_the_definition(index):
    hits = index.search("retry a failed upload with backoff")
    assert hits[0].path == "src/storage/uploads.py"
    assert (hits[0].start_line, hits[0].end_line) == (4, 10)
    top = index.search("SessionStore")[0]
    assert (top.path, top.symbol, top.start_line) == ("src/auth/session.py", "SessionStore", 1)
    # definitions outrank tests that only use the name
    ranked = [h.path for h in index.search("upload_with_retry")]
    assert ranked.index("src/storage/uploads.py") < ranked.index("tests/test_uploads.py")


def test_path_glob_limits_results(index):
    hits = index.search("upload", path_glob="tests/**")
    assert hits and all(h.path.startswith("tests/") for h in hits)
    assert index.search("upload", path_glob="*.md")[0].path == "docs/guide.md"


def test_updates_are_incremental_and_deleted_code_is_never_returned(index, code_repo):
    (code_repo / "src/mathutil.py").write_text(
        "def median(values):\n    return sorted(values)[len(values) // 2]\n"
    )
    stats = index.refresh()
    assert (stats.changed, stats.removed) == (1, 0)
    assert index.pending_vectors() == 1  # only the new chunk needs a vector
    assert index.embed_pending() == 1
    assert index.search("median")[0].symbol == "median"
    assert all(h.symbol not in ("add", "mean") for h in index.search("mean of values add"))
    (code_repo / "src/auth/session.py").unlink()
    assert index.refresh().removed == 1
    assert all(h.path != "src/auth/session.py" for h in index.search("SessionStore expire token"))


def test_index_persists_and_vectors_are_reused_by_content_hash(index, code_repo):
    index.close()
    reopened = CodeIndex.open(code_repo)
    assert reopened.refresh().changed == 0
    assert reopened.pending_vectors() == 0
    # a "branch switch": content goes away and comes back; nothing is embedded again
    original = (code_repo / "src/mathutil.py").read_text()
    (code_repo / "src/mathutil.py").write_text("X = 1\n")
    reopened.refresh()
    reopened.embed_pending()
    (code_repo / "src/mathutil.py").write_text(original)
    reopened.refresh()
    calls = []
    embedder = reopened.embedder
    real = embedder.embed
    embedder.embed = lambda texts: calls.append(len(texts)) or real(texts)
    reopened.embed_pending()
    assert calls == []
    reopened.close()


@pytest.mark.parametrize("damage", ["garbage", "old-version"])
def test_corrupt_or_mismatched_index_is_rebuilt_with_a_message(code_repo, damage):
    first = CodeIndex.open(code_repo)
    first.refresh()
    first.close()
    path = index_path(code_repo)
    if damage == "garbage":
        for extra in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            extra.unlink(missing_ok=True)
        path.write_bytes(b"not a database" * 100)
    else:
        with sqlite3.connect(path) as db:
            db.execute("UPDATE meta SET value='0' WHERE key='schema'")
    messages = []
    again = CodeIndex.open(code_repo, notify=messages.append)
    assert messages and "rebuilding" in messages[0]
    assert again.refresh().changed >= 5
    assert again.search("SessionStore")[0].path == "src/auth/session.py"
    again.close()


def _reins(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reins", *args], cwd=cwd, capture_output=True,
                          text=True, env=os.environ.copy(), timeout=300)  # fmt: skip


def test_cli_search_json_answers_without_a_prior_index(code_repo, tmp_path):
    proc = _reins("search", "retry failed upload", "--repo", str(code_repo), "--json", "-n", "3",
                  cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    hits = json.loads(proc.stdout)
    assert isinstance(hits, list) and 1 <= len(hits) <= 3
    assert set(hits[0]) == {"path", "start_line", "end_line", "score", "symbol", "symbols", "match"}
    assert hits[0]["path"] == "src/storage/uploads.py"
    assert hits[0]["symbol"] == "upload_with_retry"


def test_cli_index_prints_a_summary_and_rebuild_starts_over(code_repo, tmp_path):
    proc = _reins("index", str(code_repo), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "files" in proc.stdout and "chunks" in proc.stdout
    again = _reins("index", str(code_repo), cwd=tmp_path)
    assert "0 files changed" in again.stdout
    rebuilt = _reins("index", str(code_repo), "--rebuild", cwd=tmp_path)
    assert "0 files changed" not in rebuilt.stdout
    missing = _reins("search", "x", "--repo", str(tmp_path / "nope"), cwd=tmp_path)
    assert missing.returncode != 0 and "nope" in missing.stderr
    empty = _reins("search", "  ", "--repo", str(code_repo), cwd=tmp_path)
    assert empty.returncode == 2 and "query is empty" in empty.stderr


def test_many_files_are_chunked_in_worker_processes_with_the_same_result(tmp_path):
    from reins.index import parallel
    from reins.index.terms import chunk_terms

    repo = tmp_path / "many"
    repo.mkdir()
    rels = []
    for i in range(parallel.PARALLEL_MIN_FILES + 20):
        rel = f"pkg/mod_{i}.py"
        (repo / "pkg").mkdir(exist_ok=True)
        (repo / rel).write_text(f"class Thing{i}:\n    def method_{i}(self):\n        return {i}\n")
        rels.append(rel)
    in_workers = list(parallel.prepare_all(repo, rels, workers=2))  # even on one core
    in_process = list(parallel.prepare_all(repo, rels, workers=1))
    assert in_workers == in_process and len(in_workers) == len(rels)
    assert all(terms == chunk_terms(chunk) for chunk, terms in in_workers)
    index = CodeIndex.open(repo)
    assert index.refresh().chunks == len(rels)
    assert index.search("Thing77")[0].path == "pkg/mod_77.py"
    index.close()


def test_implementations_beat_stubs_labels_name_every_definition_and_constants_match(tmp_path):
    context = (
        "import typing as t\n\n\nclass Context:\n"
        "    @t.overload\n    def invoke(self, callback: int) -> int: ...\n\n"
        "    @t.overload\n    def invoke(self, callback: str) -> str: ...\n\n"
        "    def invoke(self, callback, *args, **kwargs):\n"
        + "".join(f"        step{i} = callback(*args, **kwargs)\n" for i in range(70))
        + "        return step0\n\n"
        "    def _make_sub_context(self, command):\n        return Context(command)\n\n"
        "    def forward(self, command):\n        return self.invoke(command)\n"
    )
    config = (
        'import os\n\n\ndef api_key():\n    return os.environ.get("OPENAI_API_KEY")\n\n\n'
        "def describe_environment_variables():\n"
        "    '''Which environment variable holds what: the key, the base URL, the model.'''\n"
        "    return ['environment variable names', 'variable values', 'environment']\n"
    )
    repo = make_repo(tmp_path / "r", {"core.py": context, "config.py": config})
    index = CodeIndex.open(repo)
    index.refresh()
    index.embed_pending()
    top = index.search("Context.invoke", limit=5)[0]
    assert "def invoke(self, callback, *args" in top.text and "@t.overload" not in top.text
    merged = next(
        h for h in index.search("make sub context", limit=5) if "_make_sub_context" in h.text
    )
    assert (
        merged.symbol.startswith("Context._make_sub_context") and "Context.forward" in merged.symbol
    )
    hit = index.search("OPENAI_API_KEY environment variable", limit=3)[0]
    assert 'os.environ.get("OPENAI_API_KEY")' in hit.text
    index.close()


def test_a_query_with_nothing_behind_it_says_no_good_match(index, code_repo):
    real = index.search("retry failed uploads", limit=3)
    assert real and real[0].match >= 0.5
    for nonsense in ("zorblat quimfy frandle", "chocolate cake recipe with eggs"):
        hits = index.search(nonsense, limit=3)
        assert not hits or hits[0].match < 0.5, (nonsense, hits[:1])
    from reins.ui.hits_text import hit_lines

    lines = hit_lines([h.to_json() | {"text": h.text} for h in index.search("zorblat quimfy", limit=10)],
                      "zorblat quimfy", color=False)  # fmt: skip
    assert lines[0].startswith("no good match for 'zorblat quimfy'") and len(lines) <= 1 + 2 * 3


def test_a_chunk_holding_more_of_the_query_ranks_higher(tmp_path):
    from reins.index.ranking import Signals

    body = "".join(f"    step{i} = {i}\n" for i in range(12))
    files = {
        "a.py": f"def alpha():\n    '''retry the upload'''\n{body}",
        "b.py": f"def beta():\n    '''retry the upload when the checksum fails'''\n{body}",
    }
    repo = make_repo(tmp_path / "r", files)
    index = CodeIndex.open(repo)
    index.refresh()
    query = "retry upload checksum fails"
    assert index.search(query, limit=1)[0].path == "b.py"
    off = index.search(query, limit=2, signals=Signals(coverage=0.0))
    on = index.search(query, limit=2)
    assert on[0].score / on[1].score > off[0].score / off[1].score  # the gap grows
    index.close()


def test_a_named_class_member_outranks_the_class_and_a_namesake_on_another_class(tmp_path):
    from reins.index.ranking import Signals

    def method(name: str, words: str) -> str:
        body = "".join(f"        step{i} = {words!r}\n" for i in range(45))  # a chunk each
        return f"    def {name}(self, value):\n{body}        return value\n\n"

    headers = (
        "class HeaderBag:\n    '''Header names and values; header names are normalized.'''\n\n"
        + method("normalize", "lower case header names")
        + method("wrap", "wrap a native error with an error code and the request")
    )
    errors = "class ErrorBox:\n    '''An error.'''\n\n" + method("wrap", "keep it")
    repo = make_repo(tmp_path / "r", {"headers.py": headers, "errors.py": errors})
    index = CodeIndex.open(repo)
    index.refresh()

    def first(query: str, signals: Signals | None = None) -> str:
        hit = index.search(query, limit=1, signals=signals or Signals())[0]
        return f"{hit.path}:{hit.symbol}"

    assert first("HeaderBag normalize header names").endswith("HeaderBag.normalize")
    assert not first("HeaderBag normalize header names", Signals(members=False)).endswith(
        "HeaderBag.normalize"
    )
    assert first("ErrorBox.wrap native error").startswith("errors.py")
    assert first("ErrorBox.wrap native error", Signals(qualified=False)).startswith("headers.py")
    index.close()


def test_a_module_or_self_qualifier_keeps_the_named_function_first(tmp_path):
    files = {
        "retries.py": "def next_backoff(attempt):\n    return min(60, 2 ** attempt)\n",
        "notes.py": (
            'def describe():\n    """Retries: the backoff of an upload retry delay doubles."""\n'
            "    return 'retries backoff: upload retry delay doubles each retry'\n"
        ),
    }
    repo = make_repo(tmp_path / "r", files)
    index = CodeIndex.open(repo)
    index.refresh()
    # nothing defines `retries.next_backoff` or `self.next_backoff`: a module or an instance
    # qualifies the function, and the match is as strong as for its bare name
    bare = index.search("next_backoff upload retry delay", limit=1)[0]
    assert bare.path == "retries.py"
    for query in ("retries.next_backoff upload retry delay", "self.next_backoff upload delay"):
        top = index.search(query, limit=1)[0]
        assert top.path == "retries.py" and top.score > 0.8 * bare.score, (query, top.score)
    index.close()


def test_the_minilm_option_indexes_with_the_whole_transformer(code_repo):
    """`[index] embeddings = "minilm"`: its own vector space, its own fusion weight and
    match line, and the searches a user relies on still work (the real model)."""
    from reins.index.embed import DENSE_WEIGHT
    from reins.index.embed.factory import make_embedder
    from reins.index.embed.transformer import TransformerEmbedder

    embedder = make_embedder({"embeddings": "minilm"})
    assert isinstance(embedder, TransformerEmbedder)
    vectors = embedder.embed(["raise MissingParameter when a required option is not given",
                              "a required option is missing", "draw the table borders"])  # fmt: skip
    assert vectors.shape == (3, 384)
    assert abs(float((vectors**2).sum(1).max()) - 1.0) < 1e-5  # unit rows
    assert vectors[1] @ vectors[0] > vectors[1] @ vectors[2]
    idx = CodeIndex.open(code_repo, lambda: embedder)
    try:
        idx.refresh()
        assert idx.embed_pending() == int(idx.alive.sum())
        assert idx.space == TransformerEmbedder.name and idx.matrix.shape[1] == 384
        hits = idx.search("retry a failed upload with backoff")
        assert hits[0].path == "src/storage/uploads.py" and hits[0].match >= 0.5
        nonsense = idx.search("chocolate cake recipe with eggs", limit=3)
        assert not nonsense or nonsense[0].match < 0.5
    finally:
        idx.close()
    assert TransformerEmbedder.dense_weight != DENSE_WEIGHT  # measured per model


def test_the_dense_side_weighs_what_the_embedder_says_unless_the_signals_do():
    from reins.index.chunker import Chunk
    from reins.index.ranking import Signals, fuse

    chunks = [Chunk("a.py", 1, 2, "python", "x = 1"), Chunk("b.py", 1, 2, "python", "y = 2")]
    default = fuse([0], [1], chunks, "q", {}, Signals(symbol=False, definition=False))
    assert default[0] > default[1]  # lexical 1.0 against the default dense 0.5
    heavy = fuse([0], [1], chunks, "q", {}, Signals(symbol=False, definition=False,
                                                     dense_weight=2.0))  # fmt: skip
    assert heavy[1] > heavy[0]


@pytest.mark.parametrize(
    ("text", "stub"),
    [
        ("def load(self):\n    ...\n", True),
        ('def load(self):\n    """Read the file."""\n    pass\n', True),
        ("def load(\n    self,\n    path: str,\n) -> bytes:\n    raise NotImplementedError('x')\n", True),
        ("@abc.abstractmethod\ndef load(self):\n    return None\n", True),
        ("@typing.overload\ndef load(self, path: str) -> bytes: ...\n", True),
        # a real body whose last block is empty is an implementation, not a stub
        ("def delete(self, key):\n    try:\n        self.store.remove(key)\n"
         "    except KeyError:\n        pass\n", False),
        ("def drain(queue):\n    while queue.pop():\n        pass\n", False),
        ("def load(self):\n    return self.path.read_bytes()\n", False),
    ],
)  # fmt: skip
def test_stubs_are_told_from_implementations_that_end_in_an_empty_block(text, stub):
    from reins.index.chunker import Chunk
    from reins.index.ranking import is_stub

    assert is_stub(Chunk("m.py", 1, 5, "python", text, kind="definition")) is stub


def test_a_slow_query_embedder_runs_beside_the_lexical_side_with_the_same_hits(code_repo):
    """With an embedder that sets overlap_query (the whole MiniLM, a remote one) the lexical
    side is scored on a worker thread while the query is embedded; the hits are the ones
    computed inline, and the embedder's failure reaches the caller without leaving the
    index locked."""
    import threading

    from reins.index.embed.factory import make_embedder

    class SlowOnQueries:
        def __init__(self):
            self.inner = make_embedder({"embeddings": "local"})
            self.name, self.dims = self.inner.name, self.inner.dims
            self.overlap_query = False
            self.broken = False

        def embed(self, texts):
            if len(texts) == 1 and self.broken:
                raise RuntimeError("the embedding model crashed")
            return self.inner.embed(texts)

    embedder = SlowOnQueries()
    idx = CodeIndex.open(code_repo, lambda: embedder)
    try:
        idx.refresh()
        idx.embed_pending()
        lexical_threads: set[int] = set()
        scores = idx.bm25.scores

        def spied_scores(*args):
            lexical_threads.add(threading.get_ident())
            return scores(*args)

        idx.bm25.scores = spied_scores
        queries = ["retry a failed upload with backoff", "SessionStore.expire", "create a session"]
        inline = [[(h.path, h.start_line, h.score) for h in idx.search(q)] for q in queries]
        assert lexical_threads == {threading.get_ident()}
        embedder.overlap_query = True
        beside = [[(h.path, h.start_line, h.score) for h in idx.search(q)] for q in queries]
        assert beside == inline and inline[0][0][0] == "src/storage/uploads.py"
        assert len(lexical_threads) == 2  # the worker's too
        embedder.broken = True
        with pytest.raises(RuntimeError, match="crashed"):
            idx.search("retry a failed upload")
        embedder.broken = False
        released = threading.Thread(target=lambda: idx.search("create a session"))
        released.start()
        released.join(timeout=10)
        assert not released.is_alive()  # the lock was let go
    finally:
        idx.close()
