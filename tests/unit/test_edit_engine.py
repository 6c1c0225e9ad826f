"""The edit engine: each matcher of the cascade, the merge, refusals, patches, stale reads."""

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reins.tools.edits.engine import EditFailure, apply_hunk, replace_string
from reins.tools.edits.hunk import Hunk
from reins.tools.edits.patch_format import PatchSyntaxError, parse_patch
from reins.tools.edits.syntax import SyntaxCheck
from reins.tools.errors import ErrorKind

SOURCE = """class Greeter:
    def __init__(self, name):
        self.name = name

    def greet(self):
        message = "hello " + self.name
        return message

    def shout(self):
        return self.greet().upper()
"""


def test_exact_replacement():
    text, strategy, line = replace_string(SOURCE, '"hello "', '"hi "', False)
    assert strategy == "exact" and line == 6 and '"hi " + self.name' in text


def test_trailing_whitespace_in_old_string():
    old = '        message = "hello " + self.name   \n        return message  '
    new = '        message = "hi " + self.name\n        return message'
    text, strategy, _ = replace_string(SOURCE, old, new, False)
    assert strategy == "trailing-whitespace"
    assert text == SOURCE.replace('"hello "', '"hi "')


def test_lost_indentation_is_restored_in_the_file_style():
    old = 'def greet(self):\n    message = "hello " + self.name\n    return message'
    new = 'def greet(self):\n    message = "hello, " + self.name\n    if not self.name:\n        return "hello"\n    return message'
    text, strategy, _ = replace_string(SOURCE, old, new, False)
    assert strategy == "indentation"
    assert (
        '        message = "hello, " + self.name\n        if not self.name:\n            return "hello"\n'
        in text
    )


def test_tabs_for_spaces_are_converted():
    old = "\tdef shout(self):\n\t\treturn self.greet().upper()"
    new = '\tdef shout(self):\n\t\treturn self.greet().upper() + "!"'
    text, strategy, _ = replace_string(SOURCE, old, new, False)
    assert text.endswith('    def shout(self):\n        return self.greet().upper() + "!"\n')


def test_missing_context_line_is_kept_when_unambiguous():
    # The model left out the `message = …` line; the file's line survives.
    old = "    def greet(self):\n        return message\n\n    def shout(self):"
    new = "    def greet(self):\n        return message\n\n    def shout(self) -> str:"
    text, strategy, _ = replace_string(SOURCE, old, new, False)
    assert strategy == "gapped"
    assert text == SOURCE.replace("def shout(self):", "def shout(self) -> str:")


def test_crlf_files_keep_crlf():
    crlf = SOURCE.replace("\n", "\r\n")
    text, _, _ = replace_string(crlf, 'message = "hello "', 'message = "hey "', False)
    assert text == SOURCE.replace('"hello "', '"hey "').replace("\n", "\r\n")


def test_ambiguous_or_missing_is_refused_with_candidates():
    with pytest.raises(EditFailure, match="occurs 2 times"):
        replace_string("a = 1\nb = 2\na = 1\n", "a = 1", "a = 3", False)
    with pytest.raises(EditFailure, match="not found.*currently reads"):
        replace_string(SOURCE, "def farewell(self):\n    pass", "x", False)


def test_removing_a_line_the_file_does_not_have_is_refused():
    old = "    def shout(self):\n        print('x')\n        return self.greet().upper()"
    with pytest.raises(EditFailure):
        replace_string(SOURCE, old, "    def shout(self):\n        return 1", False)


PATCH = """*** Begin Patch
*** Update File: app.py
@@ class Greeter:
     def greet(self):
-        message = "hello " + self.name
+        message = "hi " + self.name
         return message
*** Add File: docs/notes.md
+# Notes
+hello
*** Delete File: old.txt
*** End Patch"""


def test_parse_patch_operations():
    ops = parse_patch(PATCH)
    assert [(o.kind, o.path) for o in ops] == [
        ("update", "app.py"),
        ("add", "docs/notes.md"),
        ("delete", "old.txt"),
    ]
    assert ops[0].hunks[0].anchor == "class Greeter:" and ops[1].content == ["# Notes", "hello"]


@pytest.mark.parametrize(
    "bad",
    [
        "no header",
        "*** Begin Patch\n*** Update File: a\n*** End",
        "*** Begin Patch\nrubbish\n*** End Patch",
        "*** Begin Patch\n*** Add File: a\nno plus\n*** End Patch",
        "*** Begin Patch\n*** End Patch",
    ],
)
def test_bad_patch_grammar(bad):
    with pytest.raises(PatchSyntaxError):
        parse_patch(bad)


