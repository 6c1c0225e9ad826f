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


import shutil, tempfile, time

HERE = Path(__file__).parent
SOURCES = ["main.c", "report.c", "money.c", "config.h", "money.h", "report.h", "stock.txt"]
USERS = {"config.h": ["main.o", "report.o"], "money.h": ["main.o", "report.o", "money.o"],
         "report.h": ["main.o", "report.o"]}
WANT = """Espresso beans 1kg      12     226.80 EUR
Oat milk 1l              4       9.16 EUR  LOW
Paper cups (box of 5     7      31.50 EUR
Descaler                 2      25.50 EUR  LOW
Chai syrup, extra la     9      99.00 EUR
5 items, 2 below 5 units, stock value 391.96 EUR
"""


def workdir(tmp, name):
    work = Path(tmp, name)
    shutil.copytree(".", work, ignore=shutil.ignore_patterns("*.o", "*.d", "stockcheck"))
    for source in SOURCES:
        shutil.copy(HERE / "orig" / source, work)
    return work


def age_everything(work):
    past = time.time() - 300
    for path in work.rglob("*"):
        os.utime(path, (past, past))


def edit(path, old, new):
    text = path.read_text()
    path.write_text(text.replace(old, new))


def report(work):
    with open(work / "stock.txt") as stdin:
        return run("./stockcheck", cwd=work, stdin=stdin).stdout


with tempfile.TemporaryDirectory() as tmp:
    work = workdir(tmp, "low")
    first = run("make", cwd=work)
    age_everything(work)
    edit(work / "config.h", "#define LOW_STOCK 5", "#define LOW_STOCK 8")
    again = run("make", cwd=work)
    got = report(work)
    want = WANT.replace("Paper cups (box of 5     7      31.50 EUR", "Paper cups (box of 5     7      31.50 EUR  LOW")
    want = want.replace("2 below 5 units", "3 below 8 units")
    check(f"after editing LOW_STOCK in config.h, make rebuilds and the report uses it:\n{again.stdout}{again.stderr[-300:]}\n{got}",
          first.returncode == 0 and again.returncode == 0 and got == want)

    stale = {}
    for header, objects in USERS.items():
        work = workdir(tmp, header)
        run("make", cwd=work)
        age_everything(work)
        start = time.time() - 60
        if header == "money.h":
            edit(work / header, '#define CURRENCY "EUR"', '#define CURRENCY "GBP"')
        else:
            edit(work / header, "#endif", "/* edited */\n#endif")
        out = run("make", cwd=work)
        not_rebuilt = [name for name in objects + ["stockcheck"]
                       if not (work / name).exists() or (work / name).stat().st_mtime < start]
        if out.returncode or not_rebuilt:
            stale[header] = (out.returncode, not_rebuilt, out.stderr[-200:])
        if header == "money.h" and report(work) != WANT.replace(" EUR", " GBP"):
            stale["money.h output"] = report(work)
    check(f"editing each header rebuilds the objects that include it and relinks (stale: {stale})", not stale)

    work = workdir(tmp, "plain")
    build = run("make", cwd=work)
    got = report(work)
    quiet = run("make", "-q", cwd=work)
    clean = run("make", "clean", cwd=work)
    left = sorted(p.name for p in work.glob("*.o")) + (["stockcheck"] if (work / "stockcheck").exists() else [])
    rebuild = run("make", cwd=work)
    check(f"make builds the same report, is up to date right after, and make clean still works: {build.returncode} {quiet.returncode} {left} {rebuild.stderr[-300:]!r}\n{got}",
          build.returncode == 0 and got == WANT and quiet.returncode == 0 and clean.returncode == 0
          and not left and rebuild.returncode == 0 and report(work) == WANT)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
