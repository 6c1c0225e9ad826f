import json

import pytest

from reins.agent.protocols.text_codec import (
    close_open_call,
    parse_tool_calls,
    render_call,
    to_text_messages,
    tools_section,
)
from reins.models.messages import Message, ToolCall


def test_tagged_call_is_parsed_and_removed_from_visible_text():
    text = 'Let me look.\n<tool_call>\n{"name": "read_file", "arguments": {"path": "a.py"}}\n</tool_call>'
    visible, calls = parse_tool_calls(text)
    assert visible == "Let me look."
    assert [(c.name, c.arguments) for c in calls] == [("read_file", {"path": "a.py"})]
    assert calls[0].parse_error is None


def test_several_calls_and_unclosed_last_tag():
    text = (
        '<tool_call>{"name": "a", "arguments": {}}</tool_call>\n'
        '<tool_call>{"name": "b", "arguments": {"x": 1}}'
    )
    _, calls = parse_tool_calls(text)
    assert [c.name for c in calls] == ["a", "b"]
    assert calls[1].arguments == {"x": 1}


def test_fenced_json_call():
    text = 'I will run it.\n```json\n{"name": "run_command", "arguments": {"command": "ls"}}\n```'
    visible, calls = parse_tool_calls(text)
    assert visible == "I will run it."
    assert calls[0].name == "run_command" and calls[0].arguments == {"command": "ls"}


def test_fenced_code_that_is_not_a_call_is_left_alone():
    text = 'Here is code:\n```json\n{"a": 1}\n```'
    visible, calls = parse_tool_calls(text)
    assert calls == [] and "Here is code" in visible


def test_lenient_json_raw_newlines_single_quotes_trailing_commas():
    raw_newline = '<tool_call>{"name": "write_file", "arguments": {"path": "x", "content": "a\nb"}}</tool_call>'
    assert parse_tool_calls(raw_newline)[1][0].arguments["content"] == "a\nb"
    python_dict = "<tool_call>{'name': 'list_dir', 'arguments': {'path': '.'}}</tool_call>"
    assert parse_tool_calls(python_dict)[1][0].arguments == {"path": "."}
    trailing = '<tool_call>{"name": "glob", "arguments": {"pattern": "*.py",},}</tool_call>'
    assert parse_tool_calls(trailing)[1][0].arguments == {"pattern": "*.py"}


def test_a_file_call_with_a_quote_left_unescaped_is_read_by_its_argument_names():
    # seen: client.py written as JSON with every quote escaped but one (`{"User-Agent\": …`),
    # refused as unreadable four times in a row, then the doom-loop guard
    content = r'def f(s):\n    return {\"method\": \"GET\", \"headers\": {"User-Agent\": s.ua}}\n'
    text = '```json\n{"name": "write_file", "arguments": {"path": "client.py", "content": "'
    visible, calls = parse_tool_calls(text + content + '"}}\n```', "files")
    assert calls[0].parse_error is None and calls[0].arguments == {
        "path": "client.py",
        "content": 'def f(s):\n    return {"method": "GET", "headers": {"User-Agent": s.ua}}\n',
    }
    edit = (
        '{"name": "edit_file", "arguments": {"path": "run.sh", "old_string": "rm -f", '
        '"new_string": "echo "dry run"", "replace_all": false}}'
    )
    call = parse_tool_calls(f"```json\n{edit}\n```", "files")[1][0]
    assert call.arguments == {
        "path": "run.sh", "old_string": "rm -f", "new_string": 'echo "dry run"',
        "replace_all": False,
    }  # fmt: skip
    # cut short, another tool, an unknown key, a required one missing, two calls in one
    # block: still unreadable
    for broken in (
        '{"name": "write_file", "arguments": {"path": "a.py", "content": "print("hi")", '
        '"mode": "w"}}',
        # an odd quote: the model's slip, which would break the script it edits
        '{"name": "edit_file", "arguments": {"path": "r.sh", "old_string": "rm -f", '
        '"new_string": "echo "would run: mv", "replace_all": false}}',
        '{"name": "write_file", "arguments": {"path": "a.py", "content": "print("a")\\n"}}\n'
        '{"name": "run_command", "arguments": {"command": "python3 a.py"}}',
        '{"name": "write_file", "arguments": {"path": "a.py", "content": "x = "1"',
        '{"name": "grep", "arguments": {"pattern": "a"b"}}',
        '{"name": "write_file", "arguments": {"path": "a.py", "mode": "w"x", "content": "1"}}',
        '{"name": "edit_file", "arguments": {"path": "a.py", "old_string": "a"b"}}',
    ):
        call = parse_tool_calls(f"```json\n{broken}\n```", "files")[1][0]
        assert call.name == "invalid_tool_call", broken
    # a reply cut at the token limit may end anywhere, even right after "}}": not repaired
    cut = '{"name": "write_file", "arguments": {"path": "c.py", "content": "C = {"db": {"h": "x"}}'
    assert parse_tool_calls(f"```json\n{cut}\n```", "files", repair=False)[1][0].parse_error
    # raw newlines: the model did not JSON-escape, so its backslashes are the code's own
    raw = (
        '{"name": "write_file", "arguments": {"path": "p.py", "content": "print("a\\nb")\nx = 1"}}'
    )
    call = parse_tool_calls(f"```json\n{raw}\n```", "files")[1][0]
    assert call.arguments["content"] == 'print("a\\nb")\nx = 1'