async def test_apply_patch_is_atomic(run, repo):
    (repo / "app.py").write_text(SOURCE)
    (repo / "old.txt").write_text("bye\n")
    result = await run("apply_patch", patch=PATCH)
    assert result.ok, result.output
    assert '"hi " + self.name' in (repo / "app.py").read_text()
    assert (repo / "docs/notes.md").read_text() == "# Notes\nhello\n" and not (
        repo / "old.txt"
    ).exists()

    before = (repo / "app.py").read_text()
    broken = PATCH.replace(
        '-        message = "hello " + self.name', "-        nothing like this"
    ).replace("*** Delete File: old.txt\n", "")
    broken = broken.replace("*** Add File: docs/notes.md", "*** Add File: docs/other.md")
    failed = await run("apply_patch", patch=broken)
    assert failed.kind is ErrorKind.INVALID_ARGUMENTS and "NOT applied" in failed.output
    assert "hunk 1 FAILED" in failed.output
    assert (repo / "app.py").read_text() == before and not (repo / "docs/other.md").exists()


async def test_apply_patch_move_and_end_of_file(run, repo):
    (repo / "a.py").write_text("x = 1\ny = 2\n")
    patch = "*** Begin Patch\n*** Update File: a.py\n*** Move to: b.py\n@@\n y = 2\n+z = 3\n*** End of File\n*** End Patch"
    result = await run("apply_patch", patch=patch)
    assert result.ok, result.output
    assert not (repo / "a.py").exists() and (repo / "b.py").read_text() == "x = 1\ny = 2\nz = 3\n"


async def test_stale_read_is_unexpected_environment_with_fresh_lines(run, repo):
    assert (await run("read_file", path="src/app.py")).ok
    (repo / "src/app.py").write_text("def greet(name):\n    return 'howdy ' + name\n")
    stale = await run("edit_file", path="src/app.py", old_string="'hello '", new_string="'hi '")
    assert stale.kind is ErrorKind.UNEXPECTED_ENVIRONMENT
    assert "changed on disk" in stale.output and "'howdy '" in stale.output
    retry = await run("edit_file", path="src/app.py", old_string="'howdy '", new_string="'hi '")
    assert retry.ok


async def test_write_file_over_a_file_never_seen_is_refused_once_with_its_content(run, repo):
    # what a small model did: asked to add a field, it wrote its guess of a data file it had
    # never read ("[]" over users.json); the refusal shows the file, and then the write goes
    (repo / "users.json").write_text('[{"id": 1, "name": "Maria"}]\n')
    blind = await run("write_file", path="users.json", content="[]")
    assert blind.kind is ErrorKind.UNEXPECTED_ENVIRONMENT
    assert "not read it" in blind.output and '1| [{"id": 1, "name": "Maria"}]' in blind.output
    assert (repo / "users.json").read_text() == '[{"id": 1, "name": "Maria"}]\n'
    informed = '[{"id": 1, "name": "Maria", "phone": null}]\n'
    assert (await run("write_file", path="users.json", content=informed)).ok
    assert (repo / "users.json").read_text() == informed
    # read, created or empty files are written at once
    assert (await run("read_file", path="src/util.py")).ok
    assert (await run("write_file", path="src/util.py", content="VALUE = 2\n")).ok
    assert (await run("write_file", path="new.py", content="x = 1\n")).ok
    assert (await run("write_file", path="new.py", content="x = 2\n")).ok
    (repo / "empty.txt").write_text("")
    assert (await run("write_file", path="empty.txt", content="hi\n")).ok
    (repo / "logo.bin").write_bytes(b"PNG\x00\x01\x02")  # a binary file is named, not shown
    binary = await run("write_file", path="logo.bin", content="x")
    assert (
        binary.kind is ErrorKind.UNEXPECTED_ENVIRONMENT
        and "binary file of 6 bytes" in binary.output
    )
    assert "\x00" not in binary.output and (repo / "logo.bin").read_bytes() == b"PNG\x00\x01\x02"


async def test_a_large_unseen_file_must_be_read_before_it_is_overwritten(run, repo):
    (repo / "big.py").write_text("".join(f"x{i} = {i}\n" for i in range(500)))
    for _ in range(2):  # shown only in part: refused until read
        refused = await run("write_file", path="big.py", content="x = 1\n")
        assert (
            refused.kind is ErrorKind.UNEXPECTED_ENVIRONMENT
            and "read_file big.py" in refused.output
        )
    assert (await run("read_file", path="big.py")).ok
    assert (await run("write_file", path="big.py", content="x = 1\n")).ok


