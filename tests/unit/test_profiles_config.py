import re

import pytest

from reins.config import ConfigError, load_config, read_repo_config, trust_repo_config
from reins.models.spec import ModelSpec, ModelSpecError
from reins.profiles import ProfileError, load_profile, select_profile
from reins.profiles.profile import apply_overrides


@pytest.mark.parametrize(
    ("spec", "profile"),
    [
        ("local:qwen2.5-coder-1.5b", "qwen-files"),
        ("openai-compat:http://localhost:8000/v1#qwen2.5-coder-1.5b-instruct", "qwen-files"),
        ("openai-compat:http://localhost:11434/v1#qwen2.5-coder:1.5b", "qwen-files"),  # ollama
        ("local:qwen2.5-coder-3b", "qwen"),
        ("openai-compat:http://localhost:8000/v1#Qwen/Qwen2.5-Coder-7B-Instruct", "qwen"),
        ("anthropic:claude-sonnet-4-5", "anthropic"),
        ("openai:gpt-5", "openai"),
        ("local:smollm2-135m", "smollm"),
        ("openai-compat:http://x/v1#mistral-large", "default"),
        ("openai:o3-mini", "openai"),
        ("openai-compat:http://x/v1#openai/o4-mini", "openai"),
        ("openai:gpt-5-codex", "openai"),
        # a name part that merely contains a pattern is another model...
        ("openai-compat:http://x/v1#foo3-chat", "default"),
        # ...and the folders a file sits in are not its name (a bench's temp folder was
        # read as OpenAI's o4, which took write_file away from a scripted run)
        ("scripted:/tmp/tmpxc_dko43/turns.jsonl", "default"),
        ("scripted:/tmp/qwen-turns.jsonl", "qwen"),
        ("local:/models/o3/Qwen2.5-Coder-7B-Instruct-Q4_K_M.gguf", "qwen"),
    ],
)
def test_profile_chosen_by_model_family(spec, profile):
    assert select_profile(ModelSpec.parse(spec)).name == profile


def test_forced_profile_wins():
    assert select_profile(ModelSpec.parse("openai:gpt-5"), forced="qwen").name == "qwen"
    with pytest.raises(ProfileError, match="unknown profile"):
        select_profile(ModelSpec.parse("openai:gpt-5"), forced="nope")


def test_profile_naming_an_unknown_tool_fails_at_load():
    with pytest.raises(ProfileError, match="unknown tool"):
        apply_overrides(load_profile("default"), {"tools": ["read_file", "teleport"]})


def test_profile_rejects_unknown_keys_and_protocols():
    with pytest.raises(ProfileError, match="unknown keys"):
        apply_overrides(load_profile("default"), {"colour": "red"})
    with pytest.raises(ProfileError, match="tool_protocol"):
        apply_overrides(load_profile("default"), {"tool_protocol": "telepathy"})


def test_model_spec_parsing():
    compat = ModelSpec.parse("openai-compat:http://localhost:11434/v1#qwen2.5-coder:7b")
    assert (compat.base_url, compat.model) == ("http://localhost:11434/v1", "qwen2.5-coder:7b")
    assert str(ModelSpec.parse("anthropic:claude-x")) == "anthropic:claude-x"
    for bad in ("gpt-5", "nope:x", "openai-compat:http://x", "local:"):
        with pytest.raises(ModelSpecError):
            ModelSpec.parse(bad)


def test_repo_config_wins_over_user_config(tmp_path, monkeypatch):
    user = tmp_path / "cfg" / "reins"
    user.mkdir(parents=True)
    (user / "config.toml").write_text(
        'model = "openai:gpt-5"\nmax_steps = 7\n[profiles.qwen]\ntemperature = 0.5\n'
    )
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    repo = tmp_path / "repo"
    (repo / ".reins").mkdir(parents=True)
    (repo / ".reins" / "config.toml").write_text('model = "anthropic:claude-x"\n')
    trust_repo_config(read_repo_config(repo))  # a repo may choose the model once trusted
    config = load_config(repo)
    assert config.model == "anthropic:claude-x" and config.max_steps == 7
    assert config.profiles == {"qwen": {"temperature": 0.5}}
    assert config.with_flags(max_steps=3, model=None).max_steps == 3


