import json, os, subprocess, sys
from pathlib import Path

results = []


def check(name, ok):
    results.append((name, bool(ok)))
    print(("PASS " if ok else "FAIL ") + name)


def run(*argv, **kw):
    try:
        return subprocess.run(list(argv), capture_output=True, text=True, timeout=30, **kw)
    except (subprocess.TimeoutExpired, OSError) as error:
        return subprocess.CompletedProcess(list(argv), 124, "", f"could not run: {error!r}")


def read(path):
    try:
        return Path(path).read_text()
    except OSError:
        return None


import hashlib, shutil, tarfile, tempfile

BASE_ENV = {k: v for k, v in os.environ.items() if k not in ("PUBLISH_DIR", "ARCHIVE_NAME", "BASH_ENV")}


def members(path):
    try:
        with tarfile.open(path) as tar:
            return sorted(m.name.lstrip("./") for m in tar.getmembers() if m.isfile())
    except (OSError, tarfile.TarError):
        return None


def built(folder, name):
    archive = Path(folder, name)
    digest = read(str(archive) + ".sha256")
    ok_sum = archive.is_file() and digest is not None and \
        digest.strip() == hashlib.sha256(archive.read_bytes()).hexdigest()
    return ok_sum and members(archive) == ["index.md", "install.md"]


def fresh(tmp, name):
    work = Path(tmp, name)
    shutil.copytree(".", work, ignore=shutil.ignore_patterns("dist"))
    return work


with tempfile.TemporaryDirectory() as tmp:
    hook = Path(tmp, "hook.sh")
    flags = Path(tmp, "flags.txt")
    hook.write_text(f"trap 'echo \"$-\" > \"{flags}\"' EXIT\n")

    work = fresh(tmp, "a")
    version = (read(work / "VERSION") or "").strip()
    out = run("bash", "publish.sh", cwd=work, env=dict(BASE_ENV, BASH_ENV=str(hook)))
    check(f"bash publish.sh with no version and no PUBLISH_DIR builds dist/docs-VERSION: {out.returncode} {out.stdout!r} {out.stderr[-300:]!r}",
          out.returncode == 0 and version == "1.4.2" and built(work / "dist", "docs-1.4.2.tar.gz")
          and "done" in out.stdout and "published" not in out.stdout)
    check(f"the script still runs with set -u (flags at exit: {read(flags)!r})",
          "u" in (read(flags) or ""))

    work = fresh(tmp, "b")
    out = run("bash", "publish.sh", "3.1.0", cwd=work, env=BASE_ENV)
    out2 = run("bash", "publish.sh", "3.1.1", cwd=work, env=dict(BASE_ENV, PUBLISH_DIR=""))
    check(f"a version but no PUBLISH_DIR (or an empty one) builds without publishing: {out.stdout!r} {out.stderr[-300:]!r} {out2.stderr[-300:]!r}",
          out.returncode == 0 and built(work / "dist", "docs-3.1.0.tar.gz") and "published" not in out.stdout
          and "done" in out.stdout and out2.returncode == 0 and built(work / "dist", "docs-3.1.1.tar.gz")
          and "published" not in out2.stdout)

    work = fresh(tmp, "c")
    web = Path(tmp, "web downloads")
    out = run("bash", "publish.sh", "2.0.0", cwd=work,
              env=dict(BASE_ENV, PUBLISH_DIR=str(web), ARCHIVE_NAME="manual"))
    check(f"PUBLISH_DIR and ARCHIVE_NAME still work: {out.stdout!r} {out.stderr[-300:]!r}",
          out.returncode == 0 and built(work / "dist", "manual-2.0.0.tar.gz") and built(web, "manual-2.0.0.tar.gz")
          and "published to" in out.stdout)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