async def test_own_edits_do_not_count_as_stale(run, repo):
    assert (await run("read_file", path="src/app.py")).ok
    assert (await run("edit_file", path="src/app.py", old_string="'hello '", new_string="'hi '")).ok
    assert (await run("edit_file", path="src/app.py", old_string="'hi '", new_string="'hey '")).ok


async def test_write_file_refuses_lazy_placeholders(run, repo):
    (repo / "m.py").write_text("def a():\n    return 1\n\n\ndef b():\n    return 2\n")
    assert (await run("read_file", path="m.py")).ok
    lazy = await run(
        "write_file",
        path="m.py",
        content="def a():\n    return 10\n\n# ... rest of the code unchanged ...\n",
    )
    assert lazy.kind is ErrorKind.INVALID_ARGUMENTS and "placeholder" in lazy.output
    assert "def b()" in (repo / "m.py").read_text()
    full = await run("write_file", path="m.py", content="def a():\n    return 10\n")
    assert full.ok and "6 → 2 lines" in full.output
    # the lines it deleted outright are shown, so a line dropped by mistake gets noticed
    assert "deleted 1 non-blank line(s)" in full.output and "5| def b():" in full.output


# A hunk that leaves out a file line: where that line goes must be certain, or the
# edit is refused (or settled by the one placement that keeps the file parsing).

CONFIG = """settings = {
    "name": "demo",
    "debug": False,
    "workers": 4,
    "timeout": 30,
}
"""


def _patch(path: str, body: str) -> str:
    return f"*** Begin Patch\n*** Update File: {path}\n{body}\n*** End Patch"


async def test_a_rewrite_keeps_a_left_out_line_after_it(run, repo):
    # `"workers": 4,` is missing from the hunk; the rewritten line takes the old one's place.
    (repo / "cfg.py").write_text(CONFIG)
    body = ' settings = {\n     "name": "demo",\n-    "debug": False,\n+    "debug": True,\n     "timeout": 30,\n }'
    result = await run("apply_patch", patch=_patch("cfg.py", body))
    assert result.ok and "gapped" in result.output
    assert (repo / "cfg.py").read_text() == CONFIG.replace("False", "True")


async def test_an_insertion_next_to_a_left_out_line_is_refused_when_nothing_settles_it(run, repo):
    # Before or after the line the model left out? Both are valid text: refuse, show the lines.
    text = "alpha\nbravo\ncharlie\ndelta\n"
    (repo / "words.txt").write_text(text)
    body = " alpha\n+beta\n charlie\n delta"
    result = await run("apply_patch", patch=_patch("words.txt", body))
    assert result.kind is ErrorKind.INVALID_ARGUMENTS and "does not mention" in result.output
    assert "2| bravo" in result.output and (repo / "words.txt").read_text() == text


async def test_the_one_placement_that_parses_settles_an_insertion(run, repo):
    # The model left out the `for` line; the new line cannot go under it (wrong indentation).
    source = (
        "def total(items):\n    s = 0\n    for item in items:\n        s += item\n    return s\n"
    )
    (repo / "total.py").write_text(source)
    body = "     s = 0\n+    count = 0\n         s += item\n     return s"
    result = await run("apply_patch", patch=_patch("total.py", body))
    assert result.ok and "syntax" in result.output, result.output
    assert (repo / "total.py").read_text() == source.replace("s = 0\n", "s = 0\n    count = 0\n")


async def test_a_left_out_closing_quote_is_never_guessed(run, repo):
    # Every placement of the missing `\"\"\"` parses (code can hide in a string): refuse.
    source = 'class T:\n    """Doc.\n\n    a: first.\n    """\n\n    def f(self):\n        pass\n'
    (repo / "t.py").write_text(source)
    body = "     a: first.\n+    b: second.\n+\n+    LIMIT = 3\n \n     def f(self):"
    result = await run("apply_patch", patch=_patch("t.py", body))
    assert result.kind is ErrorKind.INVALID_ARGUMENTS
    assert (repo / "t.py").read_text() == source


def test_edit_file_refuses_when_equally_good_diffs_disagree():
    # Removing one of two blank lines around a line the model left out: which one is unknowable.
    source = "def a():\n    return first_value\n\ndef b():\n\n    return second_value\n"
    old = "    return first_value\n\n\n    return second_value\n"
    new = "    return first_value\n\n    return second_value\n"
    with pytest.raises(EditFailure, match="does not mention"):
        replace_string(source, old, new, False, "m.py")


