"""The text tool-call protocol, for models without native tool calling.

Tools are described in the system prompt; the model writes calls as JSON inside
<tool_call>…</tool_call>; results go back as user turns inside <tool_response>.
The parser is lenient (fenced JSON, Python-style dicts, raw newlines inside strings,
a missing closing tag) because small models are; what it still cannot read becomes a
call with a parse_error, which the executor answers as InvalidArguments.
"""

from __future__ import annotations

import ast
import json
import re
from importlib import resources
from string import Template
from typing import Any

from reins.agent.protocols.fences import Block, fenced_blocks, file_blocks, open_block
from reins.models.messages import MAX_DEPTH, Message, ToolCall

TAG_BLOCK = re.compile(r"<tool_call>\s*(.*?)\s*(?:</tool_call>|$)", re.DOTALL)
# Small models mix up the tags and write a call as <tool_response>{"name": …}</tool_response>.
MISTAGGED = re.compile(r"<(tool_response|function_call|tool)>\s*(\{.*?\})\s*(?:</\1>|$)", re.DOTALL)
CALL_INFO = ("", "json", "tool_call")  # the fence languages a call block may have
# A call block whose fence is not on a line of its own ("Here: ```json"); blocks on their
# own lines are read by fences.fenced_blocks, which knows fences inside a call's strings
FENCED = re.compile(r"```(?:json|tool_call)?\s*\n(.*?)\n\s*```", re.DOTALL)
FILE_NAME = re.compile(r"[\w][\w./-]*\.[A-Za-z0-9]{1,8}")
NAME_HINT = re.compile(r'["\']name["\']\s*:')
NAME_KEYS = ("name", "tool", "tool_name", "function")
ARG_KEYS = ("arguments", "parameters", "args", "input")


CALL_STYLES = ("tags", "fenced", "files")
# What a reply starts with when a call is required; each ends on a token boundary. (In the
# files style a hook may start a reply as a file block instead: write_first.WriteFirst.)
PREFILL = {"tags": "<tool_call>", "fenced": "```json\n", "files": "```json\n"}
EXAMPLE_CALL = ToolCall("run_command", {"command": "ls"})
EXAMPLE_FILE = "example.py\n```python\ndef add(a, b):\n    return a + b\n```"
INSTRUCTIONS = {
    "tags": "For each function call, write a JSON object with the function name and its "
    "arguments inside <tool_call></tool_call> tags, like this:\n$example",
    "fenced": "For each function call, write a JSON object with the function name and its "
    "arguments in a ```json code block, like this:\n$example",
    "files": "To write a file (a new file, or a whole new version of one), write its path on "
    "a line of its own and then its complete content in a code block, like this:\n"
    + EXAMPLE_FILE
    + "\nFor any other function call, write a JSON object with the function name and its "
    "arguments in a ```json code block, like this:\n$example",
}
UNNAMED_BLOCK = re.compile(r"```[\w+.-]*[ \t]*\n.*\S", re.DOTALL)


def tools_section(schemas: list[dict[str, Any]], style: str = "tags", listing: str = "json") -> str:
    data = resources.files("reins.profiles").joinpath("data", "text_tools.md")
    if listing == "compact":
        lines = "\n".join(signature_line(s) for s in schemas)
    else:
        lines = "\n".join(
            json.dumps({"type": "function", "function": s}, ensure_ascii=False) for s in schemas
        )
    example = render_call(EXAMPLE_CALL, style)
    instructions = Template(INSTRUCTIONS[style]).substitute(example=example)
    return Template(data.read_text("utf-8")).substitute(
        tool_lines=lines, call_instructions=instructions
    )


def signature_line(schema: dict[str, Any]) -> str:
    """One tool as `name(arg: type, optional?: type): description`: the names and types a
    call needs, without the JSON schema's per-argument prose."""
    params = schema.get("parameters") or {}
    required = set(params.get("required") or ())
    args = []
    for arg, spec in (params.get("properties") or {}).items():
        kind = spec.get("type", "any") if isinstance(spec, dict) else "any"
        if isinstance(kind, list):
            kind = "|".join(str(k) for k in kind)
        args.append(f"{arg}{'' if arg in required else '?'}: {kind}")
    return f"{schema.get('name', '?')}({', '.join(args)}): {schema.get('description', '')}".strip()


def render_call(call: ToolCall, style: str = "tags") -> str:
    args = call.arguments
    if style == "files" and call.name == "write_file" and set(args) <= {"path", "content"}:
        return f"{args.get('path', '')}\n```\n{args.get('content', '')}\n```"
    payload = json.dumps({"name": call.name, "arguments": call.arguments}, ensure_ascii=False)
    if style in ("fenced", "files"):
        return f"```json\n{payload}\n```"
    return f"<tool_call>\n{payload}\n</tool_call>"


