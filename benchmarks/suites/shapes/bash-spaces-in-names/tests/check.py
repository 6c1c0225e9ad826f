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


import shutil, tempfile

SCRIPT = Path("collect_pdfs.sh").resolve()


def collect(files, existing=None):
    """Run the script from a scratch folder; return (result, {name: content} in the destination)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp, "My Downloads")
        src.mkdir()
        for name, body in files.items():
            Path(src, name).write_text(body)
        dest = Path(tmp, "Tax 2024", "paid invoices")
        if existing:
            dest.mkdir(parents=True)
            for name, body in existing.items():
                Path(dest, name).write_text(body)
        out = run("bash", str(SCRIPT), "My Downloads", "Tax 2024/paid invoices", cwd=tmp)
        got = {p.name: p.read_text() for p in dest.iterdir()} if dest.is_dir() else None
        return out, got


FILES = {"March invoice.pdf": "pdf march\n", "plain.pdf": "pdf plain\n", "two  spaces here.pdf": "pdf two\n",
         "notes about march.txt": "not a pdf\n"}
out, got = collect(FILES)
check(f"copies PDFs with spaces in their names between folders with spaces: {got} {out.stdout!r} {out.stderr[-300:]!r}",
      out.returncode == 0 and out.stdout.strip().splitlines()[-1:] == ["copied 3 files"]
      and got == {k: v for k, v in FILES.items() if k.endswith(".pdf")})

out, got = collect(FILES, existing={"March invoice.pdf": "already paid\n"})
lines = out.stdout.strip().splitlines()
check(f"skips PDFs already in the destination, by their full name: {got} {out.stdout!r} {out.stderr[-300:]!r}",
      out.returncode == 0 and "skip March invoice.pdf (already there)" in lines and lines[-1:] == ["copied 2 files"]
      and got == {"March invoice.pdf": "already paid\n", "plain.pdf": "pdf plain\n",
                  "two  spaces here.pdf": "pdf two\n"})

out, got = collect({"readme final.txt": "x\n"})
check(f"with no PDFs it says copied 0 files and copies nothing: {got} {out.stdout!r} {out.stderr[-300:]!r}",
      out.returncode == 0 and out.stdout.strip() == "copied 0 files" and not got)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