def test_edit_file_keeps_a_left_out_line_before_the_line_it_rewrites():
    # `"workers": 4,` is missing from both strings; `"timeout"` is rewritten in place.
    old = '    "debug": False,\n    "timeout": 30,\n}\n'
    new = '    "debug": False,\n    "timeout": 60,\n}\n'
    text, strategy, _ = replace_string(CONFIG, old, new, False, "cfg.py")
    assert strategy == "gapped" and text == CONFIG.replace("30", "60")


def test_edit_file_pure_insertion_next_to_a_left_out_line_is_refused():
    # The new entry could go before or after `"workers": 4,`; both parse: refuse.
    old = '    "debug": False,\n    "timeout": 30,\n}\n'
    new = '    "debug": False,\n    "retries": 3,\n    "timeout": 30,\n}\n'
    with pytest.raises(EditFailure, match="does not mention"):
        replace_string(CONFIG, old, new, False, "cfg.py")


def test_tab_indented_new_lines_follow_a_space_indented_file():
    # Mixing tabs into a space-indented Python file is a TabError waiting to happen.
    text, strategy, _ = replace_string(
        SOURCE, "    def shout(self):\n", "    def shout(self):\n\tprint('loud')\n", False
    )
    assert strategy == "exact" and "    def shout(self):\n    print('loud')\n" in text


# Property: for any hunk cut from a real file, with lines left out of it, added and
# removed, the engine either refuses clearly or keeps every line the hunk did not remove.

PROGRAM = [
    "import os",
    "",
    "",
    "class Store:",
    '    """Keeps values on disk."""',
    "",
    "    def __init__(self, root):",
    "        self.root = root",
    "        self.cache = {}",
    "",
    "    def path(self, key):",
    "        return os.path.join(self.root, key)",
    "",
    "    def get(self, key):",
    "        if key in self.cache:",
    "            return self.cache[key]",
    "        with open(self.path(key)) as handle:",
    "            value = handle.read()",
    "        self.cache[key] = value",
    "        return value",
    "",
    "    def put(self, key, value):",
    "        with open(self.path(key), 'w') as handle:",
    "            handle.write(value)",
    "        self.cache[key] = value",
    "",
    "",
    "def main():",
    "    store = Store('/tmp')",
    "    print(store.get('a'))",
]


@st.composite
def cut_hunks(draw):
    start = draw(st.integers(0, len(PROGRAM) - 3))
    end = draw(st.integers(start + 2, min(len(PROGRAM), start + 12)))
    typed, dropped = [], []
    for k in range(start, end):
        action = draw(st.sampled_from(["keep"] * 5 + ["remove", "drop", "add"]))
        if action == "drop" and start < k < end - 1:
            dropped.append(k)  # the model left this file line out of its hunk
            continue
        if action == "add":
            typed.append(("+", f"    extra_{k} = {k}"))
        typed.append(("-" if action == "remove" else " ", PROGRAM[k]))
    return start, end, typed, dropped


@given(cut_hunks())
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_hunk_never_loses_lines_it_did_not_remove(case):
    start, end, typed, dropped = case
    hunk = Hunk(typed)
    if not hunk.old or hunk.old == hunk.new:
        return
    try:
        lines, _, _ = apply_hunk(list(PROGRAM), hunk, syntax=SyntaxCheck("m.py", PROGRAM))
    except EditFailure:
        return
    removed = [t for tag, t in typed if tag == "-"]
    added = [t for tag, t in typed if tag == "+"]
    assert len(lines) == len(PROGRAM) - len(removed) + len(added)
    expected = Counter(PROGRAM)
    expected.subtract(removed)
    expected.update(added)
    assert Counter(lines) == expected
    if not dropped:
        intended = PROGRAM[:start] + [t for tag, t in typed if tag != "-"] + PROGRAM[end:]
        assert lines == intended


@given(cut_hunks())
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_an_edit_file_call_never_loses_lines_it_did_not_remove(case):
    start, end, typed, dropped = case
    old = "".join(t + "\n" for tag, t in typed if tag != "+")
    new = "".join(t + "\n" for tag, t in typed if tag != "-")
    source = "\n".join(PROGRAM) + "\n"
    if old == new or source.count(old) > 1 or old.startswith("\n"):
        return  # a leading "\n" is literal text: it can match the end of any line
    try:
        text, _, _ = replace_string(source, old, new, False, "m.py")
    except EditFailure:
        return
    lines = text.splitlines()
    expected = Counter(PROGRAM)
    expected.subtract(t for tag, t in typed if tag == "-")
    expected.update(t for tag, t in typed if tag == "+")
    assert Counter(lines) == expected
    if not dropped:
        assert lines == PROGRAM[:start] + [t for tag, t in typed if tag != "-"] + PROGRAM[end:]


