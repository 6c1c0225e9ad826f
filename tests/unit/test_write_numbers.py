"""write_file takes read_file's "N| " line numbers off content copied from its view."""

from reins.agent.store_writer import logged_messages
from reins.tools.files import without_line_numbers
from tests.unit.test_coding_rules import call
from tests.unit.test_session import open_scripted

LOG = "2024-05-02 INFO api: listening\n2024-05-02 ERROR api: timeout\n"
SHOWN = "1| 2024-05-02 INFO api: listening\n2| 2024-05-02 ERROR api: timeout"


def test_only_a_whole_numbered_view_counting_from_one_is_unnumbered():
    assert without_line_numbers(SHOWN) == LOG.rstrip("\n")
    assert without_line_numbers(SHOWN + "\n3| \n") == LOG + "\n"  # an empty line kept
    assert without_line_numbers("1| a\r\n2| b\r\n") == "a\r\nb\r\n"  # its line endings too
    assert without_line_numbers("2| a\n3| b") is None  # not from the first line
    assert without_line_numbers("1| a\nb") is None  # a line without its number
    assert without_line_numbers("1| only one line") is None  # too little to tell
    assert without_line_numbers("1| a\n1| b") is None  # numbers that do not count up


async def test_a_file_written_back_as_read_file_showed_it_keeps_its_text(repo, store, tmp_path):
    # seen twice (shapes, 2026-12-06): logs/api.log and a JSONL data file, read, then
    # written back with their line numbers: every later read showed "1| 1| ..."
    (repo / "api.log").write_text(LOG)
    script = [
        call("read_file", path="api.log"),
        call("write_file", path="api.log", content=SHOWN + "\n"),
        call("write_file", path="copy.log", content=SHOWN.replace("timeout", "refused") + "\n"),
        {"content": "done"},
    ]
    session = open_scripted(repo, store, tmp_path, script)
    outcome = await session.run("Tidy api.log.")
    assert (repo / "api.log").read_text() == LOG
    assert (repo / "copy.log").read_text() == LOG.replace("timeout", "refused")
    results = [m.content for m, _ in logged_messages(store, outcome.session_id) if m.role == "tool"]
    assert results[1].startswith("no change: api.log already has exactly this content")
    assert results[2].startswith("created copy.log (2 lines")
    assert all("took read_file's line numbers" in r for r in results[1:3])
