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


import re, tempfile

ENV = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")


def build(titles):
    """Build posts with these titles into a fresh folder; returns (output, page names, index links)."""
    with tempfile.TemporaryDirectory() as tmp:
        posts, out = Path(tmp, "posts"), Path(tmp, "public site")
        posts.mkdir()
        for i, title in enumerate(titles):
            Path(posts, f"post{i}.md").write_text(f"title: {title}\ndate: 2024-02-{i + 10:02d}\n\nSome text {i}.\n",
                                                  encoding="utf-8")
        result = run("python3", "build.py", "--posts", str(posts), "--out", str(out), env=ENV)
        pages = sorted(p.name for p in out.glob("*.html") if p.name != "index.html") if out.exists() else []
        index = read(out / "index.html") or ""
        return result, pages, sorted(re.findall(r'href="([^"]+)"', index))


TITLES = ["Crème brûlée for beginners", "Año nuevo in Málaga"]
WANT = ["ano-nuevo-in-malaga.html", "creme-brulee-for-beginners.html"]
out, pages, links = build(TITLES)
check(f"the two posts get plain-letter page names, linked from the index: {pages} {links} {out.stderr[-300:]!r}",
      out.returncode == 0 and pages == WANT and links == WANT)

TITLES = ["Ça va? Déjà vu à Zürich", "ÉTÉ 2024: Señor Piñata", "naïve café façade",
          "Über die Brücke gehen wir heute Abend gemeinsam, während über Köln die Sonne untergeht"]
WANT = sorted(["ca-va-deja-vu-a-zurich.html", "ete-2024-senor-pinata.html", "naive-cafe-facade.html",
               "uber-die-brucke-gehen-wir-heute-abend-gemeinsam-wahrend.html"])
out, pages, links = build(TITLES)
check(f"other accented titles (upper case, long ones cut at a word) work too: {pages} {links} {out.stderr[-300:]!r}",
      out.returncode == 0 and pages == WANT and links == WANT)

TITLES = ["My sourdough starter, week 3 (it's alive!)", "C++ & Rust: 10 tips", "???",
          "A really long title that goes on and on about nothing in particular at all"]
WANT = sorted(["my-sourdough-starter-week-3-it-s-alive.html", "c-rust-10-tips.html", "untitled.html",
               "a-really-long-title-that-goes-on-and-on-about-nothing-in.html"])
out, pages, links = build(TITLES)
check(f"plain ASCII titles keep the names they had: {pages} {links} {out.stderr[-300:]!r}",
      out.returncode == 0 and pages == WANT and links == WANT)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
