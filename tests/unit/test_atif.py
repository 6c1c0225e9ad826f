"""ATIF export, checked against a replica of Harbor's own validation of ATIF-v1.4.

The replica follows Harbor's RFC 0001 (v1.4) and its pydantic models
(src/harbor/models/trajectories/): every object refuses unknown fields; step ids run 1, 2,
3…; timestamps are ISO 8601; model_name, reasoning_effort, reasoning_content, tool_calls
and metrics only on agent steps; an observation's source_call_id names a tool call of the
same step; a trajectory has at least one step. Harbor is not a dependency of reins.
"""

import json
from datetime import datetime
from typing import Any, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from reins.agent.builder import open_session
from reins.config import Config
from reins.evals.atif import ATIF_VERSION, session_to_atif, write_atif
from reins.models.messages import Message, ToolCall
from tests.conftest import write_script


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Agent(Strict):
    name: str
    version: str
    model_name: str | None = None
    extra: dict[str, Any] | None = None


class ToolCallSchema(Strict):
    tool_call_id: str
    function_name: str
    arguments: dict[str, Any]


class SubagentTrajectoryRef(Strict):
    session_id: str
    trajectory_path: str | None = None
    extra: dict[str, Any] | None = None


class ObservationResult(Strict):
    source_call_id: str | None = None
    content: str | None = None
    subagent_trajectory_ref: list[SubagentTrajectoryRef] | None = None


class Observation(Strict):
    results: list[ObservationResult]


class Metrics(Strict):
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    cached_tokens: int | None = None
    cost_usd: float | None = None
    prompt_token_ids: list[int] | None = None
    completion_token_ids: list[int] | None = None
    logprobs: list[float] | None = None
    extra: dict[str, Any] | None = None


class FinalMetrics(Strict):
    total_prompt_tokens: int | None = None
    total_completion_tokens: int | None = None
    total_cached_tokens: int | None = None
    total_cost_usd: float | None = None
    total_steps: int | None = None
    extra: dict[str, Any] | None = None


class Step(Strict):
    step_id: int = Field(ge=1)
    timestamp: str | None = None
    source: Literal["system", "user", "agent"]
    model_name: str | None = None
    reasoning_effort: str | float | None = None
    message: str
    reasoning_content: str | None = None
    tool_calls: list[ToolCallSchema] | None = None
    observation: Observation | None = None
    metrics: Metrics | None = None
    extra: dict[str, Any] | None = None

    @field_validator("timestamp")
    @classmethod
    def iso_8601(cls, value: str | None) -> str | None:
        if value is not None:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        return value

    @model_validator(mode="after")
    def agent_only_fields(self) -> "Step":
        if self.source != "agent":
            for name in ("model_name", "reasoning_effort", "reasoning_content", "tool_calls",
                         "metrics"):  # fmt: skip
                if getattr(self, name) is not None:
                    raise ValueError(f"{name} is only for agent steps, not {self.source}")
        return self


class Trajectory(Strict):
    schema_version: Literal["ATIF-v1.0", "ATIF-v1.1", "ATIF-v1.2", "ATIF-v1.3", "ATIF-v1.4"]
    session_id: str
    agent: Agent
    steps: list[Step] = Field(min_length=1)
    notes: str | None = None
    final_metrics: FinalMetrics | None = None
    extra: dict[str, Any] | None = None

    @model_validator(mode="after")
    def sequential_ids_and_call_references(self) -> "Trajectory":
        for index, step in enumerate(self.steps):
            if step.step_id != index + 1:
                raise ValueError(f"steps[{index}].step_id is {step.step_id}, not {index + 1}")
            ids = {c.tool_call_id for c in step.tool_calls or []}
            for result in step.observation.results if step.observation else []:
                if result.source_call_id is not None and result.source_call_id not in ids:
                    raise ValueError(f"step {step.step_id}: unknown {result.source_call_id}")
        return self


def validate(trajectory: dict) -> Trajectory:
    return Trajectory.model_validate(json.loads(json.dumps(trajectory)))


