"""`[index] embeddings = "auto"` (the default): search starts on the static table, a filler
process at idle priority embeds every chunk with the whole MiniLM, and the index switches
to it once those vectors are in (the real model on a small repo)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from reins.index import upgrade
from reins.index.codebase import CodeIndex
from reins.index.embed.factory import make_embedder, upgrade_for
from reins.index.embed.static import StaticEmbedder
from reins.index.embed.transformer import TransformerEmbedder
from reins.index.server import Upgrading
from tests.conftest import make_repo

FILES = {
    "uploads.py": "def retry_upload(path, attempts):\n"
    "    '''Send the file again with exponential backoff until it goes through.'''\n"
    "    return attempts\n",
    "tables.py": "def draw_borders(table):\n    '''Box drawing characters around cells.'''\n"
    "    return table\n",
}


def open_auto(repo: Path) -> CodeIndex:
    index = CodeIndex.open(repo, lambda: make_embedder({}), upgrade=upgrade_for({}))
    index.refresh()
    index.embed_pending()
    return index


def test_auto_is_the_default_and_only_auto_has_an_upgrade():
    assert isinstance(make_embedder({}), StaticEmbedder)
    assert upgrade_for({}).name == TransformerEmbedder.name
    for kind in ("local", "minilm"):
        assert upgrade_for({"embeddings": kind}) is None
    with pytest.raises(ValueError, match="'auto'"):
        make_embedder({"embeddings": "bert"})


def test_search_moves_to_minilm_once_the_filler_has_embedded_every_chunk(tmp_path):
    repo = make_repo(tmp_path / "repo", FILES)
    index = open_auto(repo)
    try:
        # a new index starts on the table, though MiniLM could embed its few chunks at once
        assert index.embedder.name == StaticEmbedder.name
        assert index.upgrade_missing() == int(index.alive.sum()) > 0
        assert index.maybe_upgrade() is False

        assert upgrade.fill(repo, {}) == int(index.alive.sum())
        assert upgrade.fill(repo, {}) == 0  # nothing left to do

        assert index.maybe_upgrade() is True
        assert index.embedder.name == TransformerEmbedder.name == index.space
        assert index.pending_vectors() == 0  # installed from the stored vectors
        hits = index.search("where do we try sending a file again")
        assert hits[0].path == "uploads.py" and hits[0].match >= 0.5
    finally:
        index.close()
    again = open_auto(repo)  # a later process starts on MiniLM
    try:
        assert again.embedder.name == TransformerEmbedder.name
        assert again.search("retry upload")[0].path == "uploads.py"
    finally:
        again.close()


def test_a_process_that_opens_the_index_after_the_fill_searches_on_minilm(tmp_path):
    """The index file still names the table's space (no process switched it yet): the
    next one to open it chooses MiniLM and installs its stored vectors, rather than
    dropping the table's at the first search and answering from the lexical side alone."""
    repo = make_repo(tmp_path / "repo", FILES)
    open_auto(repo).close()
    assert upgrade.fill(repo, {}) == 2
    later = CodeIndex.open(repo, lambda: make_embedder({}), upgrade=upgrade_for({}))
    try:
        later.refresh()
        assert later.pending_vectors() == 0  # nothing to embed: the filler stored them
        hits = later.search("where do we try sending a file again")
        assert later.space == TransformerEmbedder.name
        assert later.has_vector[: len(later.chunks)].all()
        assert hits[0].path == "uploads.py" and hits[0].match >= 0.5
    finally:
        later.close()


def test_the_server_keeps_a_filler_going_and_switches_when_it_ends(tmp_path):
    repo = make_repo(tmp_path / "repo", FILES)
    index = open_auto(repo)
    try:
        upgrading = Upgrading(repo, {}, index)
        upgrading.tick()
        assert upgrading.active  # a filler process was started
        assert upgrading.filler.wait(timeout=120) == 0
        upgrading.tick()
        assert not upgrading.active
        assert index.embedder.name == TransformerEmbedder.name
        # a new file: its chunk lacks a MiniLM vector, so a filler starts again for it
        (repo / "cache.py").write_text("def evict_oldest(cache):\n    return cache\n")
        index.refresh()
        upgrading.tick()
        assert upgrading.active and upgrading.filler.wait(timeout=120) == 0
        upgrading.tick()
        assert index.upgrade_missing() == 0 and index.pending_vectors() == 0
        assert index.search("evict_oldest")[0].path == "cache.py"
    finally:
        index.close()


def test_the_filler_takes_the_least_cpu_share_linux_offers():
    code = ("from reins.index.upgrade import lower_priority; import os; lower_priority(); "
            "print(os.sched_getscheduler(0) == os.SCHED_IDLE); "
            "print(open('/proc/self/autogroup').read().strip() if "
            "os.path.exists('/proc/self/autogroup') else 'nice 19')")  # fmt: skip
    # a session of its own, as the filler has: the autogroup is the session's
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, start_new_session=True)  # fmt: skip
    idle, group = out.stdout.splitlines()
    assert idle == "True"
    assert group.endswith("nice 19")


def test_one_filler_per_index_and_none_for_a_missing_index(tmp_path):
    import fcntl

    from reins.index.index_db import index_path

    repo = make_repo(tmp_path / "repo", FILES)
    assert upgrade.fill(repo, {}) == 0  # never indexed: nothing to fill
    open_auto(repo).close()
    with open(str(index_path(repo)) + ".fill.lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        assert upgrade.fill(repo, {}) == 0  # another filler has it
    assert upgrade.fill(repo, {}) > 0
    assert os.path.exists(index_path(repo))
