"""Fenced blocks in a model's reply, read the way a model writes them.

A file block is a path on a line of its own, then its content in a code block. The
content may have code blocks of its own (a README's ```sh examples): the block ends at
the fence that closes it, not at the first fence line in it. Two ways to nest are read:
- a longer outer fence (````markdown): only a line of as many backticks closes it;
- the same three backticks: a fence line with a language (```sh) opens an inner block,
  and the bare ``` that follows closes that one, not the outer block. (CommonMark
  would end the outer block there; a model writing a README inside ``` means this.)

A reply is generated up to a stop string such as "\\n```\\n" (one block per reply), which
also stops at an inner block's closing fence. `cut_short` tells such a reply from one
whose block was finished, so the caller can have the model go on with it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

# Files known by a name without an extension ("add a target to the `Makefile`")
BARE_NAMES = ("Makefile", "makefile", "GNUmakefile", "Dockerfile", "Containerfile",
              "Justfile", "justfile", "Procfile", "Gemfile", "Rakefile", "Vagrantfile",
              "Jenkinsfile", "Caddyfile", "LICENSE", "CODEOWNERS")  # fmt: skip
# A file block's path: with an extension (src/app.py), a known bare name (Makefile), or a
# dotfile (.gitignore, .env)
BLOCK_PATH = (
    rf"(?:[\w.-]+/)*(?:{'|'.join(BARE_NAMES)}|[\w][\w.-]*\.[A-Za-z0-9]{{1,8}}|\.[\w][\w.-]*)"
)
# The path line (bare, in backticks, after "#", "File:") and the opening fence line
FILE_HEADER = re.compile(
    r"^[ \t]*(?:#+[ \t]*)?[*_]*(?:(?:file|path)[ \t]*:[ \t]*)?`?(?P<path>" + BLOCK_PATH + r")"
    r"`?[*_]*:?[ \t]*\n[ \t]*(?P<fence>`{3,})(?P<info>[^`\n]*)$",
    re.MULTILINE | re.IGNORECASE,
)
FENCE_LINE = re.compile(r"[ \t]*(`{3,})([^`]*)")
MAX_BODY_LINES = 100_000  # a reply is far shorter; bounds the scan of a pathological one


@dataclass
class Block:
    """One fenced block of a reply: `body` is its content (no fence lines); `start`/`end`
    span it in the reply, from its first line (the path line, for a file block) to the end
    of its closing fence line (the end of the reply when it is still open)."""

    fence: str
    info: str
    body: str
    start: int
    end: int
    closed: bool
    depth: int = 0  # inner blocks left open at the end (an unclosed block only)
    path: str | None = None


def fence_for(content: str) -> str:
    """The fence that keeps `content` whole inside one block: three backticks, or one more
    than its longest fence line (a README's ```sh examples go inside ````)."""
    runs = [len(m.group(1)) for line in content.splitlines() if (m := FENCE_LINE.match(line))]
    return "`" * max([3] + [n + 1 for n in runs])


def _fence(line: str) -> tuple[int, str] | None:
    """(backticks, info string) for a fence line; None for any other line."""
    match = FENCE_LINE.fullmatch(line)
    return (len(match.group(1)), match.group(2).strip()) if match else None


def _read_block(text: str, start: int, body_at: int, fence: str, info: str) -> Block:
    """The block whose opening fence line ends at `body_at` (its first content line)."""
    size, depth, lines, pos = len(fence), 0, [], body_at
    while pos <= len(text) and len(lines) < MAX_BODY_LINES:
        newline = text.find("\n", pos)
        line_end = len(text) if newline < 0 else newline
        line = text[pos:line_end]
        found = _fence(line)
        if found is not None:
            ticks, inner_info = found
            if not inner_info and ticks >= size and (depth == 0 or size > 3):
                end = line_end + (1 if newline >= 0 else 0)
                return Block(fence, info, "\n".join(lines), start, end, True, 0)
            if inner_info:
                depth += 1  # ```sh: an inner block opens
            elif depth:
                depth -= 1  # its bare ``` closes it
            else:
                depth = 1  # inside ````: a bare ``` opens an inner block
        lines.append(line)
        if newline < 0:
            break
        pos = newline + 1
    last = next((i for i in range(len(lines) - 1, -1, -1) if lines[i].strip()), None)
    if size > 3 and depth == 1 and last is not None and _fence(lines[last]) == (3, ""):
        # ```` closed with ```: the model's own close, not an inner block's opening
        return Block(fence, info, "\n".join(lines[:last]), start, len(text), True, 0)
    return Block(fence, info, "\n".join(lines), start, len(text), False, depth)


def file_blocks(text: str) -> list[Block]:
    """The file blocks of a reply (a path line, then a fenced block), in order."""
    blocks, pos = [], 0
    while (match := FILE_HEADER.search(text, pos)) is not None:
        body_at = match.end() + 1 if match.end() < len(text) else len(text)
        block = _read_block(text, match.start(), body_at, match["fence"], match["info"].strip())
        block.path = match["path"]
        blocks.append(block)
        pos = max(block.end, match.end() + 1)
    return blocks


def fenced_blocks(text: str) -> list[Block]:
    """Every top-level fenced block of a reply, with or without a path line."""
    blocks, pos = [], 0
    while pos < len(text):
        newline = text.find("\n", pos)
        line_end = len(text) if newline < 0 else newline
        found = _fence(text[pos:line_end])
        if found is None:
            if newline < 0:
                break
            pos = newline + 1
            continue
        ticks, info = found
        body_at = line_end + 1 if newline >= 0 else len(text)
        block = _read_block(text, pos, body_at, "`" * ticks, info)
        blocks.append(block)
        if block.end <= pos:
            break
        pos = block.end
    return blocks


def open_block(text: str) -> Block | None:
    """The reply's last block when the reply ends inside it."""
    blocks = fenced_blocks(text)
    return blocks[-1] if blocks and not blocks[-1].closed else None


def cut_short(text: str) -> bool:
    """Whether a reply that a fence stop string ended was cut inside its block: an outer
    fence longer than the stop's, an inner block left open (the stop was its closing
    fence), or a JSON call cut inside a string (a file's content with raw newlines)."""
    block = open_block(text)
    if block is None:
        return False
    if len(block.fence) > 3 or block.depth > 0:
        return True
    return block.info in ("", "json") and _inside_string(block.body)


def _inside_string(body: str) -> bool:
    """JSON that stops inside a string literal."""
    text = body.lstrip()
    if not text.startswith("{"):
        return False
    try:
        json.loads(text, strict=False)
        return False
    except json.JSONDecodeError:
        pass
    inside = escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = inside
        elif char == '"':
            inside = not inside
    return inside
