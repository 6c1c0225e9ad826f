"""Variants: named sets of overrides of the settings and the profile, compared on a suite.

    base                                   the settings as they are
    wholefile:profile.tools=read_file,write_file,run_command
    short:max_steps=10,profile.temperature=0.0

`KEY=VALUE` sets a Config field (max_steps, sandbox, model, …); `profile.FIELD=VALUE` sets a
field of the model's profile (tools, temperature, one_call_per_turn, …). Values are read as
TOML scalars where they parse (10, 0.5, true, "x"), else as strings; a value followed by
bare items (`a,b,c`) is a list.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from typing import Any

from reins.config import Config, setting_problem

PROFILE_PREFIX = "profile."


class VariantError(ValueError):
    pass


@dataclass(frozen=True)
class Variant:
    name: str
    settings: dict[str, Any] = field(default_factory=dict)  # Config fields
    profile: dict[str, Any] = field(default_factory=dict)  # profile fields

    def apply(self, config: Config) -> Config:
        """The config this variant runs with: settings replaced, profile overrides merged
        into the profile the model will get."""
        from reins.models.spec import ModelSpec
        from reins.profiles import select_profile

        config = config.with_flags(**self.settings)
        if self.profile:
            name = select_profile(ModelSpec.parse(config.model), config.profile).name
            profiles = {k: dict(v) for k, v in config.profiles.items()}
            profiles.setdefault(name, {}).update(self.profile)
            config = config.with_flags(profiles=profiles)
        return config

    def describe(self) -> str:
        parts = [f"{k}={v}" for k, v in self.settings.items()]
        parts += [f"profile.{k}={v}" for k, v in self.profile.items()]
        return ", ".join(parts) or "(as configured)"


def _value(text: str) -> Any:
    if text.strip() in ("True", "False"):  # as Python spells them, and as describe() prints
        return text.strip() == "True"
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def parse_variant(spec: str) -> Variant:
    name, _, body = spec.partition(":")
    name = name.strip()
    if not name:
        raise VariantError(f"variant {spec!r} has no name; write NAME or NAME:KEY=VALUE,...")
    pairs: list[tuple[str, list[str]]] = []
    for item in body.split(",") if body.strip() else []:
        if "=" in item:
            key, _, value = item.partition("=")
            pairs.append((key.strip(), [value.strip()]))
        elif pairs:
            pairs[-1][1].append(item.strip())
        else:
            raise VariantError(f"variant {name}: {item!r} is not KEY=VALUE")
    known = {f.name for f in fields(Config)}
    settings: dict[str, Any] = {}
    profile: dict[str, Any] = {}
    for key, values in pairs:
        value = [_value(v) for v in values] if len(values) > 1 else _value(values[0])
        if key.startswith(PROFILE_PREFIX):
            field_name = key[len(PROFILE_PREFIX) :]
            if field_name == "tools" and isinstance(value, str):
                value = [value]
            profile[field_name] = value
        elif key in known:
            problem = setting_problem(key, value)
            if problem:
                raise VariantError(f"variant {name}: {key} {problem}, not {value!r}")
            settings[key] = value
        else:
            raise VariantError(
                f"variant {name}: unknown key {key!r}; use a setting ({', '.join(sorted(known))}) "
                "or profile.FIELD"
            )
    variant = Variant(name, settings, profile)
    _check(variant)
    return variant


def _check(variant: Variant) -> None:
    """Fail now, not in the middle of a bench, on a profile field that does not exist."""
    from reins.profiles import ProfileError, load_profile

    if variant.profile:
        try:
            load_profile("default", variant.profile)
        except ProfileError as error:
            raise VariantError(f"variant {variant.name}: {error}") from error


def parse_variants(specs: list[str]) -> list[Variant]:
    variants = [parse_variant(s) for s in specs] or [Variant("base")]
    names = [v.name for v in variants]
    if len(set(names)) != len(names):
        raise VariantError(f"variant names must be unique: {names}")
    return variants
