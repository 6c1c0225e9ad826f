"""How a live turn looks: command results with their tail, failures and denials as such,
errors in full, and a spinner with elapsed time and tokens/s while the model works."""

import io

from rich.console import Console

from reins.agent.events import ModelCalled, ModelCallStarted, TextDelta, ToolCalled
from reins.models.messages import ToolCall, Usage
from reins.tools.base import ToolResult
from reins.tools.errors import ErrorKind
from reins.tools.executor import ExecutedCall
from reins.ui.render import ConsoleProgress, Working


def shown(events, terminal=False):
    out = io.StringIO()
    progress = ConsoleProgress(
        Console(file=out, width=200, force_terminal=terminal, color_system=None)
    )
    for event in events:
        progress(event)
    return out.getvalue(), progress


def result(name, kind, output, args=None):
    executed = ExecutedCall(ToolCall(name, args or {}), ToolResult(kind, output), 0.5)
    return ToolCalled(session_id="s", step=1, executed=executed, sent=output)


def test_a_failing_command_is_a_failure_and_shows_its_tail():
    output = (
        "exit code: 1\n"
        + "\n".join(f"line {i}" for i in range(30))
        + "\nFAILED test_x - assert 1 == 2"
    )
    text, _ = shown([result("run_command", ErrorKind.OK, output)])
    assert "✗ exit code 1" in text and "✓" not in text
    assert "FAILED test_x - assert 1 == 2" in text and "line 29" in text
    assert "line 10" not in text and "earlier lines" in text


def test_a_passing_command_shows_its_last_lines():
    text, _ = shown([result("run_command", ErrorKind.OK, "exit code: 0\n3 passed in 0.1s")])
    assert "✓" in text and "exit code 0" in text and "3 passed in 0.1s" in text


def test_denials_and_errors_are_rendered_in_full():
    denied, _ = shown(
        [
            result(
                "write_file",
                ErrorKind.USER_ABORTED,
                "not allowed to change a.py: denied by the person",
            )
        ]
    )
    assert "⊘ denied" in denied and "denied by the person" in denied and "✓" not in denied
    stopped, _ = shown([result("run_command", ErrorKind.USER_ABORTED,
                               "terminated by SIGTERM before it finished")])  # fmt: skip
    assert "⊘ stopped" in stopped
    wrote, _ = shown([result("write_file", ErrorKind.OK, "overwrote a.py (1 → 3 lines, 9 bytes)")])
    assert "(1 → 3 lines, 9 bytes) (0." in wrote  # no "1 lines" beside the file's own count
    long_line = "x" * 300
    error = "\n".join([long_line] + [f"detail {i}" for i in range(30)])
    text, _ = shown([result("edit_file", ErrorKind.INVALID_ARGUMENTS, error)])
    assert "✗ InvalidArguments" in text and text.count("x") == 300  # wrapped, not cut at 120
    assert "detail 18" in text and "detail 25" not in text and "11 more lines" in text


def test_the_spinner_runs_until_text_streams_and_counts_tokens_per_second():
    started = ModelCallStarted(session_id="s", step=1, model="m")
    _, progress = shown([started], terminal=True)
    assert progress._live is not None  # spinning while the prompt is read
    progress(TextDelta(session_id="s", text="Hello there, here is the plan"))
    assert progress._live is None  # streamed text is the progress now
    progress(ModelCalled(session_id="s", step=1, model="m", usage=Usage(), latency_s=1.0))
    assert progress._working is None
    working = Working()
    working.started -= 12
    working.first_token, working.deltas, working.phase = working.started + 10, 20, "writing"
    label = working.__rich__().plain
    assert label.startswith("writing · 12s · 20 tokens · ") and "tok/s" in label


def test_no_spinner_when_not_a_terminal():
    _, progress = shown([ModelCallStarted(session_id="s", step=1, model="m")])
    assert progress._live is None