def test_a_file_call_whose_content_lacks_its_closing_quote_is_read():
    # seen twice a task (move-function, scores-tuples-to-dicts): a file ending in a Python
    # string, its `'` then `}}` with no `"` between, answered "not valid JSON" until the
    # doom-loop guard ended the turn
    text = (
        '```json\n{"name": "write_file", "arguments": {"path": "shop/money.py", "content": '
        "\"def f(c):\\n    return f'Money({c})'}}\n```"
    )
    call = parse_tool_calls(text, "files")[1][0]
    assert call.parse_error is None and call.arguments == {
        "path": "shop/money.py",
        "content": "def f(c):\n    return f'Money({c})'",
    }
    js = '{"name": "write_file", "arguments": {"path": "a.js", "content": "function f() {\\n}}}'
    assert parse_tool_calls(f"```json\n{js}\n```", "files")[1][0].arguments["content"] == (
        "function f() {\n}"
    )
    for broken in (  # not the last value; an odd quote once closed; cut short in the middle
        '{"name": "write_file", "arguments": {"path": "a.py, "content": "x = 1"}}',
        '{"name": "write_file", "arguments": {"path": "a.py", "content": "print("a)}}',
        '{"name": "write_file", "arguments": {"path": "a.py", "content": "x = 1',
    ):
        call = parse_tool_calls(f"```json\n{broken}\n```", "files")[1][0]
        assert call.name == "invalid_tool_call", broken


def test_a_file_written_as_json_inside_a_code_fence_is_written_without_it():
    # seen: README.md written with "```markdown" as its first line, thumbs.py with "```python"
    readme = "```markdown\n# t\n\n    python3 t.py\n```"
    call = {"name": "write_file", "arguments": {"path": "README.md", "content": readme}}
    text = f"```json\n{json.dumps(call)}\n```"
    assert parse_tool_calls(text, "files")[1][0].arguments["content"] == "# t\n\n    python3 t.py\n"
    code = {"name": "write_file", "arguments": {"path": "t.py", "content": "```python\nx = 1\n```"}}
    text = f"```json\n{json.dumps(code)}\n```"
    assert parse_tool_calls(text, "files")[1][0].arguments["content"] == "x = 1\n"
    examples = "```bash\nnpm install\n```\n\nThen:\n\n```bash\nnpm test\n```\n"
    for kept in ("x = 1\n", "intro\n```\ncode\n```\n", "```\nopened, never closed\n", examples,
                 "```python\nx = 1\n```\n"):  # fmt: skip
        call["arguments"]["content"] = kept  # the last: a Markdown file that is one example
        text = f"```json\n{json.dumps(call)}\n```"
        assert parse_tool_calls(text, "files")[1][0].arguments["content"] == kept


def test_arguments_given_as_a_json_string_and_openai_shape():
    text = '<tool_call>{"function": {"name": "grep", "arguments": "{\\"pattern\\": \\"x\\"}"}}</tool_call>'
    call = parse_tool_calls(text)[1][0]
    assert (call.name, call.arguments) == ("grep", {"pattern": "x"})


def test_mistagged_call_in_tool_response_tags_is_accepted():
    text = '<tool_response>\n{"name": "read_file", "arguments": {"path": "a"}}\n</tool_response>'
    _, calls = parse_tool_calls(text)
    assert [c.name for c in calls] == ["read_file"]


