"""What an OpenAI-compatible server says it serves: for picking a profile, and for what
its model can do (`reins serve` continues a started reply).

The name in `openai-compat:URL#NAME` is whatever the server was told to answer to: llama.cpp
takes any name (and `--alias`), vLLM and SGLang a `--served-model-name`. A harness compared
with another on "the same model behind one server" must not lose its tuned profile to an
alias, so when the name says nothing about the family, reins asks the server:
- `GET URL/models`: vLLM and SGLang give each model's `root` (the weights it was loaded
  from), llama.cpp its alias or file, Ollama its tag;
- `GET <server>/props`: llama.cpp's `model_path`, the file behind an alias.
Best effort: a server that does not answer in time, or answers something else, gives no
names, and the profile is chosen by the name as before.
"""

from __future__ import annotations

import functools
import json
import os
import threading
import urllib.error
import urllib.request
from typing import Any

TIMEOUT_S = 2.0  # for the whole lookup (both requests)
MAX_BYTES = 4 << 20  # a hosted router lists hundreds of models; that is all it can say


def served_names(base_url: str, name: str) -> list[str]:
    """Names of the weights behind `name` at `base_url` (a vLLM root, a llama.cpp file or
    alias, an Ollama tag), lowercased file names for paths; [] when the server says nothing.
    Asked once per process for each server and name."""
    return list(_served(base_url.rstrip("/"), name)[0])


def served_card(base_url: str, name: str) -> dict[str, Any]:
    """The server's /models entry for `name` (or its only entry); {} when it has none.
    `reins serve` says there what its model can do (`reins.prefill`, `reins.native_tools`)."""
    return dict(_served(base_url.rstrip("/"), name)[1])


@functools.cache
def _served(base_url: str, name: str) -> tuple[tuple[str, ...], dict[str, Any]]:
    """The lookup, bounded as a whole: urlopen's time-out does not cover resolving the host
    name, which can take seconds on a machine without DNS."""
    answer: list[tuple[tuple[str, ...], dict[str, Any]]] = []
    worker = threading.Thread(target=lambda: answer.append(_lookup(base_url, name)),
                              name="reins-served-model", daemon=True)  # fmt: skip
    worker.start()
    worker.join(TIMEOUT_S)
    return answer[0] if answer else ((), {})


def _lookup(base_url: str, name: str) -> tuple[tuple[str, ...], dict[str, Any]]:
    found: list[str] = []
    listing = _get_json(base_url + "/models")
    cards = listing.get("data") if isinstance(listing, dict) else None
    mine: list[dict[str, Any]] = []
    if isinstance(cards, list):
        cards = [c for c in cards if isinstance(c, dict)]
        mine = [c for c in cards if c.get("id") == name] or (cards if len(cards) == 1 else [])
        for card in mine:
            found += [card.get("root"), card.get("id")]
    root = base_url.removesuffix("/v1")
    props = _get_json(root + "/props") if root != base_url else None
    if isinstance(props, dict):
        found.append(props.get("model_path"))
    names = []
    for item in found:
        if isinstance(item, str) and item.strip():
            short = item.strip().rstrip("/").rsplit("/", 1)[-1].lower()
            if short not in names and short != name.lower():
                names.append(short)
    return tuple(names), (mine[0] if mine else {})


def _get_json(url: str) -> Any:
    request = urllib.request.Request(url)
    key = os.environ.get("OPENAI_COMPAT_API_KEY")
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310
            return json.loads(response.read(MAX_BYTES).decode("utf-8"))
    except (OSError, ValueError, urllib.error.URLError):
        return None