def test_bad_config_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    repo = tmp_path / "repo"
    (repo / ".reins").mkdir(parents=True)
    (repo / ".reins" / "config.toml").write_text("model = [broken")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(repo)
    (repo / ".reins" / "config.toml").write_text('modle = "x"')
    with pytest.raises(ConfigError, match="unknown setting"):
        load_config(repo)
    for text, message in (
        ('max_steps = "x"', "max_steps must be a whole number of at least 1, not 'x'"),
        ("max_steps = -5", "max_steps must be a whole number of at least 1"),
        ("max_retries = true", "max_retries must be a whole number of at least 0"),
        ("command_timeout_s = 0", "command_timeout_s must be a number of seconds above 0"),
        ('max_wall_s = "10m"', "max_wall_s must be a number of seconds"),
        ('allow_network = "yes"', "allow_network must be true or false"),
        ('env_passthrough = "HOME"', "env_passthrough must be a list of strings"),
        ("profiles = 3", "profiles must be a table"),
        ('prompt_date = "yesterday"', "prompt_date must be a date, YYYY-MM-DD"),
        ('prompt_date = "2026-02-30"', "prompt_date must be a date, YYYY-MM-DD"),
    ):
        (repo / ".reins" / "config.toml").write_text(text)
        with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
            load_config(repo)
    # TOML's own date and the same date quoted are one setting
    for text in ("prompt_date = 2026-03-04", 'prompt_date = "2026-03-04"'):
        (repo / ".reins" / "config.toml").write_text(text)
        assert load_config(repo).prompt_date == "2026-03-04"
    (repo / ".reins" / "config.toml").write_text("max_steps = 0.5")
    with pytest.raises(ConfigError, match=r"\.reins/config\.toml: max_steps"):  # names the file
        load_config(repo)


def test_every_setting_has_a_type_rule():
    from dataclasses import fields

    import reins.config as c

    ruled = {*c.WHOLE_AT_LEAST, *c.POSITIVE_SECONDS, *c.SWITCHES, *c.TEXTS, *c.NAME_LISTS,
             *c.TABLES, *c.DATES}  # fmt: skip
    assert {f.name for f in fields(c.Config)} == ruled


# --- profile inheritance (`extends`) and the content digest ----------------------------

NATIVE_TOOLS = ("read_file", "list_dir", "glob", "grep", "codebase_search", "edit_file",
                "write_file", "run_command", "read_terminal", "kill_terminal", "read_lints",
                "todo_write", "think")  # fmt: skip
