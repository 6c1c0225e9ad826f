"""reins: an open, model-agnostic agent harness for coding agents.

The public API (stable; everything else is internal):

    import reins

    session = reins.open_session("path/to/repo", reins.Config(model="openai:gpt-5"), store)
    session = reins.build_session(repo, model=client, profile=profile, store=store,
                                  extra_tools=[MyTool()], hooks=[MyHook()], progress=print)
    async with session:
        outcome = await session.run("fix the failing test")      # or begin / step / end
    outcome = await reins.Runner(repo, config, store).run(task)    # settings → outcome

Names are imported on first use, so `import reins` stays cheap.
"""

from __future__ import annotations

import importlib

# typing (and the collections, contextlib and enum it imports) would cost a warm `reins
# search` about 10 ms before the index server is even asked: only type checkers read it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    # running
    "Session": "reins.agent.session",
    "Runner": "reins.agent.runner",
    "RunOutcome": "reins.agent.outcome",
    "Budget": "reins.agent.outcome",
    "build_session": "reins.agent.builder",
    "open_session": "reins.agent.builder",
    "switch_model": "reins.agent.builder",
    "resolve_model": "reins.agent.builder",
    "Config": "reins.config",
    "load_config": "reins.config",
    # extending
    "Hook": "reins.agent.hooks",
    "Stop": "reins.agent.hooks",
    "Turn": "reins.agent.hooks",
    "ModelRequest": "reins.agent.hooks",
    "StepPlan": "reins.agent.hooks",
    "Tool": "reins.tools.base",
    "ToolContext": "reins.tools.base",
    "Access": "reins.tools.access",
    "ToolError": "reins.tools.errors",
    "ErrorKind": "reins.tools.errors",
    # models and profiles
    "ModelClient": "reins.models.client",
    "ProviderError": "reins.models.client",
    "Message": "reins.models.messages",
    "ToolCall": "reins.models.messages",
    "Profile": "reins.profiles",
    "load_profile": "reins.profiles",
    # the record
    "events": "reins.agent.events",
    "SessionStore": "reins.store",
    "default_store_path": "reins.store",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'reins' has no attribute {name!r}")
    loaded = importlib.import_module(module)
    value = loaded if name == "events" else getattr(loaded, name)
    globals()[name] = value
    return value
