"""The `reins` command's entry point: a warm `reins search` is answered by the index server
before click, the settings or rich are even imported; everything else goes to reins.cli."""

from __future__ import annotations

import os
import sys

# No pathlib here: with re, urllib and fnmatch it costs this path more than any other import.


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["search"] and _fast_search(args[1:]):
        sys.exit(0)
    from reins.cli import main as cli

    cli(prog_name="reins")


def _fast_search(args: list[str]) -> bool:
    """Answer from a running index server; False (and nothing printed) for anything that
    needs the full command: an unusual flag, a repo with its own config, no server."""
    if os.environ.get("REINS_INDEX_SERVER", "1") == "0":
        return False
    options = {"--repo": ".", "--limit": "10", "--glob": None}
    aliases = {"-n": "--limit"}
    query, as_json, i = None, False, 0
    while i < len(args):
        arg = args[i]
        name, eq, value = arg.partition("=")
        if eq and name in aliases:
            return False  # `-n=5`: click's business (it refuses it)
        name = aliases.get(name, name)
        if arg == "--json":
            as_json = True
        elif name in options and (eq or i + 1 < len(args)):
            if not eq:
                i += 1
                value = args[i]
            options[name] = value
        elif arg.startswith("-") or query is not None:
            return False  # --help, --force, a typo: the full command says what it means
        else:
            query = arg
        i += 1
    repo = options["--repo"]
    digits = options["--limit"]
    if not query or not query.strip() or not (digits.isascii() and digits.isdigit()):
        return False
    limit = int(options["--limit"])
    if not 1 <= limit <= 200 or not os.path.isdir(repo):
        return False
    if os.path.exists(os.path.join(repo, ".reins", "config.toml")):
        return False
    settings = _user_index_settings()
    if settings is None:
        return False
    from reins.index.server_client import ask

    hits = ask(repo, settings, query, limit, options["--glob"])
    if hits is None:
        return False
    from reins.ui.hits_text import print_hits

    print_hits(hits, query, as_json)
    return True


def _user_index_settings() -> dict | None:
    """The user config's [index] table (what Config.index holds when the repo has no
    config of its own); None if the file cannot be read as it should."""
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    path = os.path.join(base, "reins", "config.toml")
    if not os.path.isfile(path):
        return {}
    import tomllib

    try:
        with open(path, encoding="utf-8") as file:
            data = tomllib.loads(file.read())
    except (OSError, ValueError):
        return None
    index = data.get("index", {})
    return index if isinstance(index, dict) else None
