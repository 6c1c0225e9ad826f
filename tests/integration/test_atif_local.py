"""ATIF export of a session on the embedded model (text tool-call protocol): the reply's
exact text is kept next to the parsed calls, and the trajectory stays valid."""

import pytest

from reins.agent.builder import open_session
from reins.config import Config
from reins.evals.atif import session_to_atif
from tests.unit.test_atif import validate

pytest.importorskip("llama_cpp")
pytestmark = pytest.mark.slow  # a minute on a busy 2-core machine


async def test_a_local_model_session_exports_as_valid_atif(repo, store):
    session = open_session(repo, Config(model="local:smollm2-135m", max_steps=1), store, title="t")
    async with session:
        outcome = await session.run("List the files in src, then say what they are.")
    parsed = validate(session_to_atif(store, outcome.session_id))
    agent = [s for s in parsed.steps if s.source == "agent"]
    assert agent and all(s.metrics and s.metrics.prompt_tokens > 0 for s in agent)
    assert parsed.agent.model_name == "local:smollm2-135m"
    assert parsed.final_metrics.total_prompt_tokens == sum(s.metrics.prompt_tokens for s in agent)
    assert all(s.metrics.cost_usd == 0.0 for s in agent)
