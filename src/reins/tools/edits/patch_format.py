"""The apply_patch format (the one OpenAI models are trained on), parsed into file operations.

*** Begin Patch
*** Update File: path        (optionally followed by *** Move to: new/path)
@@ optional anchor line
 context / -removed / +added lines
*** Add File: path           (every line starts with +)
*** Delete File: path
*** End Patch
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reins.tools.edits.hunk import Hunk


class PatchSyntaxError(ValueError):
    pass


@dataclass
class FileOp:
    kind: str  # "update" | "add" | "delete"
    path: str
    move_to: str | None = None
    hunks: list[Hunk] = field(default_factory=list)
    content: list[str] = field(default_factory=list)  # "add"


HEADERS = ("*** Update File: ", "*** Add File: ", "*** Delete File: ")


def parse_patch(text: str) -> list[FileOp]:
    lines = text.replace("\r\n", "\n").strip("\n").split("\n")
    # Models wrap patches in heredocs or fences; tolerate that framing.
    while lines and not lines[0].startswith("*** Begin Patch"):
        if lines[0].strip() and not lines[0].strip().startswith(("```", "apply_patch", "<<")):
            break
        lines.pop(0)
    while lines and lines[-1].strip() in ("```", "EOF", "PATCH", ""):
        lines.pop()
    if not lines or lines[0].strip() != "*** Begin Patch":
        raise PatchSyntaxError("a patch must start with '*** Begin Patch'")
    if lines[-1].strip() != "*** End Patch":
        raise PatchSyntaxError("a patch must end with '*** End Patch'")
    ops: list[FileOp] = []
    i = 1
    body = lines[1:-1]
    i = 0
    while i < len(body):
        line = body[i]
        header = next((h for h in HEADERS if line.startswith(h)), None)
        if header is None:
            if not line.strip():
                i += 1
                continue
            raise PatchSyntaxError(
                f"line {i + 2}: expected a file header (*** Update/Add/Delete File: path), got {line[:80]!r}"
            )
        path = line[len(header) :].strip()
        if not path:
            raise PatchSyntaxError(f"line {i + 2}: file header without a path")
        i += 1
        if header.startswith("*** Delete"):
            ops.append(FileOp("delete", path))
            continue
        if header.startswith("*** Add"):
            op = FileOp("add", path)
            while i < len(body) and not body[i].startswith("*** "):
                if not body[i].startswith("+"):
                    raise PatchSyntaxError(
                        f"line {i + 2}: every line of an added file starts with '+'"
                    )
                op.content.append(body[i][1:])
                i += 1
            ops.append(op)
            continue
        op = FileOp("update", path)
        if i < len(body) and body[i].startswith("*** Move to: "):
            op.move_to = body[i][len("*** Move to: ") :].strip()
            i += 1
        hunk: Hunk | None = None
        while i < len(body) and not any(body[i].startswith(h) for h in HEADERS):
            line = body[i]
            if line.startswith("@@"):
                hunk = Hunk(anchor=line[2:].strip() or None)
                op.hunks.append(hunk)
            elif line.startswith("*** End of File"):
                if hunk is not None:
                    hunk.at_eof = True
            elif line[:1] in (" ", "-", "+") or line == "":
                if hunk is None:
                    hunk = Hunk()
                    op.hunks.append(hunk)
                hunk.lines.append((line[:1] or " ", line[1:]))
            else:
                raise PatchSyntaxError(
                    f"line {i + 2}: hunk lines start with ' ', '-' or '+', got {line[:80]!r}"
                )
            i += 1
        op.hunks = [h for h in op.hunks if h.lines]
        if not op.hunks and not op.move_to:
            raise PatchSyntaxError(f"*** Update File: {path} has no changes")
        ops.append(op)
    if not ops:
        raise PatchSyntaxError("the patch changes no file")
    return ops
