"""Adversarial tool calls for the fuzz campaign (tests/unit/test_fuzz_tools.py and
benchmarks/fuzz_tools.py): wrong types, huge strings, binary and non-UTF-8 files, paths
with '..' and symlinks, broken patch grammar, commands that sleep, flood output or fork."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from hypothesis import strategies as st

from reins.tools.registry import CORE_TOOLS

MAX_OUTPUT_CHARS = 130_000  # the largest any tool may return (read_file: 100 KB + notes)

PATHS = [
    "src/app.py", "README.md", "binary.bin", "latin1.txt", "crlf.txt", "empty.txt", "src",
    ".", "..", "../outside/secret.txt", "/etc/passwd", "/tmp", "link_out", "link_out_dir/secret.txt",
    "link_loop", "nested/../src/app.py", "src/app.py/child", "missing/file.py", "", " ",
    "\x00", "a" * 5000, "~/x", "src/../../outside", "new_dir/new_file.py", "ünïcode.py",
    "pipe", ".git/config", ".git/hooks/pre-commit", ".reins/config.toml", "src/.git/x",
]  # fmt: skip
HUGE = ["x" * 300_000, "🙂" * 50_000, "\n" * 100_000]
WEIRD = [
    "",
    "\x00\x01\x02",
    "\ud800lone surrogate",
    "line\r\nline",
    "\t\t",
    "\\",
    "'\"`$(rm -rf /)`",
]
COMMANDS = [
    "echo hello", "true", "false", "exit 3", "ls -la", "cat /etc/hostname", "pwd",
    "echo x > inside.txt", "echo x > ../outside/pwned.txt", "rm -rf ../outside",
    "touch /usr/pwned", "printf '\\xff\\xfe\\x00binary'", "seq 1 100000",
    "sleep 30", "sleep infinity", "yes", "head -c 300000000 /dev/zero",
    "for i in $(seq 60); do (sleep 30 &) ; done; sleep 30",  # a bounded fork storm
    "(setsid sleep 30 &) ; sleep 30", "kill -9 $$", "cat", "echo $((1/0))", "ulimit -a",
    "python3 -c 'import os; os.write(1, bytes(range(256)) * 1000)'",
    "umount -l /tmp; mount -o remount,bind,rw / && touch /pwned", "cat pipe",
    "git config core.fsmonitor 'touch ../outside/pwned'", "echo x > .git/hooks/pre-commit",
    "echo 'sandbox = \"full-access\"' > .reins/config.toml", "sleep 300 & echo bg",
    "python3 -c 'print(\"x\" * 200_000)' | head -c 10", "cat /proc/1/environ",
]  # fmt: skip
PATCH_PIECES = [
    "*** Begin Patch", "*** End Patch", "*** Update File: src/app.py", "*** Add File: added.txt",
    "*** Delete File: README.md", "*** Update File: ../outside/secret.txt", "*** Move to: moved.py",
    "*** Add File: link_out_dir/evil.txt", "@@", "@@ def greet", " def greet(name):",
    "-    return 'hello ' + name", "+    return 'hi ' + name", "+new line", "garbage line",
    "*** End of File", "", "*** Update File: binary.bin", "*** Delete File: missing.txt",
]  # fmt: skip

wrong_types = st.one_of(
    st.integers(), st.floats(allow_nan=True), st.booleans(), st.none(),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)  # fmt: skip
strings = st.one_of(st.text(max_size=80), st.sampled_from(WEIRD), st.sampled_from(HUGE))
paths = st.one_of(st.sampled_from(PATHS), st.text(max_size=30))
patches = st.lists(st.sampled_from(PATCH_PIECES), max_size=12).map("\n".join)
commands = st.one_of(st.sampled_from(COMMANDS), st.text(max_size=40))

FIELD_VALUES = {
    "path": paths, "pattern": st.one_of(strings, st.sampled_from(["(unclosed", "*", "**/*", "../*", "[", "greet"])),
    "content": strings, "old_string": st.one_of(strings, st.just("'hello '")), "new_string": strings,
    "start_line": st.one_of(st.integers(-5, 10**9), wrong_types), "end_line": st.one_of(st.integers(-5, 10**9), wrong_types),
    "glob": st.one_of(st.none(), strings), "context": st.one_of(st.integers(-3, 50), wrong_types),
    "patch": st.one_of(patches, strings), "command": commands,
    "timeout_s": st.one_of(st.none(), st.floats(0.1, 3), st.floats(-1, 1e12), wrong_types),
    "background": st.one_of(st.booleans(), wrong_types), "id": st.one_of(st.sampled_from(["t1", "t2", "x"]), strings),
    "paths": st.one_of(st.none(), st.lists(paths, max_size=3), wrong_types),
    "items": st.one_of(st.lists(st.fixed_dictionaries({"content": strings, "status": st.sampled_from(["pending", "completed", "bogus"])}), max_size=3), wrong_types),
    "thought": strings, "replace_all": st.one_of(st.booleans(), wrong_types), "ignore_case": st.booleans(),
}  # fmt: skip
REAL_PATHS = st.sampled_from(
    ["src/app.py", "README.md", "crlf.txt", "latin1.txt", "empty.txt", "src", ".", "new.py"]
)
WELL_TYPED = {
    **FIELD_VALUES,
    "path": st.one_of(REAL_PATHS, REAL_PATHS, paths),  # mostly real files: reach the tools' code
    "command": st.one_of(st.sampled_from(COMMANDS), st.sampled_from(COMMANDS), st.text(max_size=40)),
    "old_string": st.one_of(st.sampled_from(["'hello '", "def greet(name):", "return", "a\r\n"]), strings),
    "pattern": st.one_of(st.sampled_from(["greet", "hello", "^def", "(unclosed", "x+", "\\d"]), strings),
    "start_line": st.one_of(st.none(), st.integers(1, 10**9)),
    "end_line": st.one_of(st.none(), st.integers(1, 10**9)),
    "context": st.integers(0, 10),
    "timeout_s": st.one_of(st.none(), st.floats(0.1, 3)),
    "background": st.booleans(),
    "replace_all": st.booleans(),
    "glob": st.one_of(st.none(), st.text(max_size=20), st.sampled_from(["*.py", "**/*", "[", "!*"])),
    "paths": st.one_of(st.none(), st.lists(st.sampled_from(PATHS), max_size=3)),
    "items": st.lists(st.fixed_dictionaries({"content": strings, "status": st.sampled_from(["pending", "in_progress", "completed"])}), max_size=3),
    "id": st.sampled_from(["t1", "t2", "t3", "x"]),
}  # fmt: skip
FUZZED_TOOLS = sorted(set(CORE_TOOLS) - {"read_lints"})  # read_lints: covered by its own test


@st.composite
def tool_call(draw) -> tuple[str, dict]:
    """One call: three in four are well-typed (adversarial values reach the tool's code),
    one in four has wrong types, missing fields or unknown keys (validation paths)."""
    name = draw(
        st.one_of(st.sampled_from(FUZZED_TOOLS), st.sampled_from(["", "nope", "read_file "]))
    )
    tool = CORE_TOOLS.get(name)
    fields = list(tool.Args.model_fields) if tool else ["path"]
    typed_ok = draw(st.integers(0, 3)) > 0
    args = {}
    for field in fields:
        values = (
            WELL_TYPED.get(field, strings)
            if typed_ok
            else st.one_of(FIELD_VALUES.get(field, strings), wrong_types)
        )
        if not typed_ok and draw(st.integers(0, 5)) == 0:
            continue  # leave a field out
        args[field] = draw(values)
    if not typed_ok and draw(st.integers(0, 3)) == 0:
        args[draw(st.text(max_size=8))] = draw(wrong_types)
    return name, args


def build_world(root: Path) -> tuple[Path, Path]:
    """A workspace with awkward files, and an outside directory it must never change."""
    outside = root / "outside"
    ws = root / "ws"
    outside.mkdir(parents=True)
    (outside / "secret.txt").write_text("secret\n")
    (ws / "src").mkdir(parents=True)
    (ws / "src/app.py").write_text("def greet(name):\n    return 'hello ' + name\n")
    (ws / "README.md").write_text("# readme\n")
    (ws / "binary.bin").write_bytes(bytes(range(256)) * 4)
    (ws / "latin1.txt").write_bytes("caf\xe9 cr\xe8me\n".encode("latin-1"))
    (ws / "crlf.txt").write_bytes(b"a\r\nb\r\n")
    (ws / "empty.txt").write_text("")
    os.symlink(outside / "secret.txt", ws / "link_out")
    os.symlink(outside, ws / "link_out_dir")
    os.symlink(ws / "link_loop", ws / "link_loop")
    os.mkfifo(ws / "pipe")
    for rel, text in {".git/config": "[core]\n", ".reins/config.toml": "max_steps = 5\n"}.items():
        (ws / rel).parent.mkdir(parents=True, exist_ok=True)
        (ws / rel).write_text(text)
    return ws, outside


PROTECTED_FILES = (".git/config", ".reins/config.toml")


def protected_state(ws: Path) -> dict[str, str]:
    """reins' own files inside the workspace, which no tool call may change."""
    git_hooks = sorted(p.name for p in (ws / ".git").rglob("*") if p.is_file())
    state = {
        rel: (ws / rel).read_text() if (ws / rel).is_file() else "<gone>" for rel in PROTECTED_FILES
    }
    return {**state, ".git files": ",".join(git_hooks)}


def snapshot(directory: Path) -> dict[str, str]:
    state = {}
    for path in sorted(directory.rglob("*")):
        if path.is_file() and not path.is_symlink():
            state[str(path.relative_to(directory))] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            state[str(path.relative_to(directory))] = "dir"
    return state
