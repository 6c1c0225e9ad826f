"""The `reins` command. Thin: parses flags and calls the packages; heavy imports are lazy
so `reins --help` and `reins --version` start fast."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from reins import __version__

FORCE_HELP = (
    "Index even a home directory, the filesystem root or a folder over [index] max_files "
    "files (100,000 by default)."
)
MODEL_HELP = (
    "Model spec: local:qwen2.5-coder-1.5b (default, embedded), openai:MODEL, anthropic:MODEL, "
    "openai-compat:BASE_URL#MODEL, scripted:FILE.jsonl (tests/demos only)."
)


def exit_now(code: int) -> None:
    """Exit without waiting for worker threads: one stuck in a cancelled call (llama.cpp
    mid-prefill cannot be interrupted) must not hold the process past its deadline."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def fail(message: str, code: int = 1, as_json: bool = False) -> None:
    """`reins: error: …` on stderr and exit; under --json, stdout still gets its one object."""
    from reins.ui.errors import fail as fail_for_real
    from reins.ui.errors import set_json_mode

    set_json_mode(as_json)
    fail_for_real(message, code)


def _json_flag(ctx, param, value):
    """Every --json flag: errors of this command print a JSON object too."""
    if value:
        from reins.ui.errors import set_json_mode

        set_json_mode(True)
    return value


def _output_format(ctx, param, value):
    _json_flag(ctx, param, value != "text")
    return value


class Reins(click.Group):
    """A usage error under --json still prints the command's one JSON object."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except click.UsageError as error:
            from reins.ui.errors import error_object, json_mode

            if json_mode:
                click.echo(error_object(error.format_message()))
            raise


@click.group(cls=Reins, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="reins")
def main() -> None:
    """reins: an agent harness for coding agents.

    \b
    Quick start:
      reins demo                      watch the embedded model fix a failing test
      reins run "fix the failing test" --repo PATH
      reins chat                      interactive session in the current repo
      reins undo                      put back what the last turn changed (--list, --turn N)
      reins sessions list             what ran, with tokens, tool calls and cost
      reins search "where is X done"  find code by meaning or name (reins index builds ahead)
      reins trust --repo PATH         let a repo's .reins/config.toml change the sandbox/model
      reins completion bash           shell completion (also zsh, fish)

    Settings come from ~/.config/reins/config.toml, then REPO/.reins/config.toml
    (the repo wins; beyond limits only once you `reins trust` it), then flags.
    API keys: OPENAI_API_KEY, ANTHROPIC_API_KEY, OPENAI_COMPAT_API_KEY.
    """


def _common(func):
    func = click.option(
        "--profile", help="Force a harness profile (default: chosen by model family)."
    )(func)
    func = click.option("--model", "-m", help=MODEL_HELP)(func)
    func = click.option(
        "--repo", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
        show_default=True, help="Repository to work in.",
    )(func)  # fmt: skip
    return func


def _changes_options(func):
    func = click.option(
        "--no-checkpoints", "checkpoints", flag_value=False, default=None,
        help="Do not snapshot turns for `reins undo` (config: checkpoints = false).",
    )(func)  # fmt: skip
    return click.option(
        "--auto-commit", is_flag=True, default=None,
        help="Commit the files each turn changed to the current branch (hooks do not run).",
    )(func)  # fmt: skip


def _sandbox_options(func):
    func = click.option(
        "--allow-network", is_flag=True, default=None, help="Let commands reach the network."
    )(func)
    func = click.option(
        "--sandbox", type=click.Choice(["read-only", "workspace-write", "full-access"]),
        help="read-only: nothing changes without approval; workspace-write (default): commands "
        "in bubblewrap, repo writable, no network; full-access: no isolation.",
    )(func)  # fmt: skip
    return func


def _config(repo: Path, ask_trust: bool = False, as_json: bool = False, **flags):
    from reins.config import ConfigError, UntrustedRepoConfig, load_config

    if not repo.is_dir():
        fail(f"repository {repo} does not exist or is not a directory", as_json=as_json)
    try:
        try:
            return load_config(repo).with_flags(**flags)
        except UntrustedRepoConfig as untrusted:
            if not (ask_trust and sys.stdin.isatty()):
                raise
            drop = not _ask_trust(untrusted.repo_config)
            return load_config(repo, untrusted="drop" if drop else "refuse").with_flags(**flags)
    except ConfigError as error:
        fail(str(error), as_json=as_json)


def _ask_trust(repo_config) -> bool:
    """Show the repo's config and ask whether it may apply (chat only; run never prompts)."""
    from reins.config import trust_repo_config

    click.echo(f"{repo_config.path} asks for settings that need your consent:", err=True)
    click.echo(repo_config.path.read_text("utf-8", errors="replace").rstrip(), err=True)
    keys = ", ".join(repo_config.sensitive_keys)
    if click.confirm(f"Trust this file ({keys})? It is asked again if it changes", err=True):
        trust_repo_config(repo_config)
        return True
    click.echo(
        "reins: using only its limits (max_steps and the like); the rest is ignored", err=True
    )
    return False


