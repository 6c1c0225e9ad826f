"""A reins session as an ATIF trajectory (Harbor's Agent Trajectory Interchange Format,
ATIF-v1.4: RFC 0001 of github.com/laude-institute/harbor, now harbor-framework/harbor).

    trajectory = session_to_atif(store, session_id)       # a dict, ready for json.dumps
    write_atif(trial_dir / "agent" / "trajectory.json", store, session_id)

The steps, in the order of the log: the system prompt (a `system` step, again whenever it
was replaced: a resumed session or a switched model), each user request (`user`), each
model reply (`agent`: its text, reasoning, tool calls, the results of those calls as the
observation, and the model call's token counts as metrics). What ATIF has no field for
(tool result kinds and timings, the finish reason, latency, harness nudges) goes in
`extra` under "reins". Token ids and logprobs are exported where the model call recorded
them (`prompt_token_ids`, `completion_token_ids`, `logprobs` in its stats).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reins.agent.store_writer import logged_messages
from reins.models.messages import Message
from reins.store import SessionStore

ATIF_VERSION = "ATIF-v1.4"
_TOKEN_FIELDS = ("prompt_token_ids", "completion_token_ids", "logprobs")


def _iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, tz=UTC).isoformat().replace("+00:00", "Z")


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


def _stats(raw: Any) -> dict[str, Any]:
    if isinstance(raw, dict):
        return raw
    try:
        value = json.loads(raw) if raw else {}
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _metrics(call: dict[str, Any]) -> dict[str, Any]:
    """One model call's row → ATIF metrics (prompt_tokens includes the cached ones, as in
    reins' own counts)."""
    stats = _stats(call.get("stats"))
    metrics: dict[str, Any] = {
        "prompt_tokens": call["tokens_in"],
        "completion_tokens": call["tokens_out"],
        "cached_tokens": call["tokens_cached"],
        "cost_usd": call.get("cost_usd"),
    }
    for name in _TOKEN_FIELDS:  # recorded by a client that keeps them (RL)
        value = stats.get(name)
        if isinstance(value, list):
            metrics[name] = value
    extra = {
        "latency_s": call.get("latency_s"),
        "finish_reason": call.get("finish_reason"),
        "cache_write_tokens": call.get("tokens_cache_write") or None,
        "stats": {k: v for k, v in stats.items() if k not in _TOKEN_FIELDS} or None,
    }
    metrics["extra"] = _drop_none(extra)
    return metrics


class _Steps:
    """Builds the steps array, numbering from 1."""

    def __init__(self) -> None:
        self.steps: list[dict[str, Any]] = []
        self.last_agent: dict[str, Any] | None = None

    def add(self, step: dict[str, Any]) -> dict[str, Any]:
        step = {"step_id": len(self.steps) + 1, **step}
        self.steps.append(step)
        if step["source"] == "agent":
            self.last_agent = step
        return step

    def observe(self, message: Message, row: dict[str, Any] | None) -> None:
        """A tool result: into the observation of the agent step that made the call."""
        step = self.last_agent
        ids = {c["tool_call_id"] for c in (step or {}).get("tool_calls", [])}
        if step is None:  # a result with no reply before it (a repaired history): keep it,
            # on the system step before it, or on a system step of its own
            last = self.steps[-1] if self.steps else None
            step = last if last and last["source"] == "system" else self.add(_placeholder())
        result: dict[str, Any] = {"content": message.content}
        if message.tool_call_id in ids:
            result = {"source_call_id": message.tool_call_id, **result}
        step.setdefault("observation", {"results": []})["results"].append(result)
        info = {"call_id": message.tool_call_id, "tool": message.name}
        if row is not None:
            info.update(kind=row["kind"], duration_s=row["duration_s"],
                        output_chars=row["output_chars"], error_detail=row["error_detail"])  # fmt: skip
        step.setdefault("extra", {}).setdefault("reins", {}).setdefault("tool_results", []).append(
            _drop_none(info)
        )


