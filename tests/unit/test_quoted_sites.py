"""The code files where the text a request quotes appears, attached (profile attach_quoted)."""

from __future__ import annotations

import shutil

import pytest

from reins.agent.quoted_sites import quoted_phrases, quoted_sites
from tests.unit.test_coding_rules import watched
from tests.unit.test_session import open_scripted

pytestmark = pytest.mark.skipif(shutil.which("rg") is None, reason="needs ripgrep")

REQUEST = (
    "When the customer has a VAT ID, add a line `VAT ID: <their id>` (e.g. `VAT ID: DE12`) "
    "directly under the `Bill to:` line."
)


def test_the_quoted_phrases_of_a_request_are_text_not_names_paths_or_commands():
    assert quoted_phrases(REQUEST) == ["VAT ID: DE12", "Bill to:"]  # not the placeholder
    named = "Rename `render_invoice` in `src/render.py`; run `python3 main.py` and `npm test`."
    assert quoted_phrases(named) == []
    assert quoted_phrases('The "top customers" report counts cancelled orders.') == [
        "top customers"
    ]


def test_the_files_where_the_quoted_text_appears(tmp_path):
    (tmp_path / "render.py").write_text('def render(c):\n    return f"BILL TO: {c.name}"\n')
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_render.py").write_text('assert "Bill to:" in out\n')
    (tmp_path / "notes.txt").write_text("Bill to: is the first line\n")
    # code files only (any case), not tests or prose
    assert quoted_sites(REQUEST, tmp_path) == ["render.py"]
    assert quoted_sites("Change `Bill from:` to ...", tmp_path) == []
    for name in ("a.py", "b.py"):  # a phrase that is everywhere says nothing about where
        (tmp_path / name).write_text('print("Bill to:")\n')
    assert quoted_sites(REQUEST, tmp_path) == []


async def test_a_request_naming_no_file_gets_the_file_that_prints_its_quoted_text(
    repo, store, tmp_path
):
    # seen: "under the `Bill to:` line", no file named: the model edited an invented path
    # until the doom-loop guard ended the run
    (repo / "render.py").write_text(
        'def render(c):\n    return "\\n".join([f"Bill to: {c.name}", *c.address])\n'
    )
    fixed = {
        "content": 'render.py\n```python\ndef render(c):\n    vat = [f"VAT ID: {c.vat}"] if c.vat else []\n'
        '    return "\\n".join([f"Bill to: {c.name}", *vat, *c.address])\n```'
    }
    session = open_scripted(repo, store, tmp_path, [fixed], profile="qwen-files")
    seen = watched(session)
    outcome = await session.run(REQUEST)
    assert outcome.status == "completed" and "VAT ID" in (repo / "render.py").read_text()
    first = seen.requests[0][1][1]
    assert "# Files where the text quoted above appears" in first and "## render.py" in first
    # switched off: nothing attached
    no = {"qwen-files": {"attach_quoted": False}}
    off = open_scripted(repo, store, tmp_path, [fixed], profile="qwen-files", profiles=no)
    seen = watched(off)
    await off.run(REQUEST)
    assert "## render.py" not in seen.requests[0][1][1]
