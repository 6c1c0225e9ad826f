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


import hashlib, tarfile, tempfile

ENV = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
BUNDLE = str(Path("bundle.py").resolve())


def make_projects(root, layout):
    for name, files in layout.items():
        for rel, text in files.items():
            path = Path(root, name, rel)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)


def members(path):
    try:
        with tarfile.open(path) as tar:
            return sorted(m.name[2:] if m.name.startswith("./") else m.name for m in tar.getmembers() if m.isfile())
    except (OSError, tarfile.TarError):
        return None


def verify(out_dir, layout):
    """None if OUT_DIR has the right archives and manifest, else what is wrong."""
    wanted = sorted(name for name in layout if not name.startswith("."))
    lines = []
    for name in wanted:
        archive = Path(out_dir, f"{name}.tar.gz")
        if members(archive) != sorted(layout[name]):
            return f"{archive.name}: {members(archive)}"
        lines.append(f"{hashlib.sha256(archive.read_bytes()).hexdigest()}  {name}.tar.gz\n")
    manifest = read(Path(out_dir, "MANIFEST.txt"))
    if manifest != "".join(lines):
        return f"manifest {manifest!r} != {''.join(lines)!r}"
    extra = sorted(p.name for p in Path(out_dir).iterdir()
                   if p.name != "MANIFEST.txt" and p.name[:-len(".tar.gz")] not in wanted)
    return f"unexpected files {extra}" if extra else None


ODD = {
    "Client Photos": {"img 001.jpg": "jpeg", "notes/read me.txt": "shoot on Monday\n"},
    "Bob's notes": {"todo.md": "- call Ann\n"},
    "R&D (2024)": {"plan.txt": "prototype\n", "data/run 1.csv": "a,b\n1,2\n"},
    "alpha": {"main.py": "print('alpha')\n"},
}
PLAIN = {
    "alpha": {"main.py": "print('alpha')\n", "README": "alpha\n"},
    "beta-2": {"src/app.js": "console.log(1)\n"},
    ".cache": {"junk": "x"},
}

with tempfile.TemporaryDirectory() as tmp:
    make_projects(Path(tmp, "odd", "projects"), ODD)
    out = run("python3", BUNDLE, "projects", "dist", cwd=Path(tmp, "odd"), env=ENV)
    problem = verify(Path(tmp, "odd", "dist"), ODD) if out.returncode == 0 else f"exit {out.returncode}: {out.stderr[-600:]}"
    check(f"project folders with spaces, quotes and & are bundled: {problem}", problem is None)

    make_projects(Path(tmp, "plain", "projects"), PLAIN)
    out = run("python3", BUNDLE, "projects", "dist", cwd=Path(tmp, "plain"), env=ENV)
    problem = verify(Path(tmp, "plain", "dist"), PLAIN) if out.returncode == 0 else f"exit {out.returncode}: {out.stderr[-600:]}"
    want_stdout = ("bundled alpha (2 files) -> dist/alpha.tar.gz\n"
                   "bundled beta-2 (1 files) -> dist/beta-2.tar.gz\n"
                   "2 archives, manifest in dist/MANIFEST.txt\n")
    usage = run("python3", BUNDLE, "projects", cwd=Path(tmp, "plain"), env=ENV)
    check(f"plain names work as before (archives, manifest, output, usage): {problem} {out.stdout!r} {usage.returncode}",
          problem is None and out.stdout == want_stdout and usage.returncode == 2)

    make_projects(Path(tmp, "my projects"), PLAIN)
    out = run("python3", BUNDLE, str(Path(tmp, "my projects")), str(Path(tmp, "shared drive", "out dir")), env=ENV)
    problem = verify(Path(tmp, "shared drive", "out dir"), PLAIN) if out.returncode == 0 else f"exit {out.returncode}: {out.stderr[-600:]}"
    check(f"projects and output folders whose paths have spaces: {problem}", problem is None)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
