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

HERE = Path(__file__).parent
PEOPLE = "id,name,city\n1,Ana,Lisbon\n2,Ben,Oslo\r\n3,Chloe\n4,Dev,Pune,extra\n"

PROBE = r"""
#include <stdio.h>
#include "fields.h"

static void show(const char *label, const char *text, char sep, int max)
{
    char line[256];
    char *f[16];
    snprintf(line, sizeof line, "%s", text);
    int n = split_fields(line, sep, f, max);
    printf("%s n=%d", label, n);
    for (int i = 0; i < n && i < 16; i++)
        printf(" [%s]", f[i]);
    printf("\n");
}

int main(void)
{
    show("exact", "a,b,c", ',', 3);
    show("more", "a,b,c,d,e", ',', 3);
    show("fewer", "a,b", ',', 5);
    show("one", "solo", ',', 1);
    show("one-of-many", "x|y|z", '|', 1);
    show("empty", "", ',', 4);
    show("trailing", "k;v;", ';', 3);
    show("two-exact", "k=v", '=', 2);
    show("zero", "a,b", ',', 0);
    return 0;
}
"""
WANT_PROBE = """exact n=3 [a] [b] [c]
more n=3 [a] [b] [c]
fewer n=2 [a] [b]
one n=1 [solo]
one-of-many n=1 [x]
empty n=1 []
trailing n=3 [k] [v] []
two-exact n=2 [k] [v]
zero n=0
"""


def cutcol(work, *args, text=PEOPLE):
    return run("./cutcol", *args, cwd=work, input=text)


with tempfile.TemporaryDirectory() as tmp:
    work = Path(tmp, "w")
    shutil.copytree(".", work, ignore=shutil.ignore_patterns("*.o", "cutcol", "test_fields", "probe"))
    shutil.copy(HERE / "test_fields.orig.c", work / "test_fields.c")
    build = run("gcc", "-std=c99", "-O2", "-o", "test_fields", "test_fields.c", "fields.c", cwd=work)
    out = run("./test_fields", cwd=work) if build.returncode == 0 else build
    check(f"the original test_fields.c passes: {out.stdout[-300:]!r} {out.stderr[-500:]!r}",
          out.returncode == 0 and "all fields tests passed" in out.stdout)

    (work / "probe.c").write_text(PROBE)
    build = run("gcc", "-std=c99", "-O2", "-o", "probe", "probe.c", "fields.c", cwd=work)
    probe = run("./probe", cwd=work) if build.returncode == 0 else build
    made = run("make", "cutcol", cwd=work)
    last = cutcol(work, "3")
    check(f"split_fields on other lines, and cutcol's last column:\n{probe.stdout}{probe.stderr[-300:]}\n{last.stdout!r} {made.stderr[-300:]!r}",
          probe.stdout == WANT_PROBE and made.returncode == 0 and last.returncode == 0
          and last.stdout == "city\nLisbon\nOslo\n\nPune\n")

    wide = "id,name,city\n1,Ana,Lisbon\n2,Ben,Oslo\r\n4,Dev,Pune,extra\n"
    first, second = cutcol(work, "1", text=wide), cutcol(work, "2", text=wide)
    semi = cutcol(work, "2", ";", text="a;b;c\nd;e;f;g\n")
    beyond = cutcol(work, "5", text=wide)
    usage = run("./cutcol", cwd=work)
    check(f"cutcol's other columns, separators and usage still work: {first.stdout!r} {second.stdout!r} {semi.stdout!r} {beyond.stdout!r} {usage.returncode}",
          first.stdout == "id\n1\n2\n4\n" and second.stdout == "name\nAna\nBen\nDev\n"
          and semi.stdout == "b\ne\n" and beyond.stdout == "\n\n\n\n" and usage.returncode == 2)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
