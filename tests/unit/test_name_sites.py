"""Where the request's code names are (profile locate_names), and what it does to the files
loop: a request about a name that lives in other files is not one file's rewrite."""

import shutil

import pytest

from reins.agent.name_sites import code_names, name_sites
from reins.agent.store_writer import load_history
from tests.conftest import make_repo
from tests.unit.test_session import open_scripted

pytestmark = pytest.mark.skipif(shutil.which("rg") is None, reason="needs ripgrep")

GEOMETRY = {
    "geometry.py": "def area_rect(w, h):\n    return w * h\n",
    "report.py": "from geometry import area_rect\n\n\ndef show():\n    return area_rect(1, 2)\n",
    "main.py": "from geometry import area_rect\n\nprint(area_rect(3, 4))\n",
    "tests/test_geometry.py": "from geometry import area_rect\n\n\ndef test_area_rect():\n    pass\n",
}


def test_code_names_are_backticked_identifiers_not_files():
    request = "Rename `area_rect` to `Shape.area()` in `main.py`; see `x` and `a_b.c_d`."
    assert code_names(request) == ["area_rect", "area", "c_d"]


def test_a_name_defined_elsewhere_is_located_with_its_uses(tmp_path):
    repo = make_repo(tmp_path / "r", GEOMETRY)
    section, files = name_sites("Rename `area_rect` to `rect_area` in main.py", repo, {"main.py"})
    assert section.endswith(
        "- `area_rect`: defined in geometry.py line 1; used in main.py lines 1, 3; "
        "report.py lines 1, 5; tests/test_geometry.py line 1"
    )  # whole words only: test_area_rect is another name
    assert files == {"geometry.py", "main.py", "report.py", "tests/test_geometry.py"}


def test_nothing_is_added_when_the_definition_is_already_shown_or_only_a_test(tmp_path):
    repo = make_repo(tmp_path / "r", GEOMETRY)
    assert name_sites("Fix `area_rect` in geometry.py", repo, {"geometry.py"}) == ("", set())
    assert name_sites("Make `test_area_rect` pass", repo, set()) == ("", set())
    assert name_sites("Add `nowhere_defined`", repo, set()) == ("", set())


async def test_the_located_files_keep_the_files_loop_from_rewriting_one_named_file(store, tmp_path):
    from reins.agent.hooks import ModelRequest, Turn
    from reins.agent.write_first import WriteFirst

    repo = make_repo(tmp_path / "repo", GEOMETRY)
    done = {"content": '```json\n{"name": "finish", "arguments": {"summary": "ok"}}\n```'}
    session = open_scripted(repo, store, tmp_path, [done], profile="qwen-files",
                            profiles={"qwen-files": {"locate_names": True}})  # fmt: skip
    outcome = await session.run("Rename `area_rect` to `rect_area` everywhere; main.py must run")
    request = [m.content for m in load_history(store, outcome.session_id) if m.role == "user"][0]
    assert "- `area_rect`: defined in geometry.py line 1" in request
    hook = WriteFirst(max_bytes=8192)
    for located, prefill in (({"main.py", "geometry.py"}, None), (set(), "main.py\n```python\n")):
        turn = Turn(session, "rename `area_rect` in main.py", 1, 0.0, attached={"main.py": 40},
                    located=located)  # fmt: skip
        request = ModelRequest([])
        hook.on_start(turn)
        hook.before_model(turn, request)
        assert request.prefill == prefill
