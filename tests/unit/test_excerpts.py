"""What part of a large file a traceback or a pytest node id points at."""

from reins.agent.excerpts import Focus, describe, line_refs, node_ids, render, spans

SOURCE = (
    "import os\n"  # 1
    "\n"
    "class Box:\n"  # 3
    "    size = 1\n"  # 4
    "\n"
    "    @property\n"  # 6
    "    def area(self):\n"  # 7
    "        return self.size ** 2\n"  # 8
    "\n"
    "def free():\n"  # 10
    "    return 1\n"  # 11
)


def test_line_refs_read_pytest_and_python_tracebacks():
    text = (
        'File "pkg/a.py", line 12, in f\n'
        "pkg/b.py:7: in g\n"
        "pkg/b.py:30: TypeError\n"
        "pkg/b.py:7: again\n"
        "see https://x.org/a.html:80 or v1.2:3\n"
    )
    refs = line_refs(text)
    assert refs["pkg/a.py"].lines == [12] and refs["pkg/b.py"].lines == [7, 30]


def test_node_ids_name_classes_and_tests_without_parameters():
    ids = node_ids("- `tests/test_a.py::TestX::test_y[1-2]` and ./tests/test_a.py::test_z")
    assert ids == {"tests/test_a.py": Focus(names=["TestX", "test_y", "test_z"], prefer=True)}


def test_a_line_shows_its_innermost_function_with_decorators():
    assert spans(SOURCE, Focus(lines=[8]), "m.py") == [(6, 8)]
    assert spans(SOURCE, Focus(lines=[4]), "m.py") == [(3, 8)]  # the class, with no method
    assert spans(SOURCE, Focus(lines=[1, 11]), "m.py") == [(1, 11)]  # merged
    assert spans(SOURCE, Focus(names=["free"]), "m.py") == [(10, 11)]
    assert spans(SOURCE, Focus(lines=[99]), "m.py") == []


def test_files_that_are_not_python_show_lines_around_the_reference():
    text = "".join(f"line {i}\n" for i in range(1, 101))
    assert spans(text, Focus(lines=[50]), "a.js") == [(38, 62)]
    assert spans("def broken(:\n" * 40, Focus(lines=[20]), "b.py") == [(8, 32)]


def test_long_functions_are_cut_around_the_line():
    body = "def long():\n" + "".join(f"    x{i} = {i}\n" for i in range(200))
    ((start, end),) = spans(body, Focus(lines=[150]), "m.py")
    assert end - start + 1 == 80 and start <= 150 <= end


def test_render_marks_what_is_left_out():
    assert (
        render(SOURCE, [(6, 8)])
        == "# ...\n    @property\n    def area(self):\n        return self.size ** 2\n# ..."
    )
    assert describe([(6, 8), (10, 10)], 1200) == "lines 6-8, 10 of 1,200"