def _resume_target(store, repo: Path, resume_id: str | None, latest: bool,
                   as_json: bool = False) -> str | None:  # fmt: skip
    """The session to continue: --resume ID (a prefix is fine), --continue (the latest in
    this repository), or None for a new one. It must have run in this repository."""
    from reins.store import StoreError

    if resume_id and latest:
        raise click.UsageError("give --resume ID or --continue, not both")
    if not (resume_id or latest):
        return None
    here = str(repo.resolve())
    try:
        row = store.latest_session(here) if latest else store.get_session(resume_id)
    except StoreError as error:
        fail(str(error), as_json=as_json)
    if row is None:
        what = f"no session ran in {here} yet" if latest else f"no session {resume_id!r}"
        fail(f"{what}; see `reins sessions list`", as_json=as_json)
    if row.repo != here:
        fail(f"session {row.id} ran in {row.repo}; pass --repo {row.repo}", as_json=as_json)
    return row.id


def _store(as_json: bool = False):
    from reins.store import SessionStore, StoreError, default_store_path

    try:
        return SessionStore(default_store_path())
    except StoreError as error:
        fail(str(error), as_json=as_json)


MAX_TASK_BYTES = 10 * 1024 * 1024  # a task is text for a model, not a data set


def read_task(task: str | None, task_file: Path | None) -> str:
    """The task from the argument, `-` (stdin) or --task-file; a usage error when it is
    missing or empty, before any model loads."""
    if task is not None and task_file is not None:
        raise click.UsageError("give the task as an argument or with --task-file, not both")
    if task_file is not None:
        try:
            with task_file.open("rb") as handle:
                data = handle.read(MAX_TASK_BYTES + 1)
        except OSError as error:
            raise click.UsageError(
                f"cannot read --task-file {task_file}: {error.strerror}"
            ) from None
    elif task == "-":
        data = sys.stdin.buffer.read(MAX_TASK_BYTES + 1)
    elif task is None:
        raise click.UsageError("no task: give it as an argument, `-` to read stdin, or --task-file")
    else:
        data = task.encode("utf-8", "surrogateescape")
    if len(data) > MAX_TASK_BYTES:
        raise click.UsageError(f"the task is over {MAX_TASK_BYTES // 2**20} MB")
    text = data.decode("utf-8", errors="replace")
    if not text.strip():
        raise click.UsageError("the task is empty; say what the agent should do")
    return text


@main.command()
@click.argument("task", required=False)
@_common
@click.option("--task-file", type=click.Path(dir_okay=False, path_type=Path),
              help="Read the task from this file (any size up to 10 MB).")  # fmt: skip
@click.option("--max-steps", type=click.IntRange(1), help="Stop after N model calls (default 40).")
@click.option(
    "--max-tokens", type=click.IntRange(1), help="Stop when input+output tokens exceed N."
)
@click.option("--max-wall-s", "--timeout", "max_wall_s", type=click.FloatRange(1),
              help="Stop after N seconds (config: max_wall_s).")  # fmt: skip
@_sandbox_options
@click.option("--diff", "show_diff", is_flag=True, help="Print the full diff of the changes.")
@_changes_options
@click.option("--output-format", "output", type=click.Choice(["text", "json", "stream-json"]),
              default="text", show_default=True, callback=_output_format,
              help="json: one object at the end; stream-json: one JSON event per line as it "
                   "happens, then a `result` line.")  # fmt: skip
@click.option(
    "--json", "as_json", is_flag=True, callback=_json_flag, help="Same as --output-format json."
)
@click.option("--resume", "resume_id", metavar="ID",
              help="Continue a stored session: its history, then TASK as the next request.")  # fmt: skip
@click.option("--continue", "-c", "continue_latest", is_flag=True,
              help="Continue the latest session that ran in this repository.")  # fmt: skip