def to_text_messages(history: list[Message], style: str = "tags") -> list[Message]:
    """Native-shaped history → plain system/user/assistant turns for a text-protocol model."""
    out: list[Message] = []
    for m in history:
        if m.role == "assistant":
            if m.raw is not None:
                out.append(Message("assistant", m.raw, raw=m.raw))
            else:
                parts = [m.content] if m.content else []
                parts += [render_call(c, style) for c in m.tool_calls]
                out.append(Message("assistant", "\n".join(parts)))
        elif m.role == "tool":
            block = f"<tool_response>\n{m.content}\n</tool_response>"
            if out and out[-1].role == "user" and out[-1].content.startswith("<tool_response>"):
                out[-1] = Message("user", out[-1].content + "\n" + block)
            else:
                out.append(Message("user", block))
        else:
            out.append(Message(m.role, m.content))
    return out


def _loads_lenient(text: str) -> Any:
    text = text.strip()
    try:
        return json.loads(text, strict=False)  # strict=False: raw newlines inside strings
    except json.JSONDecodeError:
        pass
    try:
        decoded, _ = json.JSONDecoder(strict=False).raw_decode(text)  # trailing junk
        return decoded
    except json.JSONDecodeError:
        pass
    cleaned = re.sub(r",\s*([}\]])", r"\1", text)  # trailing commas
    try:
        return json.loads(cleaned, strict=False)
    except json.JSONDecodeError:
        pass
    try:
        return ast.literal_eval(text)  # Python dict syntax: single quotes, True/None
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        raise ValueError("not valid JSON") from None


# The calls whose string arguments carry code, and their argument names: where a small
# model leaves a quote unescaped (`{"User-Agent\": ...}` inside a file's content).
REPAIRABLE = {
    "write_file": ("path", "content"),
    "edit_file": ("path", "old_string", "new_string", "replace_all"),
    "run_command": ("command", "timeout_s", "background"),
}
# Inside a repaired value: the end of this call and the start of another, or a last
# `", "key": value` that no argument of the tool has
ANOTHER_CALL = re.compile(r'"\s*\}\s*\}\s*(?:</tool_call>\s*<tool_call>\s*|,\s*)?\{\s*"name"\s*:')
TRAILING_KEY = re.compile(r'"\s*,\s*"\w+"\s*:\s*(?:"[^"]*|true|false|null|-?\d+(?:\.\d+)?)$')
FREE_TEXT = {"content", "old_string", "new_string", "command"}  # the others: valid JSON
REQUIRED = {"write_file": {"path", "content"}, "edit_file": {"path", "old_string", "new_string"},
            "run_command": {"command"}}  # fmt: skip
CALL_HEAD = re.compile(r'\s*\{\s*"name"\s*:\s*"(\w+)"\s*,\s*"arguments"\s*:\s*\{')
JSON_ESCAPE = re.compile(r'\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})')


def repair_call(text: str) -> dict[str, Any] | None:
    """A whole call to a REPAIRABLE tool whose JSON breaks only inside its string values
    (a quote left unescaped, the last one's closing quote left out), read by its argument names: each value runs from its key to
    the next argument's key, or to the call's closing braces. None when the call is cut
    short, has other keys, or lacks a required one: that one is answered as unreadable."""
    head = CALL_HEAD.match(text)
    if head is None or head.group(1) not in REPAIRABLE:
        return None
    body = text[head.end() :].rstrip()
    closing = re.search(r"\}\s*\}$", body)
    if closing is None:  # cut short: what is missing cannot be told
        return None
    body = body[: closing.start()].rstrip()
    names = REPAIRABLE[head.group(1)]
    key = re.compile(r'(?:^|,)\s*"(' + "|".join(names) + r')"\s*:\s*')
    spots, at = [], 0
    while (found := key.search(body, at)) is not None:
        if (found.start() != 0 and not spots) or any(found.group(1) == k for k, _ in spots):
            break  # not a call's first key, or a key seen already: part of a value
        spots.append((found.group(1), found))
        at = found.end()
    if not spots:
        return None
    arguments: dict[str, Any] = {}
    for i, (name, found) in enumerate(spots):
        end = spots[i + 1][1].start() if i + 1 < len(spots) else len(body)
        raw = body[found.end() : end].rstrip()
        if end == len(body) and name in FREE_TEXT and raw[:1] == '"' and raw[-1:] != '"':
            # the last value's closing quote left out before the call's braces (seen: a
            # file ending in `…{self.currency})'` then `}}`, refused four times in a row)
            raw += '"'
        if name in FREE_TEXT and raw.startswith('"') and raw.endswith('"') and len(raw) >= 2:
            value = raw[1:-1]
            if ANOTHER_CALL.search(value) or TRAILING_KEY.search(value):
                return None  # a second call, or a key no argument has, inside the value
            value = value if "\n" in value else _decoded(value)
            if value.count('"') % 2:  # an odd quote is the model's slip, not an escaping one:
                return None  # `"new_string": "echo "would run: mv"` breaks the script it edits
            arguments[name] = value
        else:
            try:
                arguments[name] = json.loads(raw)
            except ValueError:
                return None
    if not REQUIRED[head.group(1)] <= set(arguments):
        return None
    return {"name": head.group(1), "arguments": arguments}


