"""Reading only the part of a growing log file that is new since the last run.

The byte offset we got to is kept in a small JSON file next to the log
(<log>.offset); delete it to read the whole log again.
"""
import json
from pathlib import Path


def state_path(log_path):
    return Path(f"{log_path}.offset")


def load_offset(log_path):
    try:
        data = json.loads(state_path(log_path).read_text())
    except (OSError, ValueError):
        return 0
    return int(data.get("offset", 0))


def save_offset(log_path, offset):
    state_path(log_path).write_text(json.dumps({"offset": offset}))


def new_lines(log_path):
    """The complete lines added to the log since the last call, decoded, without their
    line ending. A last line that is still being written (no newline yet) is left for
    the next call. If the log got shorter (it was rotated), start again from the top."""
    offset = load_offset(log_path)
    if Path(log_path).stat().st_size < offset:
        offset = 0
    lines = []
    with open(log_path, "rb") as f:
        f.seek(offset)
        for raw in f:
            if not raw.endswith(b"\n"):
                break
            offset += len(raw)
            lines.append(raw.decode("utf-8", errors="replace").rstrip("\n"))
    save_offset(log_path, offset)
    return lines
