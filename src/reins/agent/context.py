"""The system prompt: the profile's template filled with the tools (text protocol), the
working directory and the static context gathered once per session (a stable prefix)."""

from __future__ import annotations

from string import Template

from reins.profiles import Profile


def system_prompt(profile: Profile, tools_section: str, cwd: str, static: str) -> str:
    return (
        Template(profile.prompt_template())
        .safe_substitute(cwd=cwd, tools_section=tools_section, context=static)
        .strip()
    )
