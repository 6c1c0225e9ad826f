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



import shutil, tarfile, tempfile
from datetime import datetime

SCRIPT = Path("backup.sh").resolve()
OLD_SITE = [f"site-202005{day:02d}-020000.tar.gz" for day in range(1, 9)]
PHOTOS = ["photos-20191201-030000.tar.gz", "photos-20191202-030000.tar.gz"]


def backup(existing, keep=None, make_dest=True):
    """Run the script from a scratch folder; return (result, sorted names in the destination, new archive ok)."""
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp, "site")
        site.mkdir()
        Path(site, "index.html").write_text("<h1>hello</h1>\n")
        dest = Path(tmp, "backups")
        if make_dest:
            dest.mkdir()
        for name in existing:
            path = Path(dest, name)
            path.write_text(f"old {name}\n")
            stamp = name.rsplit(".tar.gz", 1)[0].split("-", 1)[1] if name.endswith(".tar.gz") else "20200101-000000"
            ts = datetime.strptime(stamp, "%Y%m%d-%H%M%S").timestamp()
            os.utime(path, (ts, ts))
        env = dict(os.environ)
        env.pop("KEEP", None)
        if keep is not None:
            env["KEEP"] = str(keep)
        out = run("bash", str(SCRIPT), "site", "backups", cwd=tmp, env=env)
        names = sorted(p.name for p in dest.iterdir()) if dest.is_dir() else []
        new = [n for n in names if n.startswith("site-") and n not in existing]
        archive_ok = False
        if len(new) == 1:
            try:
                with tarfile.open(Path(dest, new[0])) as tar:
                    archive_ok = "site/index.html" in tar.getnames()
            except (tarfile.TarError, OSError):
                pass
        return out, names, new, archive_ok


EXISTING = OLD_SITE + PHOTOS + ["README.txt"]
out, names, new, ok = backup(EXISTING)
want = sorted(OLD_SITE[-4:] + PHOTOS + ["README.txt"] + new)
check(f"keeps the 5 newest site backups (the new one included), other files untouched: {names} "
      f"{out.stdout[-300:]!r} {out.stderr[-300:]!r}",
      out.returncode == 0 and ok and names == want)

out, names, new, ok = backup(EXISTING, keep=2)
want = sorted(OLD_SITE[-1:] + PHOTOS + ["README.txt"] + new)
check(f"KEEP=2 keeps only the 2 newest: {names} {out.stdout[-300:]!r} {out.stderr[-300:]!r}",
      out.returncode == 0 and ok and names == want)

out1, names1, new1, ok1 = backup(OLD_SITE[:2] + PHOTOS)
out2, names2, new2, ok2 = backup([], make_dest=False)
check(f"with fewer backups than that, or none yet, nothing is deleted: {names1} {names2} "
      f"{out1.stderr[-300:]!r} {out2.stderr[-300:]!r}",
      out1.returncode == 0 and ok1 and names1 == sorted(OLD_SITE[:2] + PHOTOS + new1)
      and out2.returncode == 0 and ok2 and names2 == new2)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