NATIVE = dict(
    tool_protocol="native", call_style="tags", tool_list="json", prompt="system.md", tools=NATIVE_TOOLS,
    temperature=None, max_output_tokens=None, n_ctx=None, draft_tokens=0, stop=(), require_tool_use=False,
    one_call_per_turn=False, finish_tool=False, nudge_repeats=False, attach_files_kb=0,
    attach_tests=True, erase_repeats=False, verify_finish=False, write_first_kb=0,
    test_after_write=False, test_rounds=3, run_tests_first=False, partial_writes=False, edit_first=False, refuse_broken_edits=False, undo_regressions=False,
    fresh_rewrites=False, fork_rewrites=False, self_check=False, check_rounds=2, name_checks=False, add_missing_imports=False,
    locate_names=False, prefill_calls=True, follow_failures=False, first_named_target=False, check_stated_output=False, attach_quoted=False, refuse_gutting=False, stop_when_stuck=False, test_api=False, attach_sole_file=False, restore_when_stuck=False, focus_failure=False,
)  # fmt: skip
SMALL = dict(
    tool_protocol="text", call_style="fenced", tool_list="json", prompt="small.md", stop=("\n```",),
    draft_tokens=0,
    require_tool_use=True, one_call_per_turn=True, finish_tool=True, nudge_repeats=False,
    attach_files_kb=0, attach_tests=True, erase_repeats=False, verify_finish=False,
    write_first_kb=0, test_after_write=False, test_rounds=3, run_tests_first=False,
    partial_writes=False, edit_first=False, refuse_broken_edits=False, undo_regressions=False, fresh_rewrites=False, fork_rewrites=False, self_check=False, check_rounds=2, name_checks=False,
    add_missing_imports=False, locate_names=False, prefill_calls=True, follow_failures=False, first_named_target=False, check_stated_output=False, attach_quoted=False, refuse_gutting=False,
    stop_when_stuck=False, test_api=False, attach_sole_file=False, restore_when_stuck=False, focus_failure=False,
)  # fmt: skip
# Every built-in profile, field for field, as it was before profiles could extend each other
# (generated from the flat TOML files): sharing fields through `extends` must not change one.
BUILTIN_PROFILES = {
    "anthropic": {
        **NATIVE, "name": "anthropic", "match": ("claude",), "max_output_tokens": 16000,
        "notes": "Anthropic models: native tool_use, edit_file.",
    },
    "default": {
        **NATIVE, "name": "default", "match": (), "notes": "Native tool calls; edit_file for edits.",
    },
    "openai": {
        **NATIVE, "name": "openai", "match": ("gpt-", "o1", "o3", "o4", "codex"),
        "tools": ("read_file", "list_dir", "glob", "grep", "codebase_search", "apply_patch",
                  "run_command", "read_terminal", "kill_terminal", "read_lints", "todo_write",
                  "think"),
        "notes": "OpenAI models: native parallel function calls, apply_patch.",
    },
    "qwen": {
        **SMALL, "name": "qwen", "match": ("qwen",),
        "tools": ("read_file", "list_dir", "grep", "edit_file", "write_file", "run_command"),
        "temperature": 0.2, "max_output_tokens": 1024, "n_ctx": 16384,
        "notes": "Small local models: text tool-call protocol, a short tool list.",
    },
    "qwen-files": {
        **SMALL, "name": "qwen-files", "match": ("qwen2.5-coder-1.5b", "qwen2.5-coder:1.5b"), "call_style": "files",
        "prompt": "small_files.md", "stop": ("\n```\n",),
        "tools": ("read_file", "list_dir", "grep", "edit_file", "write_file", "run_command"),
        "temperature": 0.0, "max_output_tokens": 1024, "n_ctx": 16384, "tool_list": "compact",
        "draft_tokens": 3, "attach_files_kb": 24, "erase_repeats": True, "verify_finish": True, "write_first_kb": 8,
        "test_after_write": True, "run_tests_first": True, "refuse_gutting": True, "stop_when_stuck": True, "restore_when_stuck": True,
        "add_missing_imports": True, "attach_quoted": True, "attach_sole_file": True, "refuse_broken_edits": True, "undo_regressions": True, "follow_failures": True,
        "notes": "Small local models: whole-file code blocks, attached files, erased repeats.",
    },
    "smollm": {
        **SMALL, "name": "smollm", "match": ("smollm",),
        "tools": ("read_file", "list_dir", "run_command"),
        "temperature": 0.0, "max_output_tokens": 256, "n_ctx": 4096,
        "notes": "Tiny test model: text protocol, three tools.",
    },
}  # fmt: skip


def _fields(profile):
    from dataclasses import asdict

    return asdict(profile)


def test_builtin_profiles_are_pinned_field_for_field():
    from reins.profiles.profile import builtin_profiles

    profiles = builtin_profiles()
    assert sorted(profiles) == sorted(BUILTIN_PROFILES)
    for name, expected in BUILTIN_PROFILES.items():
        assert _fields(profiles[name]) == expected, name
        assert _fields(load_profile(name)) == expected, name


def test_builtin_profiles_share_fields_through_extends():
    import tomllib
    from importlib import resources

    folder = resources.files("reins.profiles").joinpath("data")
    parents = {
        entry.name[: -len(".toml")]: tomllib.loads(entry.read_text("utf-8")).get("extends")
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    }
    assert parents["anthropic"] == parents["openai"] == "default"
    assert parents["smollm"] == "qwen"


