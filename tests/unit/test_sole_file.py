"""profile attach_sole_file: a change request that names no file gets the workspace's one
code file attached."""

import pytest

from reins.agent.sole_file import sole_code_file
from tests.conftest import make_repo
from tests.unit.test_coding_rules import finish, watched
from tests.unit.test_session import open_scripted

EXPORT = 'import argparse\n\nparser = argparse.ArgumentParser()\nparser.add_argument("--out")\n'
ASK = (
    "Please rename the `--out` option of the contacts export to `--output`; old cron jobs"
    " still pass `--out contacts.csv`."  # an output the run makes, not a file to write
)


def test_the_sole_code_file_is_the_one_outside_tests_and_vendored_folders(tmp_path):
    root = make_repo(tmp_path / "w", {
        "export_contacts.py": EXPORT, "contacts.json": "[]\n", "test_export.py": "",
        "tests/helpers.py": "", ".venv/lib/site.py": "", "node_modules/a/index.js": "",
    })  # fmt: skip
    assert sole_code_file(root) == "export_contacts.py"
    (root / "lib").mkdir()
    (root / "lib/more.py").write_text("")
    assert sole_code_file(root) is None  # two: the request could mean either
    assert sole_code_file(make_repo(tmp_path / "data", {"a.json": "{}"})) is None
    many = make_repo(tmp_path / "many", {f"d/{i}.txt": "" for i in range(500)})
    (many / "one.py").write_text("")
    assert sole_code_file(many) is None  # past the files it looks through


@pytest.mark.parametrize("on", [True, False])
async def test_a_request_naming_no_file_gets_the_only_script_attached(tmp_path, store, on):
    repo = make_repo(tmp_path / "repo", {"export_contacts.py": EXPORT, "contacts.json": "[]\n"})
    profiles = {"qwen-files": {"attach_sole_file": on}}
    session = open_scripted(repo, store, tmp_path, [finish()], profile="qwen-files",
                            profiles=profiles)  # fmt: skip
    seen = watched(session)
    await session.run(ASK)
    sent = seen.requests[0][1][1]
    assert ('parser.add_argument("--out")' in sent) is on
    assert ("only code file" in sent) is on
    # a question, or a request that asks for a new script, is not a change of that file; a
    # test command is run first, and its failure points at the code
    for other in ("What does the `--out` option of the export do?",
                  "Write a script `count.py` that prints how many contacts there are.",
                  "Rename `--out` to `--output`; `python3 -m unittest -q` must pass."):  # fmt: skip
        session = open_scripted(repo, store, tmp_path, [finish()], profile="qwen-files",
                                profiles=profiles)  # fmt: skip
        seen = watched(session)
        await session.run(other)
        assert "only code file" not in seen.requests[0][1][1]
