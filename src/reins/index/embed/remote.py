"""An OpenAI-compatible /embeddings endpoint in place of the local model (set in config)."""

from __future__ import annotations

import os

import numpy as np


class RemoteEmbedder:
    def __init__(self, model: str, base_url: str | None, api_key_env: str = "OPENAI_API_KEY"):
        from openai import OpenAI

        self.name = f"remote:{base_url or 'openai'}:{model}"
        self.model = model
        key = os.environ.get(api_key_env) or ("unused" if base_url else None)
        if key is None:
            raise ValueError(f"embeddings endpoint needs an API key: set {api_key_env}")
        self.client = OpenAI(api_key=key, base_url=base_url, max_retries=4, timeout=60)

    def embed(self, texts: list[str]) -> np.ndarray:
        rows: list[list[float]] = []
        for i in range(0, len(texts), 64):
            batch = [t[:8000] or " " for t in texts[i : i + 64]]
            reply = self.client.embeddings.create(model=self.model, input=batch)
            rows.extend(item.embedding for item in sorted(reply.data, key=lambda d: d.index))
        vectors = np.asarray(rows, dtype=np.float32).reshape(len(texts), -1)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