def test_invented_tool_results_after_a_call_are_ignored():
    text = (
        '<tool_call>{"name": "read_file", "arguments": {"path": "a"}}</tool_call>\n'
        '<tool_response>fake</tool_response>\n<tool_call>{"name": "x", "arguments": {}}</tool_call>'
    )
    _, calls = parse_tool_calls(text)
    assert [c.name for c in calls] == ["read_file"]


def test_malformed_call_becomes_parse_error_not_exception():
    _, calls = parse_tool_calls("<tool_call>{name: read_file, args</tool_call>")
    assert len(calls) == 1
    assert calls[0].parse_error and "could not read your tool call" in calls[0].parse_error


def test_call_without_name_is_parse_error():
    _, calls = parse_tool_calls('<tool_call>{"arguments": {}}</tool_call>')
    assert "no 'name'" in calls[0].parse_error


def test_plain_answer_has_no_calls():
    visible, calls = parse_tool_calls("All done: the tests pass.")
    assert calls == [] and visible == "All done: the tests pass."


def test_history_rendering_keeps_raw_text_and_merges_tool_results():
    history = [
        Message("system", "sys"),
        Message("user", "do it"),
        Message("assistant", "x", tool_calls=[ToolCall("a", {})], raw="RAW TEXT"),
        Message("tool", "r1", tool_call_id="1", name="a"),
        Message("tool", "r2", tool_call_id="2", name="b"),
        Message("assistant", "", tool_calls=[ToolCall("c", {"k": 1})]),
    ]
    out = to_text_messages(history, "fenced")
    assert [m.role for m in out] == ["system", "user", "assistant", "user", "assistant"]
    assert out[2].content == "RAW TEXT"
    assert out[3].content.count("<tool_response>") == 2
    assert out[4].content == render_call(ToolCall("c", {"k": 1}), "fenced")


def test_close_open_call_for_both_styles():
    assert close_open_call('<tool_call>\n{"name": "a"}').endswith("</tool_call>")
    assert close_open_call('```json\n{"name": "a"}').endswith("\n```")
    assert close_open_call("no call") == "no call"


def test_tools_section_lists_every_schema_and_shows_the_style():
    schemas = [{"name": "t1", "description": "d", "parameters": {}}]
    tags = tools_section(schemas, "tags")
    fenced = tools_section(schemas, "fenced")
    assert '"name": "t1"' in tags and "<tool_call>" in tags
    assert "```json" in fenced


def test_a_compact_tool_list_gives_each_tool_one_signature_line_at_about_half_the_size():
    from reins.tools.registry import build_tools

    schemas = [
        {"name": "read_file", "description": "Read a file.", "parameters": {
            "properties": {"path": {"type": "string", "description": "relative path"},
                           "end_line": {"type": "integer", "minimum": 1}},
            "required": ["path"]}},
        {"name": "list_dir", "description": "List a directory.", "parameters": {}},
    ]  # fmt: skip
    compact = tools_section(schemas, "files", "compact")
    assert "read_file(path: string, end_line?: integer): Read a file." in compact
    assert "list_dir(): List a directory." in compact
    assert "relative path" not in compact and '"type"' not in compact
    assert "example.py\n```python" in compact  # the call instructions are the same
    # every real tool keeps its line, in about half the prompt
    tools = [t.schema() for t in build_tools(None, finish=True)]
    listed, full = tools_section(tools, "files", "compact"), tools_section(tools, "files")
    assert all(f"\n{t['name']}(" in listed for t in tools)
    assert len(listed) < 0.6 * len(full)


# --- the files call style: a file is its path and a code block ----------------------------


@pytest.mark.parametrize(
    "reply",
    [
        "calc.py\n```python\ndef add(a, b):\n    return a + b\n```",
        "Here it is:\n\n`calc.py`:\n```python\ndef add(a, b):\n    return a + b\n```\nDone.",
        "### File: calc.py\n```\ndef add(a, b):\n    return a + b\n```",
        "**calc.py**\n```py\ndef add(a, b):\n    return a + b",  # cut at the stop string
    ],
)
def test_a_file_block_is_a_write_of_the_whole_file(reply):
    from reins.agent.protocols.text_codec import close_open_call, parse_tool_calls

    _, calls = parse_tool_calls(close_open_call(reply), "files")
    assert [(c.name, c.arguments) for c in calls] == [
        ("write_file", {"path": "calc.py", "content": "def add(a, b):\n    return a + b\n"})
    ]