def test_extends_inherits_overrides_and_chains():
    from reins.profiles.profile import resolve_profiles

    profiles = resolve_profiles({
        "base": {"match": ["base-model"], "tools": ["read_file", "grep"], "temperature": 0.3,
                 "stop": ["END"], "notes": "base"},
        "mid": {"extends": "base", "match": ["mid-model"], "temperature": 0.1},
        "leaf": {"extends": "mid", "tools": ["read_file"], "finish_tool": True},
    })  # fmt: skip
    leaf = profiles["leaf"]
    assert leaf.name == "leaf" and leaf.tools == ("read_file",) and leaf.finish_tool
    assert leaf.temperature == 0.1 and leaf.stop == ("END",) and leaf.notes == "base"
    # `match` chooses models for a profile; a child that inherited it would steal them.
    assert leaf.match == () and profiles["mid"].match == ("mid-model",)
    assert profiles["base"].temperature == 0.3 and not profiles["base"].finish_tool


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"a": {"extends": "a"}}, r"cycle: a -> a"),
        ({"a": {"extends": "b"}, "b": {"extends": "c"}, "c": {"extends": "a"}},
         r"cycle: a -> b -> c -> a"),
        ({"a": {"extends": "nope"}}, r"profile a extends unknown profile 'nope'; known: a"),
        ({"a": {"extends": ["b"]}, "b": {}}, r"profile a: extends must be a profile name"),
    ],
)  # fmt: skip
def test_extends_cycles_and_unknown_parents_are_clear_errors(raw, message):
    from reins.profiles.profile import resolve_profiles

    with pytest.raises(ProfileError, match=message):
        resolve_profiles(raw)


def test_user_overrides_apply_to_the_effective_profile():
    smollm = apply_overrides(load_profile("smollm"), {"temperature": 0.5, "stop": ["X"]})
    assert (smollm.temperature, smollm.stop, smollm.finish_tool) == (0.5, ("X",), True)
    assert load_profile("anthropic", {"max_output_tokens": 100}).max_output_tokens == 100
    with pytest.raises(ProfileError, match="extends"):
        apply_overrides(load_profile("qwen"), {"extends": "default"})


def test_profile_digest_is_a_stable_hash_of_fields_and_prompt(monkeypatch):
    import subprocess
    import sys

    from reins.profiles.profile import Profile, builtin_profiles

    digests = {name: p.digest() for name, p in builtin_profiles().items()}
    assert len(set(digests.values())) == len(digests)
    assert all(len(d) == 64 and int(d, 16) >= 0 for d in digests.values())
    assert load_profile("qwen").digest() == digests["qwen"]
    # the same in another process (no dependence on hash seeds or object ids)
    code = "from reins.profiles import load_profile; print(load_profile('qwen').digest())"
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env={"PYTHONHASHSEED": "123", "PATH": ""}, check=True)  # fmt: skip
    assert other.stdout.strip() == digests["qwen"]
    # any field, and the prompt template's text, tells versions apart
    assert apply_overrides(load_profile("qwen"), {"temperature": 0.3}).digest() != digests["qwen"]
    assert apply_overrides(load_profile("qwen"), {"n_ctx": 16384}).digest() == digests["qwen"]
    # ...but not which models it is for, or its notes: a new alias is the same harness
    alias = apply_overrides(load_profile("qwen"), {"match": ("qwen", "qwen3"), "notes": "x"})
    assert alias.digest() == digests["qwen"]
    # ...nor a setting left at the code's default: a field added later with a default that
    # keeps the old behaviour does not stop a bench from resuming across it
    files = load_profile("qwen-files")
    assert apply_overrides(files, {"test_rounds": 3}).digest() == files.digest()
    assert apply_overrides(files, {"test_rounds": 8}).digest() != files.digest()
    template = Profile.prompt_template
    monkeypatch.setattr(Profile, "prompt_template", lambda self: template(self) + "\nMore.")
    assert load_profile("qwen").digest() != digests["qwen"]


@pytest.mark.parametrize(
    "override, message",
    [
        ({"attach_files_kb": "lots"}, "attach_files_kb must be a whole number >= 0, not 'lots'"),
        ({"write_first_kb": -1}, "write_first_kb must be a whole number >= 0"),
        ({"erase_repeats": "yes"}, "erase_repeats must be true or false, not 'yes'"),
        ({"finish_tool": 1}, "finish_tool must be true or false"),
        ({"tool_list": "short"}, "tool_list must be 'json' or 'compact'"),
    ],
)
def test_a_profile_value_of_the_wrong_type_is_refused_when_loaded(override, message):
    with pytest.raises(ProfileError, match=re.escape(message)):
        load_profile("qwen-files", override)
