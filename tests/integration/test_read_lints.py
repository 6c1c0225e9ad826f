"""read_lints against the real ruff and basedpyright language servers."""

import pytest

from reins.lsp.servers import find_executable
from reins.models.messages import ToolCall
from reins.tools.errors import ErrorKind
from reins.tools.executor import ToolExecutor
from reins.tools.lints import close_lsp
from reins.tools.registry import build_tools

pytestmark = pytest.mark.skipif(
    not (find_executable("ruff") and find_executable("basedpyright-langserver")),
    reason="ruff / basedpyright not installed",
)


async def test_diagnostics_for_touched_files_from_both_servers(ctx, repo):
    executor = ToolExecutor(build_tools(), ctx)

    async def call(name, **arguments):
        (done,) = await executor.run_batch([ToolCall(name, arguments)])
        return done.result

    try:
        nothing = await call("read_lints")
        assert "no files changed" in nothing.output
        await call(
            "write_file",
            path="bad.py",
            content="import os\n\n\ndef f() -> int:\n    return undefined_name\n",
        )
        result = await call("read_lints")
        assert result.ok, result.output
        assert "bad.py:1:8: " in result.output and "F401" in result.output  # ruff: unused import
        assert "undefined_name" in result.output and "basedpyright" in result.output
        # the servers are reused, and see the fix
        await call("write_file", path="bad.py", content="def f() -> int:\n    return 1\n")
        fixed = await call("read_lints", paths=["bad.py"])
        assert fixed.output.startswith("no problems found"), fixed.output
        # a dead server is restarted
        ctx.lsp.clients["ruff"].process.kill()
        await ctx.lsp.clients["ruff"].process.wait()
        again = await call("read_lints", paths=["bad.py"])
        assert again.output.startswith("no problems found"), again.output
        other = await call("read_lints", paths=["README.md"])
        assert other.ok and "no diagnostics available" in other.output
        missing = await call("read_lints", paths=["src"])
        assert missing.kind is ErrorKind.INVALID_ARGUMENTS
    finally:
        await close_lsp(ctx)


async def test_a_server_that_never_answers_times_out_cleanly(ctx, repo, tmp_path, monkeypatch):
    """A language server that hangs gives Timeout, not a stuck session."""
    from reins.lsp import servers
    from reins.lsp.manager import LspManager
    from reins.lsp.servers import ServerSpec

    hang = tmp_path / "hanging-server"
    hang.write_text("#!/bin/sh\nexec sleep 60\n")
    hang.chmod(0o755)
    spec = ServerSpec("hanging", (str(hang),), "n/a")
    monkeypatch.setitem(servers.LANGUAGES, ".py", ("python", (spec,)))
    ctx.lsp = LspManager(repo, start_timeout_s=1.0, diagnostics_timeout_s=1.0)
    executor = ToolExecutor(build_tools(), ctx)
    try:
        (done,) = await executor.run_batch([ToolCall("read_lints", {"paths": ["src/app.py"]})])
        assert done.result.kind is ErrorKind.TIMEOUT and "timed out" in done.result.output
    finally:
        await close_lsp(ctx)