def _decoded(value: str) -> str:
    """JSON escapes read as JSON reads them; a lone quote left as it is. (A value with real
    newlines in it was not JSON-escaped at all: its backslashes are the code's own.)"""
    text = JSON_ESCAPE.sub(lambda escape: json.loads(f'"{escape.group(0)}"'), value)
    try:  # a surrogate pair written as two \u escapes is one character
        return text.encode("utf-16", "surrogatepass").decode("utf-16")
    except UnicodeError:
        return text


def _to_call(payload: Any) -> ToolCall:
    if not isinstance(payload, dict):
        raise ValueError("a tool call must be a JSON object with 'name' and 'arguments'")
    if isinstance(payload.get("function"), dict):  # OpenAI-shaped {"function": {...}}
        payload = payload["function"]
    name = next((payload[k] for k in NAME_KEYS if isinstance(payload.get(k), str)), None)
    if not name:
        raise ValueError("the tool call has no 'name'")
    args = next((payload[k] for k in ARG_KEYS if k in payload), {})
    if isinstance(args, str):
        args = _loads_lenient(args) if args.strip() else {}
    if not isinstance(args, dict):
        raise ValueError(f"'arguments' of {name} must be a JSON object")
    if (
        FILE_NAME.fullmatch(name)
        and isinstance(args.get("content"), str)
        and set(args) <= {"content", "path"}
    ):  # {"name": "convert.py", "arguments": {"content": ...}}: no tool has a dot in its
        # name; the model named the file it writes (seen from the embedded model)
        return ToolCall(
            "write_file",
            {
                "path": args.get("path") or name,
                "content": unwrapped(args["content"], str(args.get("path") or name)),
            },
        )
    if name == "write_file" and isinstance(args.get("content"), str):
        args = {**args, "content": unwrapped(args["content"], str(args.get("path", "")))}
    return ToolCall(name, args)


# A whole file's content given inside a code fence ("```python\n…\n```"): the fence is
# how the model shows code, not part of the file (seen: README.md written starting with
# "```markdown", and thumbs.py with "```python" as its first line).
WRAPPED = re.compile(r"\A\s*(`{3,})([\w+.-]*)[ \t]*\n(.*?)\n?[ \t]*\1[ \t]*\n?\s*\Z", re.DOTALL)


def unwrapped(content: str, path: str = "") -> str:
    """`content` without a code fence around all of it: not when a fence as long is inside
    (a README that starts and ends with an example), nor for a Markdown file unless the
    fence says markdown."""
    found = WRAPPED.match(content)
    if found is None:
        return content
    fence, info, inner = found.groups()
    if re.search(rf"^[ \t]*{fence}", inner, re.MULTILINE):
        return content
    if path.lower().endswith((".md", ".markdown")) and info.lower() not in ("markdown", "md"):
        return content
    return inner + "\n"


# How a call is written, per style, for the message that answers one that cannot be read.
CALL_SHAPE = {
    "tags": "inside <tool_call></tool_call>",
    "fenced": "in a ```json code block",
    # a file written as JSON is where small models break the escaping
    "files": "in a ```json code block (to write a file, give its path on a line of its own "
    "and its content in a code block instead)",
}


def _bad_call(problem: str, snippet: str, style: str = "tags") -> ToolCall:
    shown = snippet if len(snippet) < 300 else snippet[:300] + "…"
    message = (
        f"could not read your tool call: {problem}. Write exactly one JSON object "
        f'{{"name": ..., "arguments": {{...}}}} {CALL_SHAPE[style]}. You wrote: ' + shown
    )
    return ToolCall("invalid_tool_call", {}, parse_error=message, raw_arguments=snippet)


