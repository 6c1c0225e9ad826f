"""Tool and session reliability under adversarial input.

1. 10,000+ adversarial tool calls (wrong types, huge strings, binary and non-UTF-8 files,
   '..' and symlink paths, FIFOs, protected paths, broken patches, commands that sleep,
   flood output or fork). Target: zero Unknown results, nothing outside the workspace
   changed, outputs within caps.
2. Whole sessions driven by a garbage-sending model (malformed and 100,000-deep calls,
   lone surrogates, finish where not offered, broken text-protocol JSON, providers failing
   mid-reply, a session log failing mid-turn). Target: zero tracebacks, zero Unknown, zero
   sessions left `running`.

Random draws each run (the test suite's versions are derandomized and smaller)."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _report import report  # noqa: E402

from reins.testing.fuzz_sessions import run_session_campaign  # noqa: E402
from reins.testing.fuzz_tools import run_campaign  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=3600, help="tool batches (1-5 calls each)")
    parser.add_argument("--sessions", type=int, default=1000, help="fuzzed sessions")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tools = run_campaign(Path(tmp) / "tools", args.batches, derandomize=False)
    with tempfile.TemporaryDirectory() as tmp:
        sessions = run_session_campaign(Path(tmp), args.sessions, derandomize=False)
    rows = [
        {"campaign": "tools", "kind": kind, "count": n, "share_%": 100 * n / tools.calls}
        for kind, n in sorted(tools.kinds.items())
    ]
    rows.append(
        {"campaign": "tools", "kind": "TOTAL calls", "count": tools.calls, "share_%": 100.0}
    )
    rows += [
        {"campaign": "sessions", "kind": f"status {status}", "count": n,
         "share_%": 100 * n / max(1, sessions.sessions)}
        for status, n in sorted(sessions.statuses.items())
    ]  # fmt: skip
    rows.append({"campaign": "sessions", "kind": "TOTAL sessions", "count": sessions.sessions,
                 "share_%": 100.0})  # fmt: skip
    violations = tools.violations + sessions.violations
    report(
        "fuzz_tools",
        f"{tools.calls} tool calls in {tools.seconds:.0f}s ({tools.kinds.get('Unknown', 0)} Unknown, "
        f"{len(tools.violations)} violations); {sessions.sessions} sessions "
        f"({sessions.tool_calls} tool calls) in {sessions.seconds:.0f}s "
        f"({len(sessions.violations)} violations)",
        rows,
        {
            "violations": violations[:50],
            "tool_seconds": tools.seconds,
            "session_seconds": sessions.seconds,
        },
    )
    for violation in violations[:10]:
        print("VIOLATION:", violation[:600])
    sys.exit(1 if violations else 0)


if __name__ == "__main__":
    main()