def test_in_the_files_style_a_json_call_wins_and_an_unnamed_block_is_an_error():
    from reins.agent.protocols.text_codec import parse_tool_calls, render_call

    text = '```json\n{"name": "run_command", "arguments": {"command": "pytest"}}\n```'
    _, calls = parse_tool_calls(text, "files")
    assert [(c.name, c.arguments) for c in calls] == [("run_command", {"command": "pytest"})]
    _, calls = parse_tool_calls("```python\nx = 1\n```", "files")
    assert calls[0].parse_error and "which file" in calls[0].parse_error
    assert parse_tool_calls("All done.", "files") == ("All done.", [])
    # the fenced style never reads file blocks: its replies are prefilled JSON
    assert parse_tool_calls("calc.py\n```python\nx = 1\n```", "fenced")[1] == []
    write = ToolCall("write_file", {"path": "a.py", "content": "x = 1"})
    assert render_call(write, "files") == "a.py\n```\nx = 1\n```"


def test_a_json_file_under_its_path_line_is_written_not_called():
    from reins.agent.protocols.text_codec import close_open_call, parse_tool_calls

    config = '{\n  "name": "inventory-api",\n  "port": 9090,\n  "debug": false\n}'
    _, calls = parse_tool_calls(close_open_call(f"config.json\n```json\n{config}"), "files")
    assert [(c.name, c.arguments) for c in calls] == [
        ("write_file", {"path": "config.json", "content": config + "\n"})
    ]
    # a call's shape stays a call, under a path line or not, whole or cut short
    call = '{"name": "read_file", "arguments": {"path": "config.json"}}'
    for text in (f"config.json\n```json\n{call}\n```", f"```json\n{call}\n```"):
        _, calls = parse_tool_calls(text, "files")
        assert [(c.name, c.arguments) for c in calls] == [("read_file", {"path": "config.json"})]
    _, calls = parse_tool_calls(
        'x.json\n```json\n{"name": "edit_file", "arguments": {"a": }\n```', "files"
    )
    assert calls[0].name == "invalid_tool_call"


def test_a_call_named_after_the_file_it_writes_is_a_write():
    from reins.agent.protocols.text_codec import parse_tool_calls

    text = '```json\n{"name": "convert.py", "arguments": {"content": "import csv\\n"}}\n```'
    for style in ("files", "fenced"):
        _, calls = parse_tool_calls(text, style)
        assert [(c.name, c.arguments) for c in calls] == [
            ("write_file", {"path": "convert.py", "content": "import csv\n"})
        ]
    # anything else named like a file stays what it was: an unknown tool, answered as such
    _, calls = parse_tool_calls('```json\n{"name": "a.py", "arguments": {"x": 1}}\n```', "files")
    assert [(c.name, c.arguments) for c in calls] == [("a.py", {"x": 1})]


def test_an_unreadable_call_is_answered_with_the_styles_own_way_to_write_one():
    from reins.agent.protocols.text_codec import parse_tool_calls

    broken = '{"name": "write_file", "arguments": {"content": "a "quoted" word"}}'
    _, (tags,) = parse_tool_calls(f"<tool_call>{broken}</tool_call>", "tags")
    _, (fenced,) = parse_tool_calls(f"```json\n{broken}\n```", "fenced")
    _, (files,) = parse_tool_calls(f"```json\n{broken}\n```", "files")
    assert "inside <tool_call></tool_call>" in tags.parse_error
    assert "in a ```json code block. You wrote" in fenced.parse_error
    assert "its path on a line of its own" in files.parse_error


def test_prefill_calls_off_lets_a_required_reply_start_free():
    from reins.agent.protocols import protocol_for
    from reins.profiles import load_profile

    profile = load_profile("qwen-files")
    assert protocol_for(profile).prefill(True, True) == "```json\n"
    assert protocol_for(profile).prefill(False, True) is None
    assert protocol_for(profile).prefill(True, False) is None  # the model cannot continue text
    free = load_profile("qwen-files", {"prefill_calls": False})
    assert free.prefill_calls is False
    assert protocol_for(free).prefill(True, True) is None