def test_the_replica_refuses_what_harbor_refuses():
    good = {"schema_version": "ATIF-v1.4", "session_id": "s", "agent": {"name": "a", "version": "1"},
            "steps": [{"step_id": 1, "source": "user", "message": "hi"}]}  # fmt: skip
    validate(good)
    bad = [
        {**good, "steps": []},
        {**good, "steps": [{"step_id": 2, "source": "user", "message": "hi"}]},
        {**good, "steps": [{"step_id": 1, "source": "user", "message": "hi", "metrics": {}}]},
        {**good, "steps": [{"step_id": 1, "source": "user", "message": "hi", "timestamp": "x"}]},
        {**good, "steps": [{"step_id": 1, "source": "agent", "message": "",
                            "observation": {"results": [{"source_call_id": "nope"}]}}]},
        {**good, "unknown": 1},
        {**good, "schema_version": "ATIF-v1.5"},
    ]  # fmt: skip
    for trajectory in bad:
        with pytest.raises(ValidationError):
            validate(trajectory)


async def test_a_scripted_session_exports_as_valid_atif(repo, store, tmp_path):
    script = write_script(tmp_path / "turns.jsonl", [
        {"content": "Reading.", "tool_calls": [
            {"name": "read_file", "arguments": {"path": "src/util.py"}},
            {"name": "list_dir", "arguments": {"path": "src"}}]},
        {"content": "", "tool_calls": [{"name": "edit_file", "arguments": {
            "path": "src/util.py", "old_string": "1", "new_string": "2"}}]},
        {"content": "Changed VALUE to 2."},
        {"content": "It is 2 now."},
    ])  # fmt: skip
    session = open_session(repo, Config(model=f"scripted:{script}"), store, title="t")
    async with session:
        first = await session.run("set VALUE to 2")
        second = await session.run("what is VALUE?")
    trajectory = session_to_atif(store, first.session_id, extra={"task": "demo"})
    parsed = validate(trajectory)
    assert parsed.schema_version == ATIF_VERSION == "ATIF-v1.4"
    assert parsed.session_id == first.session_id
    assert (parsed.agent.name, parsed.agent.model_name) == ("reins", "scripted:turns.jsonl")
    sources = [s.source for s in parsed.steps]
    assert sources == ["system", "user", "agent", "agent", "agent", "user", "agent"]
    reading = parsed.steps[2]
    assert reading.message == "Reading." and len(reading.tool_calls) == 2
    results = reading.observation.results
    assert [r.source_call_id for r in results] == [c.tool_call_id for c in reading.tool_calls]
    assert results[0].content.endswith("VALUE = 1")
    kinds = [r["kind"] for r in reading.extra["reins"]["tool_results"]]
    assert kinds == ["ok", "ok"]
    assert parsed.steps[4].message == "Changed VALUE to 2." and parsed.steps[4].observation is None
    assert [s.extra["reins"]["turn"] for s in parsed.steps if s.source == "user"] == [1, 2]
    calls = store.model_calls(first.session_id)
    agent = [s for s in parsed.steps if s.source == "agent"]
    assert [s.metrics.prompt_tokens for s in agent] == [c["tokens_in"] for c in calls]
    assert parsed.final_metrics.total_prompt_tokens == first.tokens_in + second.tokens_in
    assert parsed.final_metrics.total_completion_tokens == first.tokens_out + second.tokens_out
    assert parsed.final_metrics.total_steps == len(parsed.steps)
    assert parsed.final_metrics.extra["tool_calls"] == 3
    assert all(s.timestamp for s in parsed.steps if s.source != "system" or s.step_id == 1)
    assert parsed.extra["task"] == "demo" and parsed.extra["reins"]["status"] == "completed"
    path = tmp_path / "trial" / "agent" / "trajectory.json"
    assert write_atif(path, store, first.session_id[:12]) == session_to_atif(
        store, first.session_id
    )
    validate(json.loads(path.read_text()))