def run(
    task, repo, model, profile, task_file, max_steps, max_tokens, max_wall_s, sandbox,
    allow_network, show_diff, auto_commit, checkpoints, output, as_json, resume_id,
    continue_latest,
):  # fmt: skip
    """Run TASK headless in a repository; never prompts.

    \b
    TASK is the request; `-` reads it from stdin, --task-file from a file.
    The working tree is checkpointed before the agent's first change; the run ends with
    a summary of the files changed (--diff: the whole diff). `reins undo` puts them back.

    \b
    Exit codes:
      0    completed
      1    error (setup, model or session log)
      2    usage error (bad flags, empty task); nothing ran
      3    a step, token or time budget ran out
      130  interrupted (SIGINT, Ctrl-C); 143: terminated (SIGTERM)

    \b
    --json prints exactly one object: session_id, status, steps, tool_calls,
    tokens_in, tokens_out, wall_s, final_message, changes (also on errors).

    \b
    Examples:
      reins run "fix the failing test in tests/test_api.py"
      git diff | reins run - --output-format stream-json
      reins run --task-file issue.md --timeout 600 --json
    """
    from reins.ui.headless import run_headless

    output = "json" if as_json else output
    text = read_task(task, task_file)
    config = _config(
        repo, as_json=output != "text", model=model, profile=profile, max_steps=max_steps,
        max_tokens=max_tokens, max_wall_s=max_wall_s, sandbox=sandbox,
        allow_network=allow_network, auto_commit=auto_commit, checkpoints=checkpoints,
    )  # fmt: skip
    store = _store(as_json=output != "text")
    resume = _resume_target(store, repo, resume_id, continue_latest, as_json=output != "text")
    exit_now(run_headless(text, repo, config, store, output=output, show_diff=show_diff,
                          resume_id=resume))  # fmt: skip


@main.command()
@_common
@_sandbox_options
@click.option("--resume", "resume_id", help="Continue a stored session (ID or unique prefix).")
@click.option("--continue", "-c", "continue_latest", is_flag=True,
              help="Continue the latest session that ran in this repository.")  # fmt: skip
@_changes_options
def chat(
    repo, model, profile, sandbox, allow_network, resume_id, continue_latest, auto_commit,
    checkpoints,
):  # fmt: skip
    """Interactive session: type requests; /help lists the commands; /exit quits.

    \b
    /diff and /undo show and put back what the last turn changed; /model SPEC switches
    models. Ctrl-C stops the current step and returns to the prompt; Ctrl-D exits.
    Actions outside the sandbox policy ask for your approval, showing the diff.
    """
    from reins.ui.chat import run_chat

    config = _config(
        repo, ask_trust=True, model=model, profile=profile, sandbox=sandbox,
        allow_network=allow_network, auto_commit=auto_commit, checkpoints=checkpoints,
    )  # fmt: skip
    store = _store()
    run_chat(repo, config, store, _resume_target(store, repo, resume_id, continue_latest))


@main.command()
@click.option("--model", "-m", help=MODEL_HELP)
@click.option("--keep", is_flag=True, help="Keep the temporary project afterwards.")
def demo(model, keep):
    """Copy a small sample project with a failing test to a temp dir and let the agent fix it."""
    from reins.demo.run_demo import run_demo

    sys.exit(run_demo(model, keep))


@main.command()
@click.argument("path", type=click.Path(file_okay=False, path_type=Path), default=Path("."))
@click.option("--rebuild", is_flag=True, help="Drop the stored index and build it from scratch.")
@click.option("--force", is_flag=True, help=FORCE_HELP)
def index(path, rebuild, force):
    """Build or update the codebase index used by `reins search` and codebase_search.

    \b
    The index lives in the user cache dir, one per repo. Only files whose content hash
    changed are re-chunked and re-embedded; searches update it by themselves, so running
    this is optional (it just moves the first-time cost up front).

    \b
    With [index] embeddings = "auto" (the default) search starts on a fast static table,
    and a background process at idle priority then embeds every chunk with the whole
    MiniLM (better ranking); search switches to it when that is done.
    REINS_INDEX_SERVER=0 turns the background process off.
    """
    from reins.ui.index_view import run_index

    background = os.environ.get("REINS_INDEX_SERVER", "1") != "0"
    _run_index_job(lambda: run_index(path, _config(path), rebuild, force, background))


