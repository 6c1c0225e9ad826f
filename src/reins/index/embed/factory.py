"""Choose the embedding model from config: the local static model, or an OpenAI-compatible API.

[index]
embeddings = "openai-compat"          # default "local" (the static table); "minilm" (the
                                      # whole transformer: better ranking, slower indexing)
embedding_model = "text-embedding-3-small"
embedding_base_url = "http://localhost:8080/v1"   # omit for api.openai.com
embedding_api_key_env = "OPENAI_API_KEY"
"""

from __future__ import annotations

from collections.abc import Callable
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
    kind = settings.get("embeddings", "local")
    if kind == "local":
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
        f"[index] embeddings must be 'local', 'minilm' or 'openai-compat', not {kind!r}"
    )