def close_open_call(raw: str) -> str:
    """Generation stopped at the closing tag or fence leaves the call open; close it so the
    history shows the model well-formed calls to imitate."""
    if raw.count("<tool_call>") > raw.count("</tool_call>"):
        return raw.rstrip() + "\n</tool_call>"
    block = open_block(raw)
    if block is not None:
        return raw.rstrip() + "\n" + block.fence
    return raw


def parse_file_blocks(text: str, blocks: list[Block] | None = None) -> tuple[str, list[ToolCall]]:
    """The files style: each file block is a write_file call (used when a reply has no
    JSON call; a JSON call block wins, since its fence could look like a file's).
    `blocks`: the reply's file blocks, when the caller has read them already."""
    blocks = file_blocks(text) if blocks is None else blocks
    written = [b for b in blocks if not _call_shaped(b.body)]
    calls = [ToolCall("write_file", {"path": b.path, "content": b.body + "\n"}) for b in written]
    if not calls and UNNAMED_BLOCK.search(text):
        message = (
            "could not tell which file your code block is for: write the file's path on "
            "the line right before the ``` line (or call a tool with a ```json block)"
        )
        calls = [ToolCall("write_file", {}, parse_error=message, raw_arguments=text[:300])]
    return (_without(text, blocks).strip() if calls else text.strip()), calls


def _without(text: str, blocks: list[Block]) -> str:
    """`text` less the spans of `blocks`."""
    kept, pos = [], 0
    for block in blocks:
        kept.append(text[pos : block.start])
        pos = block.end
    return "".join(kept) + text[pos:]


def parse_tool_calls(
    text: str, style: str = "tags", repair: bool = True
) -> tuple[str, list[ToolCall]]:
    """Split a reply into its visible text and the tool calls it contains; `repair`: read a
    whole call broken only inside its code by its argument names (repair_call)."""
    if style == "files":
        blocks = file_blocks(text)
        if any(not _call_shaped(b.body) for b in blocks):
            # a JSON file under its path line (config.json: {"name": "api", ...}) is the
            # file's new content, not a call named "api"
            return parse_file_blocks(text, blocks)
        visible, calls = _parse_calls(text, style, repair)
        return (visible, calls) if calls else parse_file_blocks(text, blocks)
    return _parse_calls(text, style, repair)


def _call_shaped(body: str) -> bool:
    """A block that is a tool call even under a path line: one object holding a name and
    its arguments and nothing else (or broken JSON that starts as one)."""
    if not body.lstrip().startswith("{"):  # a code file: not parsed as JSON on every reply
        return False
    try:
        payload = _loads_lenient(body)
    except (ValueError, RecursionError):
        return bool(re.match(r'\s*\{\s*["\']name["\']', body))
    if not isinstance(payload, dict):
        return False
    keys = set(payload)
    return bool(keys & set(NAME_KEYS)) and keys <= {*NAME_KEYS, *ARG_KEYS}


def _parse_calls(text: str, style: str = "tags", repair: bool = True) -> tuple[str, list[ToolCall]]:
    if "<tool_call>" in text:  # anything after a result tag is the model inventing results
        head, _, _ = text.partition("<tool_response>")
        text = head if "<tool_call>" in head else text
    blocks = [m.group(1) for m in TAG_BLOCK.finditer(text)]
    visible = TAG_BLOCK.sub("", text)
    if not blocks:
        mistagged = [m.group(2) for m in MISTAGGED.finditer(text) if NAME_HINT.search(m.group(2))]
        if mistagged:
            blocks, visible = mistagged[:1], MISTAGGED.sub("", text)
    if not blocks:
        fenced = [b for b in fenced_blocks(text) if b.info in CALL_INFO and b.closed
                  and NAME_HINT.search(b.body)]  # fmt: skip
        loose = [] if fenced else [b for b in FENCED.findall(text) if NAME_HINT.search(b)]
        if fenced:
            blocks = [b.body for b in fenced]
            visible = _without(text, fenced)
        elif loose:
            blocks = loose
            visible = FENCED.sub("", text)
        elif re.match(r'\s*\{\s*["\']name["\']', text):  # the whole reply is a bare call
            blocks, visible = [text], ""
    calls = []
    for block in blocks:
        if not block.strip():
            continue
        try:
            payload = _loads_lenient(block)
            items = payload if isinstance(payload, list) else [payload]
            calls.extend(_to_call(item) for item in items)
        except ValueError as error:
            repaired = repair_call(block) if repair else None
            calls.append(_to_call(repaired) if repaired else _bad_call(str(error), block, style))
        except RecursionError:
            calls.append(_bad_call(f"it is nested more than {MAX_DEPTH} levels deep", block, style))
    return visible.strip(), calls
