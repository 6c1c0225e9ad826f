"""Make a logged history acceptable to every provider before it is sent again.

A run killed between a model reply and its tool results (kill -9, OOM, a closed terminal) leaves
the log with an assistant tool call and no answer; OpenAI and Anthropic both reject such a
history, and reject tool results that answer no call. repair_history returns a history where
each assistant tool call is followed, before the next non-tool message, by exactly one tool
message answering it, and every tool message answers one of those calls.
"""

from __future__ import annotations

import dataclasses

from reins.models.messages import Message, ToolCall

INTERRUPTED_RESULT = (
    "no result: the run was interrupted before this call finished; its effects, if any, are "
    "unknown, so check the current state before relying on it or repeating it"
)


def repair_history(messages: list[Message]) -> tuple[list[Message], list[str]]:
    """(valid history, one line per repair). Pure: `messages` and its items are not changed.

    - a call with no answer gets a synthetic result (or its answer, if it was logged later
      than the next message, is moved up next to it);
    - a tool message answering no call of the assistant message before it is dropped, and so
      is a second answer to the same call;
    - a call ID used twice in one message keeps its first call; one reused by a later message is
      renamed there (with its answers), since providers need IDs unique in a conversation.
    """
    late_answers = _late_answer_candidates(messages)
    used_late: set[int] = set()  # indexes of tool messages moved up to their call
    out: list[Message] = []
    repairs: list[str] = []
    seen_ids: set[str] = set()
    open_calls: list[ToolCall] = []  # the calls of the last assistant message, in order
    answered: set[str] = set()
    renamed: dict[str, str] = {}  # within the current window: logged ID → ID sent

    def close_window() -> None:
        for call in open_calls:
            if call.id in answered:
                continue
            late = late_answers.get(call.id)
            if late is not None and late not in used_late:
                used_late.add(late)
                out.append(messages[late])
                repairs.append(
                    f"moved the result of {call.name} call {call.id} up next to its call "
                    f"(it was logged later, as message {late})"
                )
            else:
                out.append(Message("tool", INTERRUPTED_RESULT, tool_call_id=call.id,
                                   name=call.name))  # fmt: skip
                repairs.append(
                    f"added a result for {call.name} call {call.id}: the run ended before it "
                    "finished"
                )
            answered.add(call.id)
        open_calls.clear()
        answered.clear()
        renamed.clear()

    for index, message in enumerate(messages):
        if message.role == "tool":
            if index in used_late:
                continue  # already placed next to its call
            logged_id = message.tool_call_id
            call_id = renamed.get(logged_id, logged_id) if logged_id is not None else None
            open_ids = {c.id for c in open_calls}
            if call_id is None or call_id not in open_ids:
                repairs.append(
                    f"dropped a tool result{_named(message)} for call {logged_id}: no open call "
                    "asked for it"
                )
                continue
            if call_id in answered:
                repairs.append(f"dropped a second result{_named(message)} for call {call_id}")
                continue
            answered.add(call_id)
            out.append(_with_id(message, call_id))
            continue
        close_window()
        if message.role == "assistant" and message.tool_calls:
            message = _unique_calls(message, seen_ids, renamed, repairs, index)
            open_calls.extend(message.tool_calls)
        out.append(message)
    close_window()
    return out, repairs


def _late_answer_candidates(messages: list[Message]) -> dict[str, int]:
    """Call ID → index of its first answer after the call, for IDs exactly one assistant message
    uses (an answer logged after a later message can then only belong to that call)."""
    callers: dict[str, list[int]] = {}
    for index, message in enumerate(messages):
        if message.role == "assistant":
            for call_id in {c.id for c in message.tool_calls}:
                callers.setdefault(call_id, []).append(index)
    found: dict[str, int] = {}
    for index, message in enumerate(messages):
        call_id = message.tool_call_id
        if message.role != "tool" or call_id is None or len(callers.get(call_id, ())) != 1:
            continue
        if index > callers[call_id][0]:
            found.setdefault(call_id, index)
    return found


def _unique_calls(
    message: Message,
    seen_ids: set[str],
    renamed: dict[str, str],
    repairs: list[str],
    index: int,
) -> Message:
    calls: list[ToolCall] = []
    in_message: set[str] = set()
    changed = False
    for call in message.tool_calls:
        if call.id in in_message:
            repairs.append(
                f"dropped a repeated {call.name} call {call.id} in message {index} "
                "(the same ID twice in one reply)"
            )
            changed = True
            continue
        in_message.add(call.id)
        if call.id in seen_ids:
            new_id = _fresh_id(call.id, seen_ids)
            renamed[call.id] = new_id
            repairs.append(
                f"renamed {call.name} call {call.id} in message {index} to {new_id}: an earlier "
                "call used the same ID"
            )
            call = dataclasses.replace(call, id=new_id)
            changed = True
        seen_ids.add(call.id)
        calls.append(call)
    return dataclasses.replace(message, tool_calls=calls) if changed else message


def _fresh_id(call_id: str, taken: set[str]) -> str:
    n = 2
    while f"{call_id}_{n}" in taken:
        n += 1
    return f"{call_id}_{n}"


def _with_id(message: Message, call_id: str) -> Message:
    if message.tool_call_id == call_id:
        return message
    return dataclasses.replace(message, tool_call_id=call_id)


def _named(message: Message) -> str:
    return f" ({message.name})" if message.name else ""