@main.command()
@click.argument("query")
@click.option("--repo", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Repository to search.")  # fmt: skip
@click.option("--limit", "-n", type=click.IntRange(1, 200), default=10, show_default=True)
@click.option("--glob", "path_glob", help="Only paths matching this glob, e.g. 'src/**/*.py'.")
@click.option("--json", "as_json", is_flag=True, callback=_json_flag,
              help="One JSON array of {path, start_line, end_line, score, symbol, symbols, match}.")  # fmt: skip
@click.option("--force", is_flag=True, help=FORCE_HELP)
def search(query, repo, limit, path_glob, as_json, force):
    """Find code by meaning or by name: hybrid keyword + semantic search.

    \b
    The first search in a repository starts a small index server in the background
    (it exits after 15 idle minutes; REINS_INDEX_SERVER=0 turns it off), so the next
    ones answer from memory. With [index] embeddings = "auto" (the default) the server
    also has every chunk embedded with the whole MiniLM at idle priority, and switches
    to it from the fast static table when that is done (see `reins index --help`).

    \b
    Examples:
      reins search "where do we retry failed uploads"
      reins search SessionStore --json
      reins search "parse headers" --glob 'src/**/*.py' -n 5
    """
    if not query.strip():
        fail("the query is empty; say what code you are looking for", 2, as_json=as_json)
    config = _config(repo, as_json=as_json)
    from reins.index.server_client import ask

    use_server = os.environ.get("REINS_INDEX_SERVER", "1") != "0"
    hits = ask(repo, config.index, query, limit, path_glob) if use_server else None
    if hits is not None:  # a warm index server answered: no index to load here
        from reins.ui.hits_text import print_hits

        print_hits(hits, query, as_json)
        return
    from reins.ui.index_view import run_search

    _run_index_job(
        lambda: run_search(repo, config, query, limit, as_json, path_glob, force), as_json
    )
    if use_server:
        from reins.index import server

        server.start(repo, config.index)  # the next search here answers from memory


def _run_index_job(job, as_json: bool = False) -> None:
    from reins.index.embed.minilm import EmbeddingModelMissing
    from reins.index.index_db import IndexUnavailable
    from reins.models.client import ProviderError

    try:
        job()
    except KeyboardInterrupt:
        fail("interrupted; the index keeps what was finished", 130, as_json=as_json)
    except (EmbeddingModelMissing, IndexUnavailable, ProviderError, ValueError,
            FileNotFoundError) as error:  # fmt: skip
        fail(str(error), as_json=as_json)


@main.command()
@click.argument("suite", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--agent", "agents", multiple=True, default=["reins"], show_default=True,
              type=click.Choice(["reins", "aider", "mini-swe-agent", "oracle", "nop"]),
              help="Agent(s) to run; repeat to compare (oracle/nop check a suite).")  # fmt: skip
@click.option("--variant", "variants", multiple=True, metavar="NAME[:KEY=VALUE,...]",
              help="A reins variant: settings and profile.FIELD overrides. Repeatable; the "
                   "first is the baseline of the comparisons.")  # fmt: skip
@click.option("--model", "-m", help=MODEL_HELP)
@click.option("--epochs", type=click.IntRange(1), default=1, show_default=True,
              help="Runs of every task per arm (pass@k, pass^k and clustered CIs).")  # fmt: skip
@click.option("--workers", type=click.IntRange(1), default=1, show_default=True,
              help="Trials in parallel on this machine.")  # fmt: skip
@click.option(
    "--ray",
    "ray_address",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[ADDRESS]",
    help="Run trials as Ray tasks (local Ray without ADDRESS).",
)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Results folder (default: bench-out/SUITE). Rerun with the same --out "
                   "to resume.")  # fmt: skip
@click.option("--task", "include", multiple=True, metavar="GLOB|@FILE",
              help="Only tasks whose name matches (repeatable; @FILE: one glob per line).")  # fmt: skip
@click.option("--exclude", multiple=True, metavar="GLOB|@FILE",
              help="Leave these tasks out, e.g. a tuning split (repeatable; @FILE as --task).")  # fmt: skip
@click.option("--limit", type=click.IntRange(1),
              help="A seeded random subset of N tasks (after --task/--exclude).")  # fmt: skip
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for --limit.")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a self-contained HTML report here.")  # fmt: skip
@click.option(
    "--keep",
    is_flag=True,
    help="Keep each trial's workspace (its path: `workspace` in OUT/trials.jsonl).",
)
@click.option("--agent-timeout", type=click.FloatRange(1), default=None, metavar="SECONDS",
              help="Cap every agent's time on a task (a task's own lower limit stays), for "
                   "every arm alike; kept in the plan, so a resume keeps it.")  # fmt: skip
