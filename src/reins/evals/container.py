"""A container task's environment, as Harbor runs it, with podman or docker.

    env = ContainerEnvironment(task, engine)     # find_engine() picks podman or docker
    await env.build()                            # environment/Dockerfile, or docker_image
    await env.start(workspace)                   # the image's WORKDIR copied to workspace
    ... the agent works: file tools on `workspace`, commands through env.sandbox ...
    verdict = await env.verify()                 # /tests copied in only now
    await env.stop()

The image's working directory (WORKDIR; /app when it sets none) is copied out to the
trial's workspace on the host and mounted back over it, and at the workspace's own path
too: the agent's file tools, its commands and the verifier all see the same files, under
either name. The agent's commands, the solution and the verifier run inside the
container, with the network the task allows (`[environment] allow_internet`, default on,
as in Harbor) and its `cpus` and `memory_mb`. The tests are copied to /tests after the
agent is done and everything it left running is killed; the verifier writes its reward
to /logs/verifier, which is read back as for a workspace task.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reins.evals.task import Task
from reins.evals.verifier import OUTPUT_KEPT, Verdict, read_rewards
from reins.sandbox.base import ExecResult, run_process
from reins.sandbox.container import ContainerSandbox

ENGINES = ("podman", "docker")
ENGINE_VARIABLE = "REINS_CONTAINER_ENGINE"  # force one (a name or a path)
DEFAULT_WORKDIR = "/app"
DEFAULT_BUILD_TIMEOUT_S = 600.0  # Harbor's
STEP_TIMEOUT_S = 120.0  # create, copy, start, inspect
# A runtime that may not raise its own limits (no CAP_SYS_RESOURCE, as in some microVMs)
# fails on the engine's default ulimits; these it can set.
LOW_ULIMITS = ("--ulimit", "nofile=1024:1024", "--ulimit", "nproc=4096:4096")
# The container's init: idle while commands are exec'd in. A sleep killed by the
# verifier's clean-up (kill -9 -1) must not end the loop.
KEEP_ALIVE = "trap 'exit 0' TERM INT; while :; do sleep 3600; done"


class ContainerError(RuntimeError):
    """The environment could not be built or started; the message says why."""


@dataclass(frozen=True)
class Engine:
    name: str  # podman | docker
    path: str

    def remove_args(self, container: str) -> list[str]:
        # podman's rm -f waits 10 s for a graceful stop unless told not to
        timeout = ["-t", "0"] if self.name == "podman" else []
        return [self.path, "rm", "-f", *timeout, container]


@cache
def find_engine() -> Engine | None:
    """podman, else docker, that can talk to its daemon or storage; None when neither can
    (REINS_CONTAINER_ENGINE names one to use)."""
    wanted = os.environ.get(ENGINE_VARIABLE)
    for candidate in [wanted] if wanted else ENGINES:
        path = shutil.which(candidate)
        if path is None:
            continue
        try:
            ok = subprocess.run([path, "info"], capture_output=True, timeout=30).returncode == 0
        except (OSError, subprocess.SubprocessError):
            ok = False
        if ok:
            # podman's flags where the program is podman (podman-remote too), else docker's
            return Engine("podman" if "podman" in Path(path).name else "docker", path)
    return None


def no_engine_reason() -> str:
    wanted = os.environ.get(ENGINE_VARIABLE)
    if wanted:
        return f"{ENGINE_VARIABLE}={wanted} cannot run containers here (`{wanted} info` failed)"
    return (
        "a container task (environment/Dockerfile or [environment] docker_image) needs podman "
        "or docker, and neither works here (install one: apt-get install podman)"
    )


# Set once a run failed on the default ulimits: every later build and run passes LOW_ULIMITS.
_low_ulimits: set[str] = set()


def _rlimit_failure(output: str) -> bool:
    return "rlimit" in output.lower() and "operation not permitted" in output.lower()


_TEMPLATE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def host_value(template: str) -> str:
    """`${VAR}` and `${VAR:-default}` in a task's env value, from this machine's environment
    (a key the task needs, without writing it into the task)."""
    return _TEMPLATE.sub(lambda m: os.environ.get(m.group(1)) or (m.group(2) or ""), template)


# reins-<task>-<pid of the bench process>-<host>-<n>: a container whose process is gone
# (the bench was killed with SIGKILL) is found by its name and removed.
_NAME = re.compile(r"^reins-.+-(\d+)-h([0-9a-f]{8})-\d+(-copy)?$")
_orphans_checked: set[str] = set()


def _host() -> str:
    import socket

    return hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]


def container_name(task_name: str) -> str:
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in task_name[:40])
    return f"reins-{safe}-{os.getpid()}-h{_host()}-{time.monotonic_ns() % 10**9}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


async def remove_orphans(engine: Engine) -> list[str]:
    """Once per process: remove this machine's reins containers whose bench process is
    gone (a SIGKILL leaves the container and what the agent started in it running)."""
    if engine.path in _orphans_checked:
        return []
    _orphans_checked.add(engine.path)
    listed = await run_process([engine.path, "ps", "-a", "--format", "{{.Names}}"], "/",
                               STEP_TIMEOUT_S, dict(os.environ))  # fmt: skip
    if listed.exit_code != 0:
        return []
    host, removed = _host(), []
    for name in listed.output.split():
        match = _NAME.match(name)
        if match and match.group(2) == host and not _alive(int(match.group(1))):
            await run_process(engine.remove_args(name), "/", STEP_TIMEOUT_S, dict(os.environ))
            removed.append(name)
    return removed


def image_tag(task: Task) -> str:
    """The task's image: named after it and its build context's content, so an edited
    Dockerfile or file is built again and an unchanged one is not."""
    digest = hashlib.sha256()
    context = task.path / "environment"
    for file in sorted(p for p in context.rglob("*") if p.is_file()):
        digest.update(str(file.relative_to(context)).encode() + b"\0" + file.read_bytes())
    name = "".join(c if c.isalnum() or c in "-_." else "-" for c in task.name.lower())
    return f"localhost/reins-task-{name}:{digest.hexdigest()[:16]}"


class ContainerEnvironment:
    def __init__(self, task: Task, engine: Engine):
        self.task, self.engine = task, engine
        self.image = str(task.environment.get("docker_image") or "") or image_tag(task)
        self.container: str | None = None
        self.workdir = DEFAULT_WORKDIR
        self.workspace: Path | None = None
        self.sandbox: ContainerSandbox | None = None

    # -- engine calls --------------------------------------------------------------------

    async def _engine(self, *args: str, timeout_s: float = STEP_TIMEOUT_S,
                      ulimits: bool = False) -> ExecResult:  # fmt: skip
        """One engine command; with `ulimits`, retried on LOW_ULIMITS after an rlimit
        failure (and LOW_ULIMITS used from then on)."""
        argv = [self.engine.path, *args]
        if ulimits and self.engine.path in _low_ulimits:
            argv[2:2] = LOW_ULIMITS
        result = await run_process(argv, "/", timeout_s, dict(os.environ))
        if ulimits and not result.timed_out and result.exit_code and _rlimit_failure(result.output):
            if self.engine.path not in _low_ulimits:
                _low_ulimits.add(self.engine.path)
                if "--name" in args:  # the failed run left its container, name and all
                    name = args[args.index("--name") + 1]
                    await self._engine(*self.engine.remove_args(name)[1:])
                return await self._engine(*args, timeout_s=timeout_s, ulimits=True)
        return result

    async def _checked(self, what: str, *args: str, **kwargs) -> str:
        result = await self._engine(*args, **kwargs)
        if result.timed_out or result.exit_code != 0:
            why = "timed out" if result.timed_out else f"exit code {result.exit_code}"
            raise ContainerError(f"{what} failed ({why}): {result.output[-1500:].strip()}")
        return result.output

    # -- lifecycle -----------------------------------------------------------------------

    async def build(self) -> float:
        """Build (or, for docker_image, pull) the image unless it is there. Seconds taken."""
        start = time.perf_counter()
        exists = await self._engine("image", "inspect", "--format", "{{.Id}}", self.image)
        if exists.exit_code == 0:
            return time.perf_counter() - start
        timeout = self.task.environment.get("build_timeout_sec", DEFAULT_BUILD_TIMEOUT_S)
        if self.task.environment.get("docker_image"):
            await self._checked(f"pulling {self.image}", "pull", self.image, timeout_s=timeout)
        else:
            context = str(self.task.path / "environment")
            await self._checked(f"building {self.task.name}'s image", "build", "-t", self.image,
                                context, timeout_s=timeout, ulimits=True)  # fmt: skip
        return time.perf_counter() - start

    async def start(self, workspace: Path) -> None:
        """Copy the image's working directory into `workspace` (empty), then run the
        container with it mounted back, idle until commands are exec'd into it."""
        self.workspace = workspace.resolve()
        workdir = (await self._checked(
            "reading the image's WORKDIR", "image", "inspect", "--format",
            "{{.Config.WorkingDir}}", self.image,
        )).strip()  # fmt: skip
        self.workdir = workdir if workdir not in ("", "/") else DEFAULT_WORKDIR
        await remove_orphans(self.engine)
        name = container_name(self.task.name)
        await self._copy_workdir(name + "-copy")
        mounts = ["-v", f"{self.workspace}:{self.workdir}"]
        if str(self.workspace) != self.workdir:
            mounts += ["-v", f"{self.workspace}:{self.workspace}"]
        network = [] if self.task.environment.get("allow_internet", True) else ["--network", "none"]
        # Named before it runs: a run that fails (a bad --memory, a missing image) can
        # still leave the container created, and stop() removes it by this name.
        self.container = name
        await self._checked(
            f"starting {self.task.name}'s container", "run", "-d", "--name", name,
            *mounts, "-w", self.workdir, *network, *self._resources(), *self._env_flags(),
            "--entrypoint", "sh", self.image, "-c", KEEP_ALIVE, ulimits=True,
        )  # fmt: skip
        self.sandbox = ContainerSandbox(self.engine.path, name)

    async def _copy_workdir(self, name: str) -> None:
        await self._checked("creating a container to copy the workdir from", "create",
                            "--name", name, "--entrypoint", "sh", self.image, "-c", "true",
                            ulimits=True)  # fmt: skip
        try:
            copied = await self._engine("cp", f"{name}:{self.workdir}/.", str(self.workspace))
            missing = (
                "no such file" in copied.output.lower() or "not found" in copied.output.lower()
            )
            if copied.exit_code != 0 and not missing:  # no WORKDIR in the image: start empty
                raise ContainerError(f"copying {self.workdir} out of the image failed: "
                                     f"{copied.output[-800:].strip()}")  # fmt: skip
        finally:
            await self._engine(*self.engine.remove_args(name)[1:])

    def _resources(self) -> list[str]:
        flags = []
        if cpus := self.task.environment.get("cpus"):
            flags += ["--cpus", str(cpus)]
        if memory := self.task.environment.get("memory_mb"):
            flags += ["--memory", f"{int(memory)}m"]
        return flags

    def _task_env(self) -> dict[str, str]:
        """[environment] env, its ${VAR} and ${VAR:-default} taken from this machine's."""
        return {
            str(k): host_value(str(v))
            for k, v in dict(self.task.environment.get("env", {})).items()
        }

    def _env_flags(self) -> list[str]:
        return [flag for k, v in self._task_env().items() for flag in ("-e", f"{k}={v}")]

    async def stop(self) -> None:
        if self.container is not None:
            await self._engine(*self.engine.remove_args(self.container)[1:])
            self.container, self.sandbox = None, None

    # -- the solution and the verifier ---------------------------------------------------

    async def _put(self, source: Path, target: str) -> None:
        """Copy a folder's files to `target`, a path that does not exist in the container."""
        assert self.container is not None
        await self._checked(f"copying {source.name}/ to {target}", "cp", f"{source}/.",
                            f"{self.container}:{target}")  # fmt: skip

    async def _script(self, script: str, timeout_s: float, env: dict[str, str]) -> ExecResult:
        """Run a task script as Harbor does (`bash SCRIPT` in the workdir; sh in an image
        without bash), with the section's env over the environment's. What it leaves
        running is not chased: the verifier's clean-up or the container's removal ends it."""
        assert self.sandbox is not None
        return await self.sandbox.run_shell([script], self.workdir, timeout_s, env, clean_up=False)

    async def apply_solution(self, timeout_s: float) -> tuple[bool, str]:
        """The oracle: solution/ at /solution, then `bash /solution/solve.sh`."""
        if self.task.solution is None:
            return False, f"{self.task.name} has no solution/solve.sh"
        await self._put(self.task.solution.parent, "/solution")
        result = await self._script("/solution/solve.sh", timeout_s, self.task.solution_env)
        return not result.timed_out and result.exit_code == 0, result.output[-OUTPUT_KEPT:]

    async def verify(self, timeout_s: float | None = None) -> Verdict:
        """Kill what the agent left running, copy the tests in, run them, read the reward."""
        assert self.sandbox is not None and self.container is not None
        timeout_s = timeout_s or self.task.verifier_timeout_s
        # whatever the agent put at /tests or /logs/verifier goes with its processes
        cleared = await self.sandbox.kill_all(
            "rm -rf /tests /logs/verifier && mkdir -p /logs/verifier"
        )
        if cleared.timed_out or cleared.exit_code != 0:
            raise ContainerError(f"clearing the container for the verifier failed: "
                                 f"{cleared.output[-500:].strip()}")  # fmt: skip
        await self._put(self.task.tests, "/tests")
        start = time.perf_counter()
        result = await self._script("/tests/test.sh", timeout_s, self.task.verifier_env)
        seconds = time.perf_counter() - start
        output = result.output[-OUTPUT_KEPT:]
        if result.timed_out:
            return Verdict(0.0, {}, seconds, output, f"verifier timed out after {timeout_s:g} s")
        with tempfile.TemporaryDirectory(prefix="reins-verifier-") as logs:
            copied = await self._engine("cp", f"{self.container}:/logs/verifier/.", logs)
            if copied.exit_code != 0:
                return Verdict(0.0, {}, seconds, output,
                               f"could not read /logs/verifier: {copied.output[-300:].strip()}")  # fmt: skip
            rewards, problem = read_rewards(Path(logs))
        if problem:
            return Verdict(0.0, {}, seconds, output,
                           f"{problem} (verifier exit code {result.exit_code})")  # fmt: skip
        return Verdict(rewards["reward"], rewards, seconds, output)