def session_to_atif(
    store: SessionStore,
    session_id: str,
    *,
    agent_name: str = "reins",
    agent_version: str | None = None,
    notes: str | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The session's trajectory as an ATIF-v1.4 dict. `session_id` may be a unique prefix;
    LookupError when there is no such session. `extra` is merged into the root's extra
    (e.g. the bench's task, variant, epoch and reward)."""
    from reins import __version__

    row = store.get_session(session_id)
    if row is None:
        raise LookupError(f"no session {session_id!r}")
    history = logged_messages(store, row.id)
    calls = [c for c in store.model_calls(row.id) if c.get("error") is None]
    failed = [c for c in store.model_calls(row.id) if c.get("error") is not None]
    results: dict[str, list[dict[str, Any]]] = {}
    for tool_row in store.tool_calls(row.id):
        results.setdefault(tool_row["call_id"], []).append(tool_row)
    requests = list(store.turns(row.id))

    steps = _Steps()
    first_system = True
    for message, erased in history:
        before = len(steps.steps)
        if message.role == "system":
            when = row.created_at if first_system else None
            first_system = False
            steps.add(_drop_none({"source": "system", "timestamp": _iso(when),
                                  "message": message.content}))  # fmt: skip
        elif message.role == "user":
            step: dict[str, Any] = {"source": "user", "message": message.content}
            if requests and message.content.startswith(requests[0]["request"]):
                turn = requests.pop(0)
                step["timestamp"] = _iso(turn["started_at"])
                step["extra"] = {"reins": {"turn": turn["turn"]}}
            else:  # the harness said it (a nudge from a hook), not the user
                step["extra"] = {"reins": {"nudge": True}}
            steps.add(step)
        elif message.role == "assistant":
            steps.add(_agent_step(message, calls.pop(0) if calls else None, row.model))
        elif message.role == "tool":
            found = results.get(message.tool_call_id or "")
            steps.observe(message, found.pop(0) if found else None)
        if erased and len(steps.steps) > before:  # a step the harness took out of the context
            steps.steps[-1].setdefault("extra", {}).setdefault("reins", {})["erased"] = True

    if not steps.steps:  # ATIF needs at least one step
        steps.add(_placeholder())
    totals = [s["metrics"] for s in steps.steps if "metrics" in s]
    costs = [m["cost_usd"] for m in totals if m.get("cost_usd") is not None]
    final_extra = {
        "tool_calls": sum(len(s.get("tool_calls", [])) for s in steps.steps),
        "failed_model_calls": [
            _drop_none(
                {
                    "step": c["step"],
                    "error": c["error"],
                    "reason": c.get("error_reason"),
                    "timestamp": _iso(c.get("created_at")),
                }
            )  # fmt: skip
            for c in failed
        ]
        or None,
        "unmatched_model_calls": len(calls) or None,  # replies the log has no message for
    }
    trajectory = {
        "schema_version": ATIF_VERSION,
        "session_id": row.id,
        "agent": {
            "name": agent_name,
            "version": agent_version or __version__,
            "model_name": row.model,
            "extra": _drop_none({"profile": row.profile, "profile_hash": row.profile_hash}),
        },
        "steps": steps.steps,
        "notes": notes,
        "final_metrics": {
            "total_prompt_tokens": sum(m["prompt_tokens"] for m in totals),
            "total_completion_tokens": sum(m["completion_tokens"] for m in totals),
            "total_cached_tokens": sum(m["cached_tokens"] for m in totals),
            "total_cost_usd": sum(costs) if costs else None,
            "total_steps": len(steps.steps),
            "extra": _drop_none(final_extra),
        },
        "extra": {
            "reins": _drop_none(
                {
                    "title": row.title,
                    "status": row.status,
                    "repo": row.repo,
                    "created_at": _iso(row.created_at),
                    "variant": row.variant,
                    "parent_session_id": row.parent_session_id,
                    "turns": [
                        _drop_none(
                            {
                                k: t.get(k)
                                for k in (
                                    "turn",
                                    "status",
                                    "steps",
                                    "tool_calls",
                                    "tokens_in",
                                    "tokens_out",
                                    "wall_s",
                                )
                            }
                        )
                        for t in store.turns(row.id)
                    ],
                }
            ),  # fmt: skip
            **(extra or {}),
        },
    }
    return _drop_none(trajectory)


def _placeholder() -> dict[str, Any]:
    return {"source": "system", "message": "", "extra": {"reins": {"placeholder": True}}}


def _agent_step(message: Message, call: dict[str, Any] | None, model: str) -> dict[str, Any]:
    step: dict[str, Any] = {
        "source": "agent",
        "timestamp": _iso(call.get("created_at")) if call else None,
        "model_name": (call or {}).get("model") or model,
        "message": message.content,
        "reasoning_content": message.reasoning,
    }
    reins: dict[str, Any] = {}
    if message.tool_calls:
        step["tool_calls"] = [
            {"tool_call_id": c.id, "function_name": c.name, "arguments": dict(c.arguments)}
            for c in message.tool_calls
        ]
        problems = [
            {"call_id": c.id, "error": c.parse_error, "raw_arguments": c.raw_arguments}
            for c in message.tool_calls
            if c.parse_error
        ]
        if problems:
            reins["invalid_calls"] = _drop_none(problems)
    if message.raw is not None and message.raw != message.content:
        reins["raw"] = message.raw  # the text exactly as generated (text protocol)
    if call is not None:
        step["metrics"] = _metrics(call)
        reins["step"] = call["step"]
    if reins:
        step["extra"] = {"reins": reins}
    return _drop_none(step)


def write_atif(
    path: str | Path, store: SessionStore, session_id: str, **kwargs: Any
) -> dict[str, Any]:
    """Write the session's ATIF trajectory to `path` (JSON, parents created); returns it.
    Keyword arguments as for session_to_atif."""
    trajectory = session_to_atif(store, session_id, **kwargs)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(trajectory, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return trajectory