@click.option("--no-run", is_flag=True,
              help="Only summarise the trials already in --out for exactly this plan (the same "
                   "arms too): a look at a bench still running elsewhere, or a report without "
                   "running anything.")  # fmt: skip
@click.option(
    "--json", "as_json", is_flag=True, callback=_json_flag, help="Print one JSON object on stdout."
)
def bench(suite, agents, variants, model, epochs, workers, ray_address, out, include, exclude,
          limit, seed, report, keep, agent_timeout, no_run, as_json):  # fmt: skip
    """Run agents and harness variants on a task suite and compare them with statistics.

    \b
    A suite is a folder of tasks in Harbor's layout (make one with `reins tasks import`).
    Every trial (task x arm x epoch) runs in a fresh copy of the workspace, in the
    sandbox; the verifier runs after the agent, with the tests it never saw. A task with
    environment/Dockerfile (or a docker_image) runs in its own container with podman or
    docker: the image is built once, the agent's commands run inside, and so do the
    solution and the verifier. Results go to OUT/trials.jsonl as trials finish: rerun the
    same command to resume.

    \b
    Examples:
      reins bench suites/exercism --agent oracle --agent nop       check a suite
      reins bench suites/exercism --limit 40 --report report.html
      reins bench suites/exercism --variant base \\
          --variant wholefile:profile.tools=read_file,write_file,run_command
      reins bench suites/exercism --workers 2 --epochs 3 --json
      reins bench suites/exercism --agent reins --agent aider --agent-timeout 180
      reins bench suites/exercism --exclude @tuning.txt --limit 60 --seed 2   held out
      reins bench suites/ex-tests --variant one --variant best3:attempts=3
          best-of-3 sessions per task (each with the task's time limit; later ones
          sample hotter), picked by the tests the agent was given
    """
    from reins.evals.bench import Terminated, sigterm_interrupts
    from reins.evals.task import TaskError
    from reins.evals.variants import VariantError, parse_variants
    from reins.ui.bench_view import run_bench_command

    config = _config(Path("."), model=model)
    try:
        parsed = parse_variants(list(variants))
        with sigterm_interrupts():
            code = run_bench_command(
                suite, agents=list(agents), variants=parsed, config=config, epochs=epochs,
                workers=workers, ray=ray_address, out=out or Path("bench-out") / suite.name,
                as_json=as_json, report=report, limit=limit, seed=seed, keep=keep,
                endpoint=None, include=list(include), exclude=list(exclude), no_run=no_run,
                agent_timeout_s=agent_timeout,
            )  # fmt: skip
    except (TaskError, VariantError, ValueError, RuntimeError) as error:
        fail(str(error))
    except Terminated:
        fail("terminated (SIGTERM); finished trials are saved: rerun the same command to resume",
             143)  # fmt: skip
    except KeyboardInterrupt:
        fail("interrupted; finished trials are saved: rerun the same command to resume", 130)
    exit_now(code)


@main.group()
def tasks() -> None:
    """Task suites for `reins bench`: import them from outside material, list them.

    \b
    A suite is a folder of tasks in Harbor's layout: instruction.md, task.toml,
    environment/workspace/ (or environment/Dockerfile: a container task), tests/test.sh
    (the verifier, never shown to the agent) and solution/solve.sh. Every imported task was checked: its solution gets reward 1
    and its untouched workspace reward 0.
    """


def _import_options(func):
    func = click.option("--json", "as_json", is_flag=True, callback=_json_flag,
                        help="Print one JSON object (imported, dropped with reasons, notes).")(func)  # fmt: skip
    func = click.option("--agent-timeout", type=click.FloatRange(1), default=None,
                        help="The agent's time limit written into each task.toml.")(func)  # fmt: skip
    func = click.option("--force", is_flag=True, help="Replace tasks that exist in DEST.")(func)
    return func


def _jobs_option(func):
    return click.option("--jobs", "-j", type=click.IntRange(1), default=os.cpu_count() or 1,
                        show_default="CPU count", help="Tasks imported in parallel.")(func)  # fmt: skip


