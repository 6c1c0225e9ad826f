"""Model spec strings: 'openai:gpt-5', 'anthropic:…', 'openai-compat:URL#name', 'local:…', 'scripted:FILE'."""

from __future__ import annotations

from dataclasses import dataclass

PROVIDERS = ("openai", "anthropic", "openai-compat", "local", "scripted")
DEFAULT_MODEL = "local:qwen2.5-coder-1.5b"


class ModelSpecError(ValueError):
    pass


@dataclass(frozen=True)
class ModelSpec:
    provider: str
    model: str  # the model's name (for openai-compat: the part after '#')
    base_url: str | None = None

    @classmethod
    def parse(cls, text: str) -> ModelSpec:
        provider, sep, rest = text.partition(":")
        if not sep or provider not in PROVIDERS or not rest:
            raise ModelSpecError(
                f"bad model spec {text!r}; expected one of: openai:MODEL, anthropic:MODEL, "
                "openai-compat:BASE_URL#MODEL, local:qwen2.5-coder-1.5b, scripted:FILE.jsonl"
            )
        if provider == "openai-compat":
            url, hash_, name = rest.rpartition("#")
            if not hash_ or not url or not name:
                raise ModelSpecError(
                    f"bad model spec {text!r}; openai-compat needs BASE_URL#MODEL, "
                    "e.g. openai-compat:http://localhost:8000/v1#Qwen/Qwen2.5-Coder-7B-Instruct"
                )
            return cls(provider, name, url)
        return cls(provider, rest)

    def __str__(self) -> str:
        if self.provider == "openai-compat":
            return f"{self.provider}:{self.base_url}#{self.model}"
        return f"{self.provider}:{self.model}"

    @property
    def family_key(self) -> str:
        """What profile matching looks at: the model's own name, lowercased; for a model
        given as a file (scripted:FILE, local:PATH.gguf), the file's name, not the folders
        it sits in (a temp folder named tmpxc_dko43 is not OpenAI's o4)."""
        name = self.model
        if self.provider in ("scripted", "local") and "/" in name:
            name = name.rstrip("/").rsplit("/", 1)[-1]
        return name.lower()
