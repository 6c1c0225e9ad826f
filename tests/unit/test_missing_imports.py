"""A standard-library module used and never imported is imported for the model."""

from __future__ import annotations

from reins.agent.missing_imports import with_imports
from tests.unit.test_session import open_scripted


def test_the_import_goes_after_the_files_own_imports_or_its_docstring():
    text = '"""Doc."""\n\nimport json\n\nx = os.environ["A"]\n'
    assert with_imports(text) == (
        '"""Doc."""\n\nimport json\nimport os\n\nx = os.environ["A"]\n',
        ["os"],
    )
    text = '"""Doc."""\n\ndef f():\n    return math.sqrt(2)\n'
    assert (
        with_imports(text)[0] == '"""Doc."""\n\nimport math\n\ndef f():\n    return math.sqrt(2)\n'
    )
    # a shebang and the comments at the top stay first; several modules, sorted
    text = "#!/usr/bin/env python3\n# tool\ndef f():\n    return os.sep + sys.argv[0]"
    assert with_imports(text)[0].startswith(
        "#!/usr/bin/env python3\n# tool\nimport os\nimport sys\n\n"
    )


def test_only_a_stdlib_module_read_as_an_attribute_and_bound_nowhere_is_added():
    untouched = [
        "def f(os):\n    return os.sep\n",  # a parameter named like the module
        "from x import *\nmath.pi\n",  # anything may come from a star import
        "def f():\n    return requests.get(1)\n",  # not the standard library: which one?
        "print(os)\n",  # not read as a module
        "def f(:\n    math.pi\n",  # does not parse: the write's own checks say so
        "try:\n    import math\nexcept ImportError:\n    pass\nmath.pi\n",
        # a dropped `self.`: array has no append, so `import array` would not fix it
        "class Stack:\n    def push(self, x):\n        array.append(x)\n",
        "def getch():\n    return msvcrt.getch()\n",  # Windows only: does not import here
        "print(this.s)\n",  # prints the Zen when imported
        "import sys; x = os.sep\n",  # code on the import's line: nowhere to put one
    ]
    for text in untouched:
        assert with_imports(text) == (text, []), text


def test_a_submodule_is_imported_where_the_package_alone_lacks_it():
    assert with_imports("x = urllib.parse.quote('a b')\n")[1] == ["urllib.parse"]
    assert with_imports("x = os.path.join('a', os.sep)\n")[1] == ["os"]  # os gives os.path
    both = "m = collections.abc.Mapping\nc = collections.Counter()\n"
    assert with_imports(both)[1] == ["collections.abc"]  # which binds collections too


def test_line_ends_are_the_files_own():
    crlf = '"""Doc."""\r\nimport sys\r\n\r\nx = os.sep\r\n'
    assert with_imports(crlf)[0] == '"""Doc."""\r\nimport sys\r\nimport os\r\n\r\nx = os.sep\r\n'
    # a form feed inside the docstring is not a line end to the parser, nor here
    text = '"""A\x0cB\nC"""\nimport sys\nx = os.sep\n'
    assert with_imports(text)[0] == '"""A\x0cB\nC"""\nimport sys\nimport os\n\nx = os.sep\n'


ROOT_TEST = (
    "import unittest\nfrom util import root\n\n\nclass T(unittest.TestCase):\n"
    "    def test_root(self):\n        self.assertEqual(root(9), 3)\n"
)


async def test_the_import_is_added_before_the_tests_run_and_the_model_told(repo, store, tmp_path):
    # seen: `os.environ[...]` with no `import os`; and the same NameError'd file written
    # back four times against failing tests (complex-numbers)
    (repo / "src/util.py").write_text("def root(x):\n    pass\n")
    (repo / "src/test_util.py").write_text(ROOT_TEST)
    missing = {"content": "src/util.py\n```python\ndef root(x):\n    return math.isqrt(x)\n```"}
    on = {"qwen-files": {"add_missing_imports": True}}
    session = open_scripted(repo, store, tmp_path, [missing], profile="qwen-files", profiles=on)
    outcome = await session.run("Implement root in src/util.py: `cd src && python3 -m unittest`")
    assert (outcome.status, outcome.steps) == ("completed", 1)
    assert (repo / "src/util.py").read_text() == (
        "import math\n\ndef root(x):\n    return math.isqrt(x)\n"
    )
    result = [m.content for m in session.history if m.role == "tool"][0]
    assert "[reins: added `import math` to src/util.py" in result
    assert "exit code 0" in result


async def test_a_rewrite_as_before_the_import_was_added_is_still_an_identical_one(
    repo, store, tmp_path
):
    # on disk the file has the import reins added, so the model's identical rewrite is no
    # longer "no change": it is still erased and resampled hotter, not run again
    from tests.unit.test_coding_rules import Temperatures

    (repo / "src/util.py").write_text("def root(x):\n    pass\n")
    (repo / "src/test_util.py").write_text(ROOT_TEST)
    wrong = {"content": "src/util.py\n```python\ndef root(x):\n    return math.sqrt(x) + 1\n```"}
    right = {"content": "src/util.py\n```python\ndef root(x):\n    return math.isqrt(x)\n```"}
    on = {"qwen-files": {"add_missing_imports": True}}
    session = open_scripted(
        repo, store, tmp_path, [wrong, wrong, right], profile="qwen-files", profiles=on
    )
    temperatures = Temperatures(session)
    outcome = await session.run("Implement root in src/util.py: `cd src && python3 -m unittest`")
    assert (outcome.status, outcome.steps) == ("completed", 3)
    assert temperatures.seen == [None, None, 0.8]
    assert (repo / "src/util.py").read_text().startswith("import math\n")
