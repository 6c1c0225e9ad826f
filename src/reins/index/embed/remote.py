"""An OpenAI-compatible /embeddings endpoint in place of the local model (set in config).

A failing endpoint raises reins.models.client.ProviderError (after the SDK's own retries),
naming the endpoint and what went wrong, so the tool in front of it reports ProviderError.
"""

from __future__ import annotations

import os

import numpy as np

from reins.models.client import ProviderError, to_provider_error


class RemoteEmbedder:
    overlap_query = True  # a query's round trip runs while the index scores the lexical side

    def __init__(self, model: str, base_url: str | None, api_key_env: str = "OPENAI_API_KEY"):
        from openai import OpenAI

        self.name = f"remote:{base_url or 'openai'}:{model}"
        self.model = model
        self.api_key_env = api_key_env
        self.display = f"embeddings endpoint {base_url or 'api.openai.com'} (model {model})"
        key = os.environ.get(api_key_env) or ("unused" if base_url else None)
        if key is None:
            raise ValueError(f"embeddings endpoint needs an API key: set {api_key_env}")
        self.client = OpenAI(api_key=key, base_url=base_url, max_retries=4, timeout=60)

    def embed(self, texts: list[str]) -> np.ndarray:
        rows: list[list[float]] = []
        for i in range(0, len(texts), 64):
            batch = [t[:8000] or " " for t in texts[i : i + 64]]
            rows.extend(self._embed_batch(batch))
        if len({len(row) for row in rows}) > 1:
            raise ProviderError(
                f"{self.display}: malformed response: vectors of different lengths",
                retryable=True,
                reason="malformed",
            )
        vectors = np.asarray(rows, dtype=np.float32).reshape(len(texts), -1)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)

    def _embed_batch(self, batch: list[str]) -> list[list[float]]:
        import openai

        try:
            reply = self.client.embeddings.create(model=self.model, input=batch)
            data = sorted(reply.data, key=lambda d: d.index)
            rows = [list(item.embedding) for item in data]
        except openai.APIError as error:
            raise to_provider_error(
                error, sdk=openai, display=self.display, key_var=self.api_key_env
            ) from error
        except (AttributeError, TypeError, ValueError) as error:  # a reply of the wrong shape
            raise ProviderError(
                f"{self.display}: malformed response ({type(error).__name__}: {error})",
                retryable=True,
                reason="malformed",
            ) from error
        if len(rows) != len(batch):
            raise ProviderError(
                f"{self.display}: malformed response: {len(rows)} vectors for {len(batch)} texts",
                retryable=True,
                reason="malformed",
            )
        return rows
