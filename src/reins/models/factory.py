"""Build a ModelClient from a spec string and the profile's generation settings."""

from __future__ import annotations

import os

from reins.models.spec import ModelSpec


def create_client(*args, **kwargs):
    """A client for the spec; `client.provider` names the spec's provider (for prices)."""
    client = _create(*args, **kwargs)
    try:
        client.provider = args[0].provider if args else kwargs["spec"].provider
    except AttributeError:  # a client class with __slots__: prices fall back to the name
        pass
    return client


def local_seed(seed: int | None = None) -> int:
    """The local model's sampling seed: the config's, else REINS_LOCAL_SEED, else 1234."""
    return seed if seed is not None else int(os.environ.get("REINS_LOCAL_SEED", "1234"))


def _create(
    spec: ModelSpec,
    *,
    max_output_tokens: int | None = None,
    temperature: float | None = None,
    n_ctx: int | None = None,
    max_retries: int = 4,
    stop: list[str] | None = None,
    private_model: bool = False,
    seed: int | None = None,
    draft_tokens: int = 0,
    alternatives: bool = False,
):
    if spec.provider == "scripted":
        from reins.models.scripted import ScriptedClient

        return ScriptedClient(spec.model)
    if spec.provider == "local":
        from reins.models.local_llama import LocalLlamaClient

        return LocalLlamaClient(
            spec.model,
            seed=local_seed(seed),
            n_ctx=n_ctx or 16384,
            max_output_tokens=max_output_tokens,
            temperature=temperature,
            extra_stop=stop,
            private=private_model,
            stop_loops=not private_model,  # reins serve: peers get the model as it is
            draft_tokens=draft_tokens,
            alternatives=alternatives,
        )
    if spec.provider == "anthropic":
        from reins.models.anthropic_client import AnthropicClient

        return AnthropicClient(
            spec.model,
            max_retries=max_retries,
            max_output_tokens=max_output_tokens,
            temperature=temperature,
            stop=stop,
        )
    from reins.models.openai_client import OpenAIClient

    return OpenAIClient(
        spec.model,
        base_url=spec.base_url,
        max_retries=max_retries,
        max_output_tokens=max_output_tokens,
        temperature=temperature,
        stop=stop,
    )
