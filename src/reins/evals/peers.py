"""Peer agents for the bench: aider and mini-swe-agent, run against an OpenAI-compatible
endpoint (normally `reins serve`, so a peer uses exactly the model reins uses).

    run = await run_aider(workspace, instruction, base_url="http://127.0.0.1:8000/v1",
                          model="local:qwen2.5-coder-1.5b", timeout_s=600,
                          test_cmd="python -m pytest -q", log_dir=trial_dir / "agent")
    run.status, run.wall_s, run.tokens_in, run.log_path

Each peer runs from its own virtualenv, created on first use under the reins cache dir
(`install_peer` does it ahead of time, so no trial pays for it) with a pinned release
from PyPI. A run is a subprocess in a process group of its own: on timeout or
cancellation the whole group is killed (and after a normal exit too, so nothing it
started lingers), because a peer left alive keeps a serial model server busy and skews
every later task. Nothing here prompts: stdin is /dev/null and every confirmation is
pre-answered.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from reins.agent.attachments import mentioned_paths

DEFAULT_API_KEY = "reins"  # any key: `reins serve` takes none, the peers insist on one
INSTALL_TIMEOUT_S = 1200.0
KILL_GRACE_S = 3.0  # SIGTERM, then this long, then SIGKILL
# Environment variables that would change how a peer behaves or where it sends requests
# (its own config, a user's keys, another endpoint); every run sets what it needs.
_SCRUBBED_PREFIXES = ("AIDER_", "MSWEA_", "OPENAI_", "LITELLM_", "ANTHROPIC_")


@dataclass(frozen=True)
class Peer:
    name: str  # as the bench names the agent
    package: str  # on PyPI
    version: str  # pinned: a bench compares like with like
    executable: str  # in the venv's bin/


AIDER = Peer("aider", "aider-chat", "0.86.2", "aider")
MINI_SWE_AGENT = Peer("mini-swe-agent", "mini-swe-agent", "2.4.6", "mini")
PEERS = {peer.name: peer for peer in (AIDER, MINI_SWE_AGENT)}


@dataclass
class PeerRun:
    """How one peer run went. status: completed | error | budget (timed out or hit its step
    limit) | setup_failed (the peer could not be installed or started: infrastructure, not
    the agent's failure)."""

    peer: str
    version: str
    status: str
    wall_s: float = 0.0
    exit_code: int | None = None
    tokens_in: int | None = None
    tokens_out: int | None = None
    tokens_cached: int | None = None
    model_calls: int | None = None
    # "server": exact counts from `reins serve` (GET /reins/usage, before and after);
    # "peer": what the peer itself reported; None: not known.
    tokens_source: str | None = None
    log_path: Path | None = None  # the peer's stdout and stderr
    trajectory_path: Path | None = None  # its own record (mini: .traj.json; aider: chat .md)
    error: str | None = None
    command: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("log_path", "trajectory_path"):
            data[key] = str(data[key]) if data[key] is not None else None
        return data


class PeerInstallError(RuntimeError):
    """A peer's virtualenv could not be created; the message says why and where the log is."""


# --- installing -------------------------------------------------------------------------------


def peer_home(peer: Peer) -> Path:
    from reins.models.local_assets import cache_dir

    return cache_dir() / "peers" / f"{peer.name}-{peer.version}"


def peer_executable(peer: Peer) -> Path:
    return peer_home(peer) / "venv" / "bin" / peer.executable


def is_installed(peer: Peer) -> bool:
    home = peer_home(peer)
    return (home / "venv" / ".installed").is_file() and peer_executable(peer).is_file()


def _say(line: str) -> None:
    print(f"reins: {line}", file=sys.stderr, flush=True)


def install_peer(
    peer: Peer | str,
    *,
    progress: Callable[[str], None] | None = _say,
    python: str | None = None,
    timeout_s: float = INSTALL_TIMEOUT_S,
) -> Path:
    """Create the peer's virtualenv on first use (`python -m venv`, then pip install of the
    pinned release); returns its executable. Idempotent and safe to call from several
    processes at once (a file lock). `python`: the interpreter for the venv (default
    REINS_PEER_PYTHON, else this one). Raises PeerInstallError."""
    peer = PEERS[peer] if isinstance(peer, str) else peer
    if is_installed(peer):
        return peer_executable(peer)
    home = peer_home(peer)
    home.mkdir(parents=True, exist_ok=True)
    with open(home / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be installing it right now
        if is_installed(peer):
            return peer_executable(peer)
        _install(peer, home, progress, python, timeout_s)
    return peer_executable(peer)


def _install(
    peer: Peer, home: Path, progress: Callable[[str], None] | None, python: str | None,
    timeout_s: float,
) -> None:  # fmt: skip
    venv, log_path = home / "venv", home / "install.log"
    requirement = f"{peer.package}=={peer.version}"
    interpreter = python or os.environ.get("REINS_PEER_PYTHON") or sys.executable
    if progress:
        progress(
            f"installing {requirement} into {venv} (first use only; a minute or two, "
            f"log: {log_path})"
        )
    shutil.rmtree(venv, ignore_errors=True)  # a half-made venv from an interrupted install
    started = time.perf_counter()
    steps = [
        [interpreter, "-m", "venv", str(venv)],
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check",
         "--no-input", "--progress-bar", "off", requirement],
    ]  # fmt: skip
    deadline = time.monotonic() + timeout_s
    with open(log_path, "w", encoding="utf-8") as log:
        for command in steps:
            log.write(f"$ {' '.join(command)}\n")
            log.flush()
            try:
                done = subprocess.run(
                    command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                    timeout=max(1.0, deadline - time.monotonic()), check=False,
                    env=_scrubbed_env({"PIP_NO_INPUT": "1"}),
                )  # fmt: skip
            except subprocess.TimeoutExpired:
                raise PeerInstallError(
                    f"installing {requirement} took longer than {timeout_s:.0f} s; see {log_path}"
                ) from None
            except OSError as error:
                raise PeerInstallError(
                    f"cannot install {requirement}: {command[0]}: {error}"
                ) from error
            if done.returncode != 0:
                shutil.rmtree(venv, ignore_errors=True)
                raise PeerInstallError(
                    f"installing {requirement} failed (exit {done.returncode}); the end of "
                    f"{log_path}:\n{_tail(log_path)}"
                )
    if not (venv / "bin" / peer.executable).is_file():
        raise PeerInstallError(f"{requirement} installed, but it has no bin/{peer.executable}")
    (venv / ".installed").write_text(f"{requirement}\n", "utf-8")
    if progress:
        progress(f"installed {requirement} in {time.perf_counter() - started:.0f} s")


def _tail(path: Path, lines: int = 15) -> str:
    try:
        text = path.read_text("utf-8", errors="replace").splitlines()
    except OSError:
        return "(no log)"
    kept = [line for line in text if not line.startswith("WARNING: Location")]
    return "\n".join(kept[-lines:])


# --- the endpoint --------------------------------------------------------------------------


def _root(base_url: str) -> str:
    url = base_url.rstrip("/")
    return url[: -len("/v1")] if url.endswith("/v1") else url


def _get_json(url: str, timeout_s: float = 3.0) -> Any:
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:  # noqa: S310 - local
            return json.loads(response.read().decode("utf-8"))
    except (OSError, ValueError, urllib.error.URLError):
        return None


def server_usage(base_url: str) -> dict[str, Any] | None:
    """`reins serve`'s running totals (None for any other server)."""
    data = _get_json(_root(base_url) + "/reins/usage")
    return data if isinstance(data, dict) and "prompt_tokens" in data else None


def model_card(base_url: str, model: str) -> dict[str, Any]:
    """What the endpoint says about the model (reins serve: native_tools, context_length)."""
    data = _get_json(base_url.rstrip("/") + "/models")
    cards = data.get("data") if isinstance(data, dict) else None
    if not isinstance(cards, list):
        return {}
    for card in cards:
        if isinstance(card, dict) and card.get("id") == model:
            return card
    return cards[0] if len(cards) == 1 and isinstance(cards[0], dict) else {}


def _scrubbed_env(extra: Mapping[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_SCRUBBED_PREFIXES)}
    env.update(extra)
    return env


# --- running ---------------------------------------------------------------------------------


async def _run_process(
    command: Sequence[str], *, cwd: Path, env: Mapping[str, str], timeout_s: float,
    log_path: Path,
) -> tuple[int | None, bool, float]:  # fmt: skip
    """Run in a new session (its own process group), output to log_path. Returns
    (exit code, timed out, wall seconds). The group is killed on timeout, on cancellation,
    and after a normal exit (whatever the peer left running)."""
    started = time.perf_counter()
    with open(log_path, "wb") as log:
        log.write(f"$ {' '.join(command)}\n".encode())
        log.flush()
        # Under reins' supervisor: if the bench dies (even kill -9), the peer and all it
        # started die too, instead of keeping a serial model server busy.
        process = await asyncio.create_subprocess_exec(
            *supervised(command), cwd=str(cwd), env=dict(env), stdin=subprocess.DEVNULL,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    timed_out = False
    try:
        try:
            await asyncio.wait_for(process.wait(), timeout=timeout_s)
        except TimeoutError:
            timed_out = True
            await _kill_group(process)
    except BaseException:  # cancelled: take the peer down with us
        await _kill_group(process)
        raise
    finally:
        _signal_group(process.pid, signal.SIGKILL)
    return process.returncode, timed_out, time.perf_counter() - started


def _signal_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


async def _kill_group(process: asyncio.subprocess.Process) -> None:
    _signal_group(process.pid, signal.SIGTERM)
    try:
        await asyncio.wait_for(asyncio.shield(process.wait()), KILL_GRACE_S)
    except TimeoutError:
        pass
    _signal_group(process.pid, signal.SIGKILL)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(process.wait(), KILL_GRACE_S)


async def _ready(peer: Peer, log_dir: Path, started: float) -> PeerRun | Path:
    """The peer's executable, installing it if needed; or a setup_failed PeerRun."""
    log_dir.mkdir(parents=True, exist_ok=True)
    try:
        return await asyncio.to_thread(install_peer, peer)
    except PeerInstallError as error:
        return PeerRun(peer.name, peer.version, "setup_failed",
                       wall_s=time.perf_counter() - started, error=str(error))  # fmt: skip


def _with_usage(run: PeerRun, before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
    if before is None or after is None:
        return
    run.tokens_in = int(after["prompt_tokens"]) - int(before["prompt_tokens"])
    run.tokens_out = int(after["completion_tokens"]) - int(before["completion_tokens"])
    run.tokens_cached = int(after.get("cached_tokens", 0)) - int(before.get("cached_tokens", 0))
    run.model_calls = int(after["requests"]) - int(before["requests"])
    run.tokens_source = "server"


# --- aider -----------------------------------------------------------------------------------

MAX_AIDER_FILES = 60
MAX_AIDER_FILE_BYTES = 200_000
_SKIPPED_DIRS = {"__pycache__", "node_modules", ".git", ".venv", "venv", ".mypy_cache",
                 ".pytest_cache", ".ruff_cache", "build", "dist"}  # fmt: skip


_AIDER_OUTPUTS = ("aider.analytics.jsonl", "aider.chat.md", "aider.input.history",
                  "aider.llm.history", "aider.log")  # fmt: skip


def workspace_files(workspace: Path) -> list[str]:
    """The files aider gets in its chat when none are named: the workspace's text files
    (not hidden, not caches), small ones only, up to MAX_AIDER_FILES. With no git there is
    no repository map, and aider's whole-file format edits only files in the chat."""
    found: list[str] = []
    for root, dirs, files in os.walk(workspace):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIPPED_DIRS)
        for name in sorted(files):
            path = Path(root) / name
            if name.startswith(".") or not path.is_file():
                continue
            try:
                if path.stat().st_size > MAX_AIDER_FILE_BYTES or b"\0" in path.read_bytes()[:4096]:
                    continue
            except OSError:
                continue
            found.append(str(path.relative_to(workspace)))
            if len(found) >= MAX_AIDER_FILES:
                return found
    return found


def aider_command(
    executable: str | Path, *, base_url: str, model: str, message_file: Path, log_dir: Path,
    test_cmd: str | None, timeout_s: float, files: Sequence[str] = (),
    metadata_file: Path | None = None, repo_map: bool = False,
) -> list[str]:  # fmt: skip
    """aider, one message, non-interactive: whole-file edits, no git (with `repo_map`: the
    workspace's git repository for aider's map and file adding, never committed to),
    auto-test when a test command is given; everything it would write besides the edits
    goes to log_dir, and nothing reaches the network except the model endpoint."""
    name = f"openai/{model}"
    command = [
        str(executable),
        "--model", name, "--weak-model", name, "--editor-model", name,
        "--openai-api-base", base_url,
        "--edit-format", "whole",
        "--yes-always", *(() if repo_map else ("--no-git",)),
        "--no-auto-commits", "--no-dirty-commits", "--no-gitignore",
        "--message-file", str(message_file),
        "--no-stream", "--no-pretty", "--no-fancy-input", "--no-multiline",
        "--no-check-update", "--no-show-release-notes", "--no-analytics",
        "--analytics-log", str(log_dir / "aider.analytics.jsonl"),
        "--no-detect-urls", "--disable-playwright", "--no-suggest-shell-commands",
        "--no-show-model-warnings", "--no-check-model-accepts-settings",
        "--map-tokens", "1024" if repo_map else "0",  # aider's default map size
        "--timeout", str(int(max(1, timeout_s))),
        "--encoding", "utf-8",
        "--input-history-file", str(log_dir / "aider.input.history"),
        "--chat-history-file", str(log_dir / "aider.chat.md"),
        "--llm-history-file", str(log_dir / "aider.llm.history"),
        "--env-file", str(log_dir / "aider.env"),  # none: a workspace .env must not apply
    ]  # fmt: skip
    if metadata_file is not None:
        command += ["--model-metadata-file", str(metadata_file)]
    if test_cmd:
        command += ["--auto-test", "--test-cmd", test_cmd]
    else:
        command += ["--no-auto-test"]
    return command + ["--", *files] if files else command


def _aider_metadata(model: str, context_length: int) -> dict[str, Any]:
    """litellm's model info for an unknown model: its window, and no price (aider then
    reports tokens only)."""
    return {
        f"openai/{model}": {
            "max_input_tokens": context_length,
            "max_tokens": context_length,
            "max_output_tokens": min(8192, context_length),
            "input_cost_per_token": 0.0,
            "output_cost_per_token": 0.0,
            "litellm_provider": "openai",
            "mode": "chat",
        }
    }


def aider_usage(analytics_log: Path) -> tuple[int, int, int] | None:
    """(prompt tokens, completion tokens, messages) from aider's analytics log, where each
    `message_send` event carries one exchange's counts (as the API reported them)."""
    try:
        lines = analytics_log.read_text("utf-8", errors="replace").splitlines()
    except OSError:
        return None
    sent = received = messages = 0
    for line in lines:
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if isinstance(event, dict) and event.get("event") == "message_send":
            props = event.get("properties") or {}
            sent += int(props.get("prompt_tokens") or 0)
            received += int(props.get("completion_tokens") or 0)
            messages += 1
    return (sent, received, messages) if messages else None


async def run_aider(
    workspace: Path, instruction: str, *, base_url: str, model: str, timeout_s: float,
    test_cmd: str | None, log_dir: Path, files: Sequence[str] | None = None,
    api_key: str = DEFAULT_API_KEY, context_length: int | None = None,
) -> PeerRun:  # fmt: skip
    """Run aider on `instruction` in `workspace` against `base_url` (an OpenAI-compatible
    endpoint) and `model` (its name there). `files`: what aider may edit (default: the
    workspace's text files, see workspace_files). `context_length`: the model's window
    (default: what the endpoint's /models says, else 32768)."""
    started = time.perf_counter()
    ready = await _ready(AIDER, log_dir, started)
    if isinstance(ready, PeerRun):
        return ready
    workspace = Path(workspace).resolve()
    log_dir = Path(log_dir).resolve()
    for name in _AIDER_OUTPUTS:  # aider appends to them: a rerun must not count twice
        (log_dir / name).unlink(missing_ok=True)
    message_file = log_dir / "aider.message.md"
    message_file.write_text(instruction, "utf-8")
    card = await asyncio.to_thread(model_card, base_url, model)
    window = context_length or _context_length(card) or 32768
    metadata_file = log_dir / "aider.model-metadata.json"
    metadata_file.write_text(json.dumps(_aider_metadata(model, window), indent=1), "utf-8")
    chosen = list(files) if files is not None else workspace_files(workspace)
    made_repo = repo_map = False
    if files is None and _text_bytes(workspace, chosen) // 4 > window // 2:
        # a repository too large for the chat: what an aider user does, the files the task
        # names in the chat and aider's repository map (git) to find the rest
        chosen = named_files(workspace, instruction)
        made_repo = await asyncio.to_thread(_git_snapshot, workspace)
        repo_map = (workspace / ".git").is_dir()
    command = aider_command(
        ready, base_url=base_url, model=model, message_file=message_file, log_dir=log_dir,
        test_cmd=test_cmd, timeout_s=timeout_s, files=chosen, metadata_file=metadata_file,
        repo_map=repo_map,
    )  # fmt: skip
    env = _scrubbed_env({
        "OPENAI_API_KEY": api_key, "OPENAI_API_BASE": base_url,
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",  # no fetch of the price list at start-up
        "AIDER_CHECK_UPDATE": "false", "PYTHONUNBUFFERED": "1", "TERM": "dumb",
    })  # fmt: skip
    try:
        return await _run_peer(
            AIDER, command, workspace=workspace, env=env, timeout_s=timeout_s,
            base_url=base_url, log_path=log_dir / "aider.log", trajectory=log_dir / "aider.chat.md",
            read_result=lambda run: _aider_result(run, log_dir / "aider.analytics.jsonl"),
        )  # fmt: skip
    finally:
        if made_repo:  # the verifier sees the workspace as the task made it, plus the edits
            shutil.rmtree(workspace / ".git", ignore_errors=True)


def _text_bytes(workspace: Path, files: Sequence[str]) -> int:
    return sum((workspace / f).stat().st_size for f in files if (workspace / f).is_file())


def named_files(workspace: Path, instruction: str) -> list[str]:
    """The workspace files the instruction names (`toolz/tests/test_x.py::test_y` too)."""
    return [p for p in mentioned_paths(instruction) if (workspace / p).is_file()]


def _git_snapshot(workspace: Path) -> bool:
    """Make `workspace` a git repository with one commit of its files, so aider has its
    repository map; False when it already is one or git fails (aider then runs without)."""
    if (workspace / ".git").exists():
        return False
    identity = ["-c", "user.name=reins-bench", "-c", "user.email=bench@reins.invalid"]
    env = {**_scrubbed_env({}), "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    for step in (["init", "-q"], ["add", "-A"], [*identity, "commit", "-q", "-m", "task start"]):
        try:
            done = subprocess.run(["git", *step], cwd=workspace, env=env, capture_output=True,
                                  timeout=120, check=False)  # fmt: skip
            failed = done.returncode != 0
        except (OSError, subprocess.TimeoutExpired):  # no git, or it hung
            failed = True
        if failed:
            shutil.rmtree(workspace / ".git", ignore_errors=True)
            return False
    return True


def _context_length(card: Mapping[str, Any]) -> int | None:
    reins = card.get("reins") if isinstance(card.get("reins"), dict) else {}
    for value in (reins.get("context_length"), card.get("max_model_len"),
                  card.get("context_length")):  # fmt: skip
        if isinstance(value, int) and value > 0:
            return value
    return None


def _aider_result(run: PeerRun, analytics_log: Path) -> None:
    if run.status == "completed" and run.exit_code != 0:
        run.status = "error"
        run.error = f"aider exited with {run.exit_code}; see {run.log_path}"
    usage = aider_usage(analytics_log)
    if usage is not None and run.tokens_source is None:
        run.tokens_in, run.tokens_out, run.model_calls = usage
        run.tokens_source = "peer"


# --- mini-swe-agent --------------------------------------------------------------------------


def mini_config(
    *, instruction: str, base_url: str, model: str, api_key: str, workspace: Path,
    max_steps: int, timeout_s: float, command_timeout_s: int,
) -> dict[str, Any]:  # fmt: skip
    """The overlay on mini's own config (mini.yaml or mini_textbased.yaml): the task, the
    endpoint, limits, no cost limit (the model has no price), no confirmations."""
    return {
        "run": {"task": instruction},
        "agent": {
            "step_limit": max_steps,
            "cost_limit": 0,
            "wall_time_limit_seconds": int(max(1, timeout_s)),
            "mode": "yolo",
            "confirm_exit": False,
        },
        "model": {
            "model_name": f"openai/{model}",
            "cost_tracking": "ignore_errors",
            "model_kwargs": {"api_base": base_url, "api_key": api_key, "drop_params": True},
        },
        "environment": {"cwd": str(workspace), "timeout": command_timeout_s},
    }


def mini_command(
    executable: str | Path, *, config_file: Path, trajectory: Path, text_based: bool
) -> list[str]:
    base = "mini_textbased.yaml" if text_based else "mini.yaml"
    command = [
        str(executable),
        "--config", base, "--config", str(config_file),
        "--agent-class", "default",  # the non-interactive agent: never asks anything
        "--environment-class", "local",
        "--yolo", "--exit-immediately", "--cost-limit", "0",
        "--output", str(trajectory),
    ]  # fmt: skip
    if text_based:
        command += ["--model-class", "litellm_textbased"]
    return command


def mini_result(trajectory: Path) -> dict[str, Any] | None:
    """From mini's .traj.json: exit_status, api_calls, and the token counts of every model
    response it recorded."""
    try:
        data = json.loads(trajectory.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    info = data.get("info") or {}
    prompt = completion = cached = 0
    for message in data.get("messages") or []:
        response = ((message or {}).get("extra") or {}).get("response")
        usage = response.get("usage") if isinstance(response, dict) else None
        if isinstance(usage, dict):
            prompt += int(usage.get("prompt_tokens") or 0)
            completion += int(usage.get("completion_tokens") or 0)
            details = usage.get("prompt_tokens_details") or {}
            cached += int(details.get("cached_tokens") or 0) if isinstance(details, dict) else 0
    return {
        "exit_status": info.get("exit_status") or "",
        "api_calls": (info.get("model_stats") or {}).get("api_calls"),
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "cached_tokens": cached,
        "submission": info.get("submission") or "",
    }


async def run_mini_swe_agent(
    workspace: Path, instruction: str, *, base_url: str, model: str, timeout_s: float,
    test_cmd: str | None, log_dir: Path, max_steps: int = 50, command_timeout_s: int = 120,
    text_based: bool | None = None, api_key: str = DEFAULT_API_KEY,
) -> PeerRun:  # fmt: skip
    """Run mini-swe-agent's `mini` on `instruction` in `workspace` (its local environment:
    bash in the workspace) against `base_url` and `model`. `test_cmd`, when given, is named
    in the task (mini has no auto-test of its own). `text_based`: commands in ```fences
    instead of native tool calls; default: text when the endpoint says the model has no
    native tool calling (reins serve's /models does), else native."""
    started = time.perf_counter()
    ready = await _ready(MINI_SWE_AGENT, log_dir, started)
    if isinstance(ready, PeerRun):
        return ready
    workspace = Path(workspace).resolve()
    log_dir = Path(log_dir).resolve()
    if text_based is None:
        card = await asyncio.to_thread(model_card, base_url, model)
        native = (card.get("reins") or {}).get("native_tools") if card else None
        text_based = native is False
    task = instruction
    if test_cmd:
        task += f"\n\nCheck your work with this command: `{test_cmd}`"
    config = mini_config(
        instruction=task, base_url=base_url, model=model, api_key=api_key,
        workspace=workspace, max_steps=max_steps, timeout_s=timeout_s,
        command_timeout_s=command_timeout_s,
    )  # fmt: skip
    # JSON is YAML: mini reads it with its YAML loader (the name must end in .yaml).
    config_file = log_dir / "mini.config.yaml"
    config_file.write_text(json.dumps(config, indent=1, ensure_ascii=False), "utf-8")
    trajectory = log_dir / "mini.traj.json"
    trajectory.unlink(missing_ok=True)
    command = mini_command(ready, config_file=config_file, trajectory=trajectory,
                           text_based=text_based)  # fmt: skip
    config_home = peer_home(MINI_SWE_AGENT) / "config"
    env = _scrubbed_env({
        "MSWEA_CONFIGURED": "true",  # skip the first-run set-up questions
        "MSWEA_GLOBAL_CONFIG_DIR": str(config_home),  # not the user's ~/.config
        "MSWEA_COST_TRACKING": "ignore_errors",
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        "OPENAI_API_KEY": api_key, "PYTHONUNBUFFERED": "1", "TERM": "dumb",
        "PAGER": "cat", "MANPAGER": "cat", "GIT_PAGER": "cat",
    })  # fmt: skip
    return await _run_peer(
        MINI_SWE_AGENT, command, workspace=workspace, env=env, timeout_s=timeout_s,
        base_url=base_url, log_path=log_dir / "mini.log", trajectory=trajectory,
        read_result=lambda run: _mini_result(run, trajectory),
    )  # fmt: skip


def _mini_result(run: PeerRun, trajectory: Path) -> None:
    result = mini_result(trajectory)
    if result is None:
        if run.status == "completed":
            run.status = "error"
            run.error = f"mini wrote no trajectory (exit {run.exit_code}); see {run.log_path}"
        return
    exit_status = result["exit_status"]
    if run.status == "completed":
        if exit_status == "Submitted":
            pass
        elif exit_status in ("LimitsExceeded", "TimeExceeded"):
            run.status, run.error = "budget", f"mini stopped: {exit_status}"
        else:
            run.status = "error"
            run.error = f"mini ended with {exit_status or f'exit {run.exit_code}'}"
    if run.tokens_source is None and result["api_calls"]:
        run.tokens_in, run.tokens_out = result["prompt_tokens"], result["completion_tokens"]
        run.tokens_cached, run.model_calls = result["cached_tokens"], result["api_calls"]
        run.tokens_source = "peer"


# --- shared ----------------------------------------------------------------------------------


def supervised(command: list[str]) -> list[str]:
    from reins.sandbox.local import SUPERVISOR

    return [sys.executable, "-I", "-S", SUPERVISOR, str(os.getpid()), "--", *command]


async def _run_peer(
    peer: Peer, command: list[str], *, workspace: Path, env: Mapping[str, str],
    timeout_s: float, base_url: str, log_path: Path, trajectory: Path,
    read_result: Callable[[PeerRun], None],
) -> PeerRun:  # fmt: skip
    before = await asyncio.to_thread(server_usage, base_url)
    run = PeerRun(peer.name, peer.version, "completed", log_path=log_path, command=command)
    try:
        code, timed_out, wall = await _run_process(
            command, cwd=workspace, env=env, timeout_s=timeout_s, log_path=log_path
        )
    except OSError as error:
        run.status, run.error = "setup_failed", f"cannot start {peer.executable}: {error}"
        return run
    run.exit_code, run.wall_s = code, round(wall, 3)
    if timed_out:
        run.status, run.error = "budget", f"timed out after {timeout_s:g} s; killed"
    if before is not None:
        _with_usage(run, before, await asyncio.to_thread(server_usage, base_url))
    read_result(run)
    run.trajectory_path = trajectory if trajectory.is_file() else None
    return run