async def test_an_edit_that_breaks_parsing_says_so(run, repo):
    (repo / "ok.py").write_text("def f():\n    return 1\n")
    result = await run("edit_file", path="ok.py", old_string="    return 1", new_string="return 1")
    assert result.ok and "no longer parses (line 2" in result.output
    fine = await run("edit_file", path="ok.py", old_string="return 1", new_string="    return 2")
    assert fine.ok and "parses" not in fine.output


async def test_a_write_that_breaks_a_json_or_toml_file_says_so(run, repo):
    # seen: Python code written over config.toml, with no word about it
    (repo / "config.toml").write_text('[http]\nbase_url = "https://x"\n')
    (repo / "data.json").write_text('{"a": 1}\n')
    for path in ("config.toml", "data.json"):
        await run("read_file", path=path)  # a file never read may not be written over
    broken = await run("write_file", path="config.toml", content="import tomllib\nx = (1\n")
    assert broken.ok and "no longer parses (Expected '=' after a key" in broken.output
    fine = await run("write_file", path="config.toml", content="[http]\ntimeout_seconds = 30\n")
    assert fine.ok and "parses" not in fine.output
    trailing = await run("write_file", path="data.json", content='{"a": 1,}\n')
    assert "no longer parses (line 1:" in trailing.output


DFT = """\
def dft(xarr):
    N = len(xarr)
    roots_of_unity = [e ** (n * N * tau * 1j) for n in range(N)]
    for k in range(N):
        yield sum(x * roots_of_unity[k * n % N] for n, x in enumerate(xarr))


def idft(Xarr):
    N = len(Xarr)
    roots_of_unity = [e ** (n / N * tau * 1j) for n in range(N)]
    for k in range(N):
        yield sum(X * roots_of_unity[k * n % N] for n, X in enumerate(Xarr)) / N
"""


def test_an_edit_sent_again_after_it_was_made_is_called_made():
    # The model changed `-1j` to `1j` on the first line, then sent the same edit again:
    # its old line is gone, and the loose match found two lines like it.
    old = "roots_of_unity = [e ** (n * N * tau * -1j) for n in range(N)]"
    new = "roots_of_unity = [e ** (n * N * tau * 1j) for n in range(N)]"
    with pytest.raises(EditFailure) as failure:
        replace_string(DFT, old, new, False)
    assert "new_string already is, at line 3" in str(failure.value)
    assert "changes nothing" in str(failure.value)


def test_an_edit_whose_old_lines_are_there_with_other_spacing_is_still_made():
    # The old lines stand in the file with other spacing; that the new text stands
    # elsewhere too says nothing: the edit applies where the old lines are.
    source = "def f(a, b):\n    return a + b\n\n\ndef g(a, b):\n    return a - b\n"
    text, _, _ = replace_string(source, "return  a + b", "return a - b", False)
    assert text == source.replace("return a + b", "return a - b")


def test_a_short_new_string_standing_elsewhere_is_not_taken_for_a_made_edit():
    with pytest.raises(EditFailure) as failure:
        replace_string(DFT, "x = 1", "N = 2", False)
    assert "already" not in str(failure.value)


def test_an_edit_that_would_be_made_twice_over_its_own_result_is_refused():
    # `packs_needed(...)` -> `packs_needed(...) + 10`, sent five times, gave `+ 10 + 10 ...`.
    source = (
        "def order(item, shortfall):\n    return packs_needed(shortfall, item.pack_size) + 10\n"
    )
    old, new = (
        "packs_needed(shortfall, item.pack_size)",
        "packs_needed(shortfall, item.pack_size) + 10",
    )
    with pytest.raises(EditFailure) as failure:
        replace_string(source, old, new, False)
    assert "only inside new_string, at line 2" in str(failure.value)
    # Where old_string also stands on its own, the usual answer: it occurs twice.
    twice = (
        source
        + "\n\ndef spare(item, shortfall):\n    return packs_needed(shortfall, item.pack_size)\n"
    )
    with pytest.raises(EditFailure) as failure:
        replace_string(twice, old, new, False)
    assert "occurs 2 times" in str(failure.value)
    # A rename whose new name begins with the old one is made the first time only.
    js = "function cartTotal(items) {\n  return sum(items);\n}\n"
    once, _, _ = replace_string(js, "cartTotal", "cartTotalWithTax", False)
    assert "cartTotalWithTax(" in once
    with pytest.raises(EditFailure):
        replace_string(once, "cartTotal", "cartTotalWithTax", False)
