"""Profiles are TOML files in profiles/data (or a user's config); chosen by model family.

A profile file may start from another with `extends = "NAME"`: it inherits every field of
that profile's effective fields except `match` (which picks the models a profile is for) and
sets only what differs. Chains are allowed; a cycle or an unknown parent is a ProfileError.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import MISSING, Field, dataclass, fields
from importlib import resources
from typing import Any

from reins.models.served_model import served_names
from reins.models.spec import ModelSpec

PROTOCOLS = ("native", "text")


class ProfileError(ValueError):
    pass


@dataclass(frozen=True)
class Profile:
    name: str
    match: tuple[str, ...] = ()  # substrings of the model name that select this profile
    tool_protocol: str = "native"
    # text protocol: <tool_call> tags, ```json fences, or files (fences, and a file is
    # written as its path and a code block: no JSON escaping of a whole file)
    call_style: str = "tags"
    # text protocol: how tools are listed in the system prompt: "json" (a JSON schema per
    # line, as Qwen's chat template does) or "compact" (one signature line per tool, about
    # half the tokens).
    tool_list: str = "json"
    prompt: str = "system.md"
    tools: tuple[str, ...] | None = None  # None: every core tool
    temperature: float | None = None
    max_output_tokens: int | None = None
    n_ctx: int | None = None  # local models only
    # Local models: each step also checks up to this many tokens copied from the context
    # after the last three (models/lookup_decoding.py); a greedy reply is the model's greedy
    # reply, a sampled one a draw from the same distribution. 0: one token per step.
    draft_tokens: int = 0
    stop: tuple[str, ...] = ()  # extra stop strings (text protocol: cut invented tool results)
    # Small models often "finish" a task without touching a tool; push back once when they do.
    require_tool_use: bool = False
    # Text protocol: when a call is required, start the reply as the style's call opener
    # (<tool_call>, ```json). Off: the reply starts free; in the files style it can then
    # be a file block as well as a call (a hook may still start it as a file's block).
    # On: off, the embedded model's free replies open with <tool_response>, write calls in
    # Python syntax and never finish (shapes suite 2026-12-04: 8/12 against 7/12, p = 1.0,
    # p90 wall 179 s against 28 s; docs/ABLATIONS.md).
    prefill_calls: bool = True
    # Run only the first call of a reply: small models chain calls on results they never saw.
    one_call_per_turn: bool = False
    # Every reply must call a tool; the turn ends with finish(summary) (mini-swe-agent style).
    finish_tool: bool = False
    # Tell the model when it repeats a call that already succeeded with the same result
    # (small models re-read one file in a loop). Off until the lab shows it helps.
    nudge_repeats: bool = False
    # Append the files the request names to it (up to this many KiB): no first step spent
    # reading them. 0: off.
    attach_files_kb: int = 0
    # With attach_files_kb: attach test files too. Off: the model first reads only the code
    # it writes (a test file can be most of a small model's prefill time) and learns from
    # the failures the test command shows. Unmeasured: see docs/ABLATIONS.md.
    attach_tests: bool = True
    # Take a call that repeats an earlier one with the same result out of the context and
    # ask again with a hint, instead of letting copies pile up (agent/coding_rules.py, agent/write_first.py).
    erase_repeats: bool = False
    # Answer `finish` after a failing command, or after untested changes when the request
    # names a test command, with what is wrong (bounded).
    verify_finish: bool = False
    # files call style: when the request names one file of at most this many KiB, start the
    # first reply as that file's block (write the new version first). 0: off.
    write_first_kb: int = 0
    # With write_first_kb: run the request's test command after each write of that file
    # and show the result; failing tests start the next reply as the file's block again.
    test_after_write: bool = False
    # With test_after_write: rewrites asked for while the tests fail, before the model is
    # left to its tools.
    test_rounds: int = 3
    # With test_after_write: an identical rewrite of a failing file takes every version of
    # it out of the context (back to the first write) and asks for the file anew, hot, with
    # the last failures as a hint; the model otherwise copies the version it can see.
    # Off: on the with-tests tuning split it passed the same 4 of 16 tasks as without it
    # (2026-12-03, docs/ABLATIONS.md): the new versions fail too.
    fresh_rewrites: bool = False
    # With test_after_write: an identical rewrite of a failing file is asked for again as the
    # same reply up to the code token the model was least sure of, then its second choice
    # there (the embedded model's greedy replies say where; others resample hot as before).
    # Off: built 2026-12-04 after every failing held-out with-tests trial rewrote its file
    # identically; on the with-tests tuning split it passed the same 4 of 16 as without it
    # (fraction of tests +0.014, p = 0.37): the new versions fail too (docs/ABLATIONS.md).
    fork_rewrites: bool = False
    # With test_after_write: once the resamples are spent, a write of a version of the file
    # that already failed the tests (the same code, whitespace aside) ends the turn with
    # status "error" and the failure, and the tested version that passed the most tests is
    # put back (and when the budget runs out first, if the last tested version passed
    # fewer tests than it). On in qwen-files: the same passes at 0.42x the median wall on the
    # with-tests tuning split (docs/ABLATIONS.md). With undo_regressions, the same failure
    # (its error lines) after 4 edit batches in a row ends the turn too.
    stop_when_stuck: bool = False
    # With stop_when_stuck, when the turn changed only the loop's file: the stop puts it
    # back as it was if that did no worse on the request's run than any version since.
    restore_when_stuck: bool = False
    # With test_after_write: a failing unittest or pytest run is shown as its first failing
    # test in the test file's order, with that test's source and its failure, and how many
    # others fail, instead of the run's head and tail (agent/failing_test.py). Off: on the
    # with-tests tuning split it passed the same 4 of 16 (fraction of tests -0.004
    # [-0.059, +0.051], p = 0.89, 2026-12-06): the model still wrote back the version
    # that failed, even shown `rotate("OMG", 5)` and its ValueError (docs/ABLATIONS.md).
    focus_failure: bool = False
    # With write_first_kb, when the request names no test command: after the file is written
    # the model writes the task's examples as `assert` lines in a scratch file, reins runs
    # them and failing examples ask for the file again (check_rounds times); the version
    # that failed the fewest is kept and the scratch file removed (agent/self_check.py).
    # Off: on the hidden-test tuning split 2 of 16 passed against 1 (fraction of tests
    # passed +0.011, p = 0.60) and on 14 confirmation tasks 1 against 0 (-0.008, p = 0.77),
    # at 2.5-3x the wall time and tokens (docs/ABLATIONS.md).
    self_check: bool = False
    check_rounds: int = 2
    # With write_first_kb: a written Python file that reads a name it never binds (a missing
    # import) or drops a public name it had before the turn (a stub's function, class,
    # constant or method) is asked for once more, like a stub (agent/name_checks.py).
    # Off: on 56 hidden-test tasks it acted on 4 and fixed one (list-ops: the import added);
    # fraction of tests passed +0.041 (p = 0.13) on the tuning split, -0.008 (p = 0.40) on
    # the confirmation split, where every difference came from tasks it left alone.
    name_checks: bool = False
    # A Python file just written or edited that reads a standard-library module as
    # `module.attr` and never imports it gets the import added, and the model is told
    # (agent/missing_imports.py): a NameError no rewrite by a small model fixed. Off by
    # default: a model that edits the usage first and the imports next would find its
    # import lines moved (on in qwen-files, docs/ABLATIONS.md).
    add_missing_imports: bool = False
    # With attach_files_kb: when the request gives a test command but no code file, run
    # the command before the first model call, show the result and attach the files its
    # output names (agent/preflight.py).
    run_tests_first: bool = False
    # With attach_files_kb: after the attachments, a few lines on what the attached Python
    # tests use from each attached code file (example calls, keywords, methods called and
    # attributes read on what it returns, errors expected with their messages;
    # agent/api_from_tests.py). Off: on the with-tests tuning split 3 of 16 passed against 4
    # (fraction -0.066, p = 0.36; 2026-12-05, docs/ABLATIONS.md).
    test_api: bool = False
    # With test_after_write: when the failing run points at another code file (an import
    # of a name a module lacks, a traceback that never passes through the file written),
    # that file, shown as it is now, is the one the next reply writes (agent/output_paths.py);
    # a code file written instead is checked like the target; the same failure a third
    # time ends the turn. On in qwen-files since stop 53 (all 52 shapes tasks: 3 renames
    # won, none lost, fraction +0.048 [-0.005, +0.101]; docs/ABLATIONS.md).
    follow_failures: bool = False
    # With write_first_kb: a change request that attaches several code files whole starts
    # its first reply as the block of the first one it names, as for one file, instead of
    # a JSON call (where the embedded model garbles a whole file's escaping). Off: on the 4
    # shapes tasks it acts on (2026-12-05), the same grades at 0.49x the wall: no pass gained
    # (docs/ABLATIONS.md).
    first_named_target: bool = False
    # With test_after_write: a run of the request's command that exits 0 without printing
    # what the request says it prints ("`python3 x.py sample` should print exactly:" and a
    # block, "so that it prints `Total: 42`") fails, with both outputs shown
    # (agent/expected_output.py). Off: on the shapes suite (2026-12-05) it acted on one
    # task, whose script it moved closer (one tab of four) without a pass, at 4x the wall.
    check_stated_output: bool = False
    # With attach_files_kb: a request that attaches no code file gets the code files where
    # the text it quotes appears ("directly under the `Bill to:` line"), when there are one
    # or two (agent/quoted_sites.py). On in qwen-files.
    attach_quoted: bool = False
    # With attach_files_kb: a change request that attaches no code file, names none to
    # make and gives no test command gets the workspace's one code file outside tests
    # (agent/sole_file.py). On in qwen-files.
    attach_sole_file: bool = False
    # With attach_files_kb: a code name the request gives in backticks that is defined in a
    # file it did not attach whole gets a line saying where it is defined and used
    # (agent/name_sites.py): "which file defines `f`", "rename `f` everywhere".
    # Off: on the shapes suite (2026-12-04) it acted on the two tasks it is for and changed
    # neither grade (the model still edited only the file it had; docs/ABLATIONS.md).
    locate_names: bool = False
    # A Python file block that holds only some definitions of a large file replaces those
    # definitions, not the file; a write that would delete most of a large file is refused
    # (agent/fragments.py).
    partial_writes: bool = False
    # files call style: a change request whose one code file is attached only in part (the
    # failing function of a large module) starts its first reply as an edit_file call on
    # it; with test_after_write, the request's test command runs after each edit of it and
    # a failing run starts the next reply as an edit again (agent/edit_first.py). Off: on
    # 8 mutate tasks (2026-12-05) no failing test passed with it either, and one more
    # suite lost tests (toolz-20158ee080: 0.97 -> 0.88; docs/ABLATIONS.md). With
    # run_tests_first, the tests the run points at are attached before the code, so the
    # code is what the model read last (seen: old_string copied from the test shown last).
    edit_first: bool = False
    # An edit_file call that makes a file which parsed stop parsing is undone and answered
    # as not applied, with the parse error (agent/broken_edits.py; SWE-agent's lint gate).
    # On in qwen-files: on 8 mutate tasks (2026-12-05) the embedded model broke the module
    # on 2 (`def dft(xarr, True)`, `None = ...`), leaving the whole suite failing; with it,
    # both suites stayed whole (docs/ABLATIONS.md). No logged shapes or Exercism edit broke
    # a parse, so it cannot act there.
    refuse_broken_edits: bool = False
    # With a test command in the request: reins runs it after each batch of edit_file calls
    # that changed code, shows the result, and undoes the batch when fewer tests pass than
    # before it (agent/regressions.py). Seen on mutate: `replace_all` edits that made 21
    # and 4 more tests fail, kept to the end of the run. On in qwen-files (stop 52: all 24
    # mutate tasks, those two suites kept whole, nothing lost elsewhere; docs/ABLATIONS.md).
    undo_regressions: bool = False
    # A write_file that would keep less than a fifth of a file of 60+ lines is refused with
    # what to do instead (partial_writes does this too). Seen: a 290-line module, and then
    # its tests, overwritten with "..." by the embedded model; the tests then "passed".
    refuse_gutting: bool = False
    notes: str = ""

    def prompt_template(self) -> str:
        return resources.files("reins.profiles").joinpath("data", self.prompt).read_text("utf-8")

    def digest(self) -> str:
        """sha256 (hex) of the effective fields and the prompt template's text: the same for
        the same profile in any process, different when a field or the template changes.
        Which models it is for (`match`) and its `notes` are left out: they change nothing
        a session does, so adding a model's alias does not read as a new harness. So are
        fields left at the code's default: a new setting whose default keeps the old
        behaviour is not a new harness either, and a bench goes on resuming across it."""
        values = {
            f.name: getattr(self, f.name) for f in fields(self)
            if f.name not in UNDIGESTED and getattr(self, f.name) != _default(f)
        }  # fmt: skip
        payload = {"fields": values, "prompt_template": self.prompt_template()}
        text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


UNDIGESTED = ("match", "notes")
TOOL_LISTS = ("json", "compact")


def _default(f: Field) -> Any:
    if f.default is not MISSING:
        return f.default
    if f.default_factory is not MISSING:
        return f.default_factory()
    return MISSING


EXTENDS = "extends"
NOT_INHERITED = ("name", "match")  # a child that inherited `match` would take its parent's models


def _from_toml(name: str, data: dict[str, Any]) -> Profile:
    known = {f.name for f in fields(Profile)}
    unknown = set(data) - known
    if EXTENDS in unknown:
        raise ProfileError(
            f"profile {name}: `extends` belongs in a profile file; an override "
            f"([profiles.{name}]) sets fields of the effective profile"
        )
    if unknown:
        raise ProfileError(f"profile {name}: unknown keys {sorted(unknown)}")
    data = dict(data)
    data.setdefault("name", name)
    if data.get("tool_protocol", "native") not in PROTOCOLS:
        raise ProfileError(f"profile {name}: tool_protocol must be one of {PROTOCOLS}")
    if data.get("call_style", "tags") not in ("tags", "fenced", "files"):
        raise ProfileError(f"profile {name}: call_style must be 'tags', 'fenced' or 'files'")
    if data.get("tool_list", "json") not in TOOL_LISTS:
        raise ProfileError(f"profile {name}: tool_list must be 'json' or 'compact'")
    for f in fields(Profile):  # a typo in a value must fail here, not mid-session
        if f.name not in data or not isinstance(f.default, (bool, int)):
            continue
        value, wanted = data[f.name], type(f.default)
        if wanted is bool and not isinstance(value, bool):
            raise ProfileError(f"profile {name}: {f.name} must be true or false, not {value!r}")
        if wanted is int and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise ProfileError(
                f"profile {name}: {f.name} must be a whole number >= 0, not {value!r}"
            )
    for key in ("match", "tools", "stop"):
        if data.get(key) is not None:
            data[key] = tuple(data[key])
    profile = Profile(**data)
    if profile.tools is not None:
        from reins.tools.registry import CORE_TOOLS

        missing = [t for t in profile.tools if t not in CORE_TOOLS]
        if missing:
            raise ProfileError(f"profile {name} names unknown tool(s): {', '.join(missing)}")
    try:
        profile.prompt_template()
    except (FileNotFoundError, OSError) as error:
        raise ProfileError(f"profile {name}: prompt template {profile.prompt} not found") from error
    return profile


def _flatten(
    name: str, raw: dict[str, dict[str, Any]], chain: tuple[str, ...] = ()
) -> dict[str, Any]:
    """`raw[name]` with what it inherits through `extends` filled in (no `extends` left)."""
    data = dict(raw[name])
    parent = data.pop(EXTENDS, None)
    if parent is None:
        return data
    if not isinstance(parent, str):
        raise ProfileError(f"profile {name}: extends must be a profile name, not {parent!r}")
    chain = (*chain, name)
    if parent in chain:
        cycle = " -> ".join((*chain[chain.index(parent) :], parent))
        raise ProfileError(f"profile {name}: extends makes a cycle: {cycle}")
    if parent not in raw:
        raise ProfileError(
            f"profile {name} extends unknown profile {parent!r}; known: {', '.join(sorted(raw))}"
        )
    base = _flatten(parent, raw, chain)
    inherited = {k: v for k, v in base.items() if k not in NOT_INHERITED}
    return {**inherited, **data}


def resolve_profiles(raw: dict[str, dict[str, Any]]) -> dict[str, Profile]:
    """Profiles from their files' data ({name: TOML table}), `extends` resolved, in raw's order
    (the order select_profile tries their `match`)."""
    return {name: _from_toml(name, _flatten(name, raw)) for name in raw}


def builtin_profiles() -> dict[str, Profile]:
    folder = resources.files("reins.profiles").joinpath("data")
    raw = {
        entry.name[: -len(".toml")]: tomllib.loads(entry.read_text("utf-8"))
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".toml")
    }
    return resolve_profiles(raw)


def load_profile(name: str, overrides: dict[str, Any] | None = None) -> Profile:
    profiles = builtin_profiles()
    if name not in profiles:
        raise ProfileError(f"unknown profile {name!r}; known: {', '.join(sorted(profiles))}")
    return apply_overrides(profiles[name], overrides)


def apply_overrides(profile: Profile, overrides: dict[str, Any] | None) -> Profile:
    if not overrides:
        return profile
    merged = {f.name: getattr(profile, f.name) for f in fields(Profile)}
    merged.update(overrides)
    return _from_toml(profile.name, merged)


# Profiles a compatible server's model name can land on without naming the model: "default"
# (an alias such as "local-model") and "openai" (llama.cpp set-ups often answer to
# "gpt-3.5-turbo"). For those, the server is asked which weights it serves.
NAMELESS = ("default", "openai")


def select_profile(
    spec: ModelSpec, forced: str | None = None, overrides: dict[str, Any] | None = None
) -> Profile:
    """--profile wins; else the first profile whose `match` is in the model name; else default.
    Behind an OpenAI-compatible server whose model name names no family, the weights the
    server says it loaded decide (models.served_model)."""
    if forced:
        return load_profile(forced, overrides)
    name = _matching(spec.family_key)
    if name in NAMELESS and spec.provider == "openai-compat" and spec.base_url:
        for served in served_names(spec.base_url, spec.model):
            if _matching(served) not in NAMELESS:
                name = _matching(served)
                break
    return load_profile(name, overrides)


def _matching(model_name: str) -> str:
    for profile in builtin_profiles().values():
        if any(matches(m, model_name) for m in profile.match):
            return profile.name
    return "default"


def matches(pattern: str, model_name: str) -> bool:
    """`pattern` starts a word of the model's name: "o3" is in "o3-mini" and "openai/o3",
    not in "foo3"; "qwen" is in "Qwen/Qwen2.5-Coder"."""
    return re.search(r"(?<![a-z0-9])" + re.escape(pattern.lower()), model_name) is not None