def test_what_atif_has_no_field_for_goes_in_extra(store):
    """Built from log rows: a harness nudge, a failed model call, a call that did not
    parse, token ids and logprobs, reasoning, a result with no call before it."""
    sid = store.create_session("/repo", "local:m", "qwen", "t", profile_hash="abc")
    store.add_message(sid, "system", "be good", Message("system", "be good").to_dict())
    store.add_message(sid, "tool", "stray", Message("tool", "stray", tool_call_id="x").to_dict())
    store.start_turn(sid, 1, "fix it")
    store.add_message(sid, "user", "fix it", Message("user", "fix it").to_dict())
    store.add_model_call(sid, 1, "local:m", latency_s=1.0, error="connection reset",
                         error_reason="connection")  # fmt: skip
    bad = ToolCall("edit_file", {}, id="c1", parse_error="not JSON", raw_arguments="{oops")
    reply = Message("assistant", "Editing.", tool_calls=[bad], reasoning="hmm", raw="<raw>")
    store.add_message(sid, "assistant", reply.content, reply.to_dict())
    store.add_model_call(sid, 1, "local:m", latency_s=2.0, tokens_in=50, tokens_out=5,
                         tokens_cached=40, cost_usd=0.0, finish_reason="stop",
                         stats={"prompt_token_ids": [1, 2, 3], "completion_token_ids": [7, 8],
                                "logprobs": [-0.1, -0.2], "generation_tok_s": 30.0})  # fmt: skip
    answer = Message("tool", "invalid arguments", tool_call_id="c1", name="edit_file")
    store.add_message(sid, "tool", answer.content, answer.to_dict())
    store.add_tool_call(sid, 1, "c1", "edit_file", "{}", "invalid_arguments", 0.0, 17, "not JSON")
    nudge = Message("user", "Use a tool.")
    store.add_message(sid, "user", nudge.content, nudge.to_dict())
    store.end_turn(sid, 1, status="error", steps=1, tool_calls=1, tokens_in=50, tokens_out=5,
                   wall_s=3.0, final_message="")  # fmt: skip

    trajectory = session_to_atif(store, sid, agent_version="9.9", notes="synthetic")
    parsed = validate(trajectory)
    assert parsed.agent.version == "9.9" and parsed.agent.extra == {"profile": "qwen",
                                                                      "profile_hash": "abc"}  # fmt: skip
    assert [s.source for s in parsed.steps] == ["system", "user", "agent", "user"]
    assert parsed.steps[0].observation.results[0].source_call_id is None  # the stray result
    agent = parsed.steps[2]
    assert agent.reasoning_content == "hmm" and agent.extra["reins"]["raw"] == "<raw>"
    assert agent.extra["reins"]["invalid_calls"][0]["raw_arguments"] == "{oops"
    assert agent.metrics.prompt_token_ids == [1, 2, 3]
    assert agent.metrics.completion_token_ids == [7, 8] and agent.metrics.logprobs == [-0.1, -0.2]
    assert agent.metrics.cached_tokens == 40 and agent.metrics.cost_usd == 0.0
    assert agent.metrics.extra["stats"] == {"generation_tok_s": 30.0}
    assert agent.observation.results[0].source_call_id == "c1"
    assert agent.extra["reins"]["tool_results"][0]["kind"] == "invalid_arguments"
    assert parsed.steps[3].extra == {"reins": {"nudge": True}}
    failed = parsed.final_metrics.extra["failed_model_calls"]
    assert failed[0]["reason"] == "connection" and parsed.final_metrics.total_cost_usd == 0.0
    assert parsed.notes == "synthetic"


def test_an_empty_or_unknown_session(store):
    sid = store.create_session("/repo", "m", "default", "t")
    parsed = validate(session_to_atif(store, sid))
    assert len(parsed.steps) == 1 and parsed.final_metrics.total_steps == 1
    with pytest.raises(LookupError):
        session_to_atif(store, "no-such-session")
