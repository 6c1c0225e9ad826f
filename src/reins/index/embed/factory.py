"""Choose the embedding model from config: the local static model, or an OpenAI-compatible API.

[index]
embeddings = "openai-compat"          # default "auto": the static table at once, the whole
                                      # MiniLM filled in when the CPU is idle (index/upgrade.py);
                                      # "local": the table only; "minilm": the transformer
                                      # from the start (better ranking, slower indexing)
embedding_model = "text-embedding-3-small"
embedding_base_url = "http://localhost:8080/v1"   # omit for api.openai.com
embedding_api_key_env = "OPENAI_API_KEY"
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reins.index.embed import Embedder

KNOWN_KEYS = {
    "embeddings",
    "embedding_model",
    "embedding_base_url",
    "embedding_api_key_env",
    "max_files",
}  # max_files: reins.project_guard (how big a folder may be indexed)


def make_embedder(
    settings: dict[str, Any], progress: Callable[[int, int], None] | None = None
) -> Embedder:
    unknown = set(settings) - KNOWN_KEYS
    if unknown:
        raise ValueError(
            f"[index]: unknown setting(s) {sorted(unknown)}; known: {sorted(KNOWN_KEYS)}"
        )
    kind = settings.get("embeddings", "auto")
    if kind in ("auto", "local"):  # auto: the table until the upgrade's vectors are in
        from reins.index.embed.static import StaticEmbedder

        return StaticEmbedder(progress)
    if kind == "minilm":  # better ranking, about 10x the indexing time (embed/transformer.py)
        from reins.index.embed.transformer import TransformerEmbedder

        return TransformerEmbedder()
    if kind in ("openai", "openai-compat"):
        from reins.index.embed.remote import RemoteEmbedder

        model = settings.get("embedding_model")
        if not model:
            raise ValueError("[index] embeddings = remote needs embedding_model")
        return RemoteEmbedder(model, settings.get("embedding_base_url"),
                              settings.get("embedding_api_key_env", "OPENAI_API_KEY"))  # fmt: skip
    raise ValueError(
        f"[index] embeddings must be 'auto', 'local', 'minilm' or 'openai-compat', not {kind!r}"
    )


@dataclass(frozen=True)
class Upgrade:
    """A better, slower embedder whose vectors a background process fills in
    (index/upgrade.py); the index uses it once they cover all its chunks but a few."""

    name: str  # its vector space
    make: Callable[[], Embedder]
    waits_for: int  # chunks it may still lack: it embeds that many on demand in seconds


def upgrade_for(settings: dict[str, Any]) -> Upgrade | None:
    """`embeddings = "auto"` (the default): the whole MiniLM, once its vectors are in."""
    if settings.get("embeddings", "auto") != "auto":
        return None
    from reins.index.embed.transformer import TransformerEmbedder

    return Upgrade(TransformerEmbedder.name, TransformerEmbedder,
                   TransformerEmbedder.query_waits_for)  # fmt: skip
