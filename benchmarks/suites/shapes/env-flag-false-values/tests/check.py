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


import tempfile

BASE = {k: v for k, v in os.environ.items() if not k.startswith("PHOTO_")}
BASE["PYTHONDONTWRITEBYTECODE"] = "1"
PHOTOS = {"IMG_20231230_235959.jpg": "a", "DSC_20240101_000001.JPG": "b", "holiday.jpeg": "c"}
WANT = {"2023-12/IMG_20231230_235959.jpg": "a", "2024-01/DSC_20240101_000001.JPG": "b", "unsorted/holiday.jpeg": "c"}


def backup(existing=None, **env):
    """Run the backup on fresh folders; returns (output, {relative path: content} of the backup)."""
    with tempfile.TemporaryDirectory() as tmp:
        source, dest = Path(tmp, "card"), Path(tmp, "backup")
        source.mkdir()
        for name, data in PHOTOS.items():
            Path(source, name).write_text(data)
        for rel, data in (existing or {}).items():
            Path(dest, rel).parent.mkdir(parents=True, exist_ok=True)
            Path(dest, rel).write_text(data)
        out = run("python3", "backup_photos.py", env=dict(BASE, PHOTO_SOURCE=str(source), PHOTO_DEST=str(dest), **env))
        files = {p.relative_to(dest).as_posix(): p.read_text() for p in dest.rglob("*") if p.is_file()} if dest.exists() else {}
        return out, files


bad = []
for value in ["false", "0", "No", "OFF", "", None]:
    out, files = backup(**({} if value is None else {"PHOTO_DRY_RUN": value}))
    if out.returncode != 0 or files != WANT or "[dry run]" in out.stdout:
        bad.append((value, out.stdout[-300:], out.stderr[-300:], files))
check(f"PHOTO_DRY_RUN=false/0/No/OFF/empty/unset really copies the photos: {bad}", not bad)

bad = []
for value in ["1", "true", "YES", "On"]:
    out, files = backup(PHOTO_DRY_RUN=value)
    if out.returncode != 0 or files or out.stdout.count("[dry run] would copy") != 3:
        bad.append((value, out.stdout[-300:], out.stderr[-300:], files))
check(f"PHOTO_DRY_RUN=1/true/YES/On still only shows what would be copied: {bad}", not bad)

OLD = {"2024-01/DSC_20240101_000001.JPG": "old"}
keep_out, keep = backup(existing=OLD, PHOTO_OVERWRITE="False")
zero_out, zero = backup(existing=OLD, PHOTO_OVERWRITE="0")
repl_out, repl = backup(existing=OLD, PHOTO_OVERWRITE="TRUE")
check(f"PHOTO_OVERWRITE=False/0 keeps photos already in the backup, TRUE replaces them: "
      f"{keep_out.stdout[-300:]!r} {keep} {zero} {repl_out.stdout[-300:]!r} {repl}",
      keep == dict(WANT, **OLD) and zero == dict(WANT, **OLD) and repl == WANT
      and "skipped 1 already" in keep_out.stdout and "skipped 0 already" in repl_out.stdout)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
