import pytest

from reins.config import ConfigError, load_config, read_repo_config, trust_repo_config
from reins.models.spec import ModelSpec, ModelSpecError
from reins.profiles import ProfileError, load_profile, select_profile
from reins.profiles.profile import apply_overrides


@pytest.mark.parametrize(
    ("spec", "profile"),
    [
        ("local:qwen2.5-coder-1.5b", "qwen"),
        ("openai-compat:http://localhost:8000/v1#Qwen/Qwen2.5-Coder-7B-Instruct", "qwen"),
        ("anthropic:claude-sonnet-4-5", "anthropic"),
        ("openai:gpt-5", "openai"),
        ("local:smollm2-135m", "smollm"),
        ("openai-compat:http://x/v1#mistral-large", "default"),
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