@tasks.group("import")
def tasks_import() -> None:
    """Make tasks from outside material: reins tasks import KIND SRC DEST.

    \b
    Kinds:
      exercism  a folder of Exercism exercises (stub + docs -> task, tests hidden)
      swebench  SWE-bench-style JSONL against local clones of the repos
      mutate    bug-fix tasks: one-line bugs injected into a repo with passing tests

    Tasks that fail their check are dropped and listed with the reason; the exit code
    is 1 when no task was imported. Existing tasks are kept unless --force. See
    `reins tasks import KIND --help` for each kind's options and examples.
    """


@tasks_import.command("exercism")
@click.argument("src", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@click.option("--with-tests", is_flag=True,
              help="Give the agent a copy of the tests (grading still uses the originals).")  # fmt: skip
@click.option("--only", multiple=True, metavar="EXERCISE", help="Import just these (repeatable).")
@_jobs_option
@_import_options
def tasks_import_exercism(src, dest, with_tests, only, jobs, force, agent_timeout, as_json):
    """Exercism exercises (exercism/python's layout) as tasks.

    \b
    SRC holds exercise folders (or is one): the stub, its unittest tests, .docs/ and
    .meta/ (config.json naming the files, example.py). The stub and the docs become
    the workspace and the instruction; the tests are the hidden verifier (reward 1 only
    if all pass, "fraction" recorded); .meta/example.py is the solution. An exercise
    whose example fails its tests, or whose stub already passes, is dropped.

    \b
    Examples:
      reins tasks import exercism ../shared/tasks/exercism-python suites/exercism
      reins tasks import exercism exercises/ suites/ex-tests --with-tests --only two-fer
    """
    from reins.evals.importers.exercism import import_exercism
    from reins.ui.tasks_view import run_import

    run_import(lambda progress: import_exercism(
        src, dest, with_tests=with_tests, only=tuple(only), force=force, jobs=jobs,
        agent_timeout_s=agent_timeout or 600.0, progress=progress), as_json)  # fmt: skip


@tasks_import.command("swebench")
@click.argument("src", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@click.option("--repos", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder of clones, one per repo: DIR/owner__name.")  # fmt: skip
@click.option("--repo", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="One clone used for every instance (instead of --repos).")  # fmt: skip
@click.option("--test-cmd", metavar="TEMPLATE",
              help="How to run the tests: {tests} = the test ids, {files} = their files "
                   "(default: pytest on the files for pytest ids, else python3 -m unittest).")  # fmt: skip
@click.option("--only", multiple=True, metavar="INSTANCE_ID", help="Import just these.")
@click.option("--no-check", is_flag=True,
              help="Do not run the tests at import (when this machine lacks the repo's dependencies).")  # fmt: skip
@click.option("--verifier-timeout", type=click.FloatRange(1), default=900.0, show_default=True)
@_jobs_option
@_import_options
def tasks_import_swebench(src, dest, repos, repo, test_cmd, only, no_check, verifier_timeout,
                          jobs, force, agent_timeout, as_json):  # fmt: skip
    """SWE-bench-style instances (JSONL) as tasks, against local clones.

    \b
    Each line: instance_id, repo, base_commit, patch, test_patch, FAIL_TO_PASS,
    PASS_TO_PASS (lists or JSON strings), problem_statement. The workspace is the repo
    at base_commit (no .git; the clone is not touched); the verifier applies the test
    patch and runs the named tests: reward 1 only if every FAIL_TO_PASS test passes
    and no PASS_TO_PASS test breaks (fractions recorded); the solution applies `patch`.

    \b
    Examples:
      reins tasks import swebench lite.jsonl suites/swe --repos ~/clones
      reins tasks import swebench one.jsonl suites/mine --repo . \\
          --test-cmd 'python3 -m pytest -x {tests}'
    """
    from reins.evals.importers.swebench import import_swebench
    from reins.ui.tasks_view import run_import

    if (repos is None) == (repo is None):
        fail("give --repos DIR (clones as DIR/owner__name) or --repo PATH", 2)
    run_import(lambda progress: import_swebench(
        src, dest, repos=repos, repo=repo, test_cmd=test_cmd, only=tuple(only),
        check=not no_check, force=force, jobs=jobs, verifier_timeout_s=verifier_timeout,
        agent_timeout_s=agent_timeout or 1800.0, progress=progress), as_json)  # fmt: skip


@tasks_import.command("mutate")
@click.argument("src", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@click.option("--count", "-n", type=click.IntRange(1), default=10, show_default=True,
              help="Tasks to make.")  # fmt: skip
@click.option("--seed", type=int, default=0, show_default=True,
              help="Same seed, same repo: same tasks.")  # fmt: skip
@click.option("--test-cmd", metavar="CMD",
              help="Runs the whole suite (default: pytest if the tests need it, else "
                   "python3 -m unittest discover). Must end up in pytest or unittest.")  # fmt: skip
@click.option("--max-failing", type=click.IntRange(1), default=5, show_default=True,
              help="Keep a bug only if 1..K tests that passed before fail.")  # fmt: skip
@click.option("--source", "sources", multiple=True, metavar="PATH",
              help="Mutate only these files or folders (default: the library, not tests).")  # fmt: skip
@click.option("--max-tries", type=click.IntRange(1), help="Mutations to try (default 20 x count).")
@click.option("--name", help="Task name prefix and cluster (default: SRC's folder name).")
@click.option("--timeout", type=click.FloatRange(1), default=600.0, show_default=True,
              help="Limit for one baseline run of the suite.")  # fmt: skip
@_import_options
def tasks_import_mutate(src, dest, count, seed, test_cmd, max_failing, sources, max_tries, name,
                        timeout, force, agent_timeout, as_json):  # fmt: skip
    """Bug-fix tasks from any repo with a passing test suite: turn your repo into an eval.

    \b
    Small bugs (operator, comparison, boolean, off-by-one, swapped arguments, removed
    statement) are injected into the library code, one line each, and kept when
    1..--max-failing tests that passed before now fail. The task: make those tests
    pass; the verifier runs the whole suite with the original tests; the solution
    restores the file. SRC is copied (its git file list when it is a repo), never changed.

    \b
    Examples:
      reins tasks import mutate . suites/mine --count 20 --seed 1
      reins tasks import mutate ~/src/toolz suites/toolz --max-failing 3 --source toolz
      reins tasks import mutate repo suites/x --test-cmd 'python3 -m pytest -q tests/unit'
    """
    from reins.evals.importers.mutate import import_mutate
    from reins.ui.tasks_view import run_import

    run_import(lambda progress: import_mutate(
        src, dest, count=count, seed=seed, test_cmd=test_cmd, max_failing=max_failing,
        only=tuple(sources), max_tries=max_tries, timeout_s=timeout, name=name, force=force,
        agent_timeout_s=agent_timeout or 600.0, progress=progress), as_json)  # fmt: skip


@tasks.command("list")
@click.argument("suite", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, callback=_json_flag,
              help="One JSON array of {name, cluster, solution, agent_timeout_s, ...}.")  # fmt: skip
def tasks_list(suite, as_json):
    """The tasks of a suite: name, cluster, whether it has a solution, time limits.

    \b
    Examples:
      reins tasks list suites/exercism
      reins tasks list suites/exercism --json | jq length
    """
    from reins.ui.tasks_view import list_tasks

    list_tasks(suite, as_json)


@main.command()
@click.option("--repo", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Repository whose .reins/config.toml to trust.")  # fmt: skip
@click.option("--revoke", is_flag=True, help="Withdraw trust from the repository.")
@click.option("--list", "list_all", is_flag=True, help="List trusted repositories.")
def trust(repo, revoke, list_all):
    """Let a repository's .reins/config.toml apply settings that need consent.

    \b
    On its own, a repo config may only set limits (max_steps, max_tokens, max_wall_s,
    command_timeout_s, max_retries, profile). Sandbox mode, network, model endpoint,
    index endpoint and key, env_passthrough and profile overrides apply only once you
    trust that exact file; any change to it needs trust again. `reins run` refuses an
    untrusted one; `reins chat` asks.
    """
    from reins.config import (
        ConfigError,
        read_repo_config,
        revoke_trust,
        trust_repo_config,
        trusted_repos,
    )  # fmt: skip

    try:
        if list_all:
            for path, entry in sorted(trusted_repos().items()):
                click.echo(f"{path}  sha256:{str(entry.get('sha256'))[:12]}")
            return
        if revoke:
            found = revoke_trust(repo)
            click.echo(f"{'revoked' if found else 'was not trusted'}: {repo.resolve()}")
            return
        repo_config = read_repo_config(repo)
    except ConfigError as error:
        fail(str(error))
    if repo_config is None:
        fail(f"{repo.resolve()} has no .reins/config.toml; nothing to trust")
    trust_repo_config(repo_config)
    keys = ", ".join(repo_config.sensitive_keys) or "only limits"
    click.echo(f"trusted {repo_config.path} ({keys}); a change to the file needs trust again")


@main.command()
@click.option("--model", "-m", default="local:qwen2.5-coder-1.5b", show_default=True,
              help=MODEL_HELP)  # fmt: skip
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port (0: any free port; the URL is printed).")  # fmt: skip
def serve(model, host, port):
    """Serve a reins model over the OpenAI Chat Completions API (streaming included).

    \b
    Peers and other tools then use exactly the model reins uses:
      base URL  http://HOST:PORT/v1   (POST /chat/completions, GET /models)
      any API key; one request at a time (the rest wait their turn)
    GET /reins/usage counts requests and tokens since the start.
    """
    from reins.models.client import ProviderError
    from reins.models.local_assets import ModelAssetError
    from reins.models.spec import ModelSpecError
    from reins.serve.app import run_server

    try:
        run_server(model, host, port)
    except KeyboardInterrupt:
        pass
    except (ModelSpecError, ProviderError, ModelAssetError, OSError) as error:
        fail(str(error))


@main.command()
@click.option("--repo", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Repository whose changes to undo.")  # fmt: skip
@click.option("--session", "session_id", help="Session (ID or unique prefix; default: the "
              "latest one with changes left to undo here).")  # fmt: skip
@click.option("--turn", type=click.IntRange(1), help="Undo turns N.. of the session "
              "(default: its last turn not undone yet).")  # fmt: skip
@click.option("--force", is_flag=True, help="Undo even files changed again since.")
@click.option("--dry-run", is_flag=True, help="Say what would be put back; change nothing.")
@click.option("--list", "list_only", is_flag=True, help="List the checkpoints here.")
@click.option("--json", "as_json", is_flag=True, callback=_json_flag, help="Print one JSON object.")
def undo(repo, session_id, turn, force, dry_run, list_only, as_json):
    """Put back what the agent changed: the last turn, or turns N.. of a session.

    \b
    Every path those turns changed (created, modified, deleted, renamed; tracked or
    not, binary too) returns to what it was before, byte for byte; nothing else is
    touched, and the user's git (index, branch, stash) never is. Refused when a file
    was changed again after the agent changed it, unless --force. The state replaced
    is kept first, so an undo loses nothing. Files git ignores are not checkpointed.

    \b
    Examples:
      reins undo                       the latest turn that changed files here
      reins undo --dry-run             what that would put back
      reins undo --session 3f2a --turn 2
      reins undo --list
    """
    from reins.ui.changes_view import run_undo

    if not repo.is_dir():
        fail(f"repository {repo} does not exist or is not a directory")
    run_undo(repo, _store(), session_id, turn, force, list_only, as_json, dry_run)


@main.command()
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell):
    """Print the shell completion script for SHELL.

    \b
    Install it once:
      bash:  reins completion bash > ~/.local/share/bash-completion/completions/reins
      zsh:   reins completion zsh > "${fpath[1]}/_reins"   (then restart the shell)
      fish:  reins completion fish > ~/.config/fish/completions/reins.fish
    Or load it in the shell's rc file: eval "$(reins completion bash)".
    """
    from click.shell_completion import get_completion_class

    completer = get_completion_class(shell)(main, {}, "reins", "_REINS_COMPLETE")
    click.echo(completer.source())


@main.group()
def sessions() -> None:
    """Inspect the session log."""


@sessions.command("list")
@click.option("--limit", default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, callback=_json_flag)
def sessions_list(limit, as_json):
    """Recent sessions, newest first."""
    from reins.ui.sessions_view import list_sessions

    list_sessions(_store(), limit, as_json)


@sessions.command("show")
@click.argument("session_id")
@click.option("--json", "as_json", is_flag=True, callback=_json_flag)
def sessions_show(session_id, as_json):
    """One session: its messages, model calls and tool calls."""
    from reins.ui.sessions_view import show_session

    if not show_session(_store(), session_id, as_json):
        fail(f"no session {session_id!r}; see `reins sessions list`")


@sessions.command("diff")
@click.argument("session_id")
@click.option("--stat", is_flag=True, help="Only the files and their +/- counts.")
@click.option("--json", "as_json", is_flag=True, callback=_json_flag,
              help="One object: session_id, repo, changes, patch.")  # fmt: skip
def sessions_diff(session_id, stat, as_json):
    """What a session changed in its repository (turns undone since are left out)."""
    from reins.ui.changes_view import show_session_diff

    show_session_diff(_store(), session_id, stat, as_json)


if __name__ == "__main__":
    main()
