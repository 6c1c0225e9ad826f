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

HERE = Path(__file__).parent

out = run("node", "agenda.js", str(HERE / "events.orig.json"), "--today", "15/02/2024")
want = """6 upcoming events
20/02/2024 20:00  Welcome drinks @ The Anchor
28/02/2024 18:30  Quarterly review @ Room 2
05/03/2024 18:00  Treasurer's report @ Room 1
05/03/2024 19:00  Board meeting @ Room 1
16/03/2024 10:00  Spring cleanup
12/04/2024 19:00  AGM @ Main hall
"""
check(f"the club's events come out earliest first:\n{out.stdout}{out.stderr[-400:]}",
      out.returncode == 0 and out.stdout == want)

OTHER = [
    {"title": "New year swim", "date": "1/1/2025", "start": "11:00"},
    {"title": "Carol singing", "date": "20/12/2024", "start": "18:00", "place": "Market square"},
    {"title": "Year-end party", "date": "31/12/2024", "start": "21:00", "place": "Hall"},
    {"title": "Committee", "date": "09/01/2025", "start": "19:30"},
    {"title": "Breakfast", "date": "09/01/2025", "start": "08:15"},
    {"title": "Lunch", "date": "09/01/2025", "start": "12:00"},
    {"title": "Old event", "date": "02/12/2024", "start": "10:00"},
    {"title": "Ski trip", "date": "10/02/2025", "start": "06:00"},
]
with tempfile.TemporaryDirectory() as tmp:
    path = Path(tmp, "winter events.json")
    path.write_text(json.dumps(OTHER))
    out = run("node", "agenda.js", str(path), "--today", "10/12/2024")
    want = """7 upcoming events
20/12/2024 18:00  Carol singing @ Market square
31/12/2024 21:00  Year-end party @ Hall
1/1/2025 11:00  New year swim
09/01/2025 08:15  Breakfast
09/01/2025 12:00  Lunch
09/01/2025 19:30  Committee
10/02/2025 06:00  Ski trip
"""
    probe = run("node", "-e", "const {sortEvents} = require('./lib/events');"
                "const evs = JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8'));"
                "console.log(sortEvents(evs).map(e => e.title + '|' + e.date).join('\\n'))", str(path))
    want_probe = ["Old event|02/12/2024", "Carol singing|20/12/2024", "Year-end party|31/12/2024",
                  "New year swim|1/1/2025", "Breakfast|09/01/2025", "Lunch|09/01/2025",
                  "Committee|09/01/2025", "Ski trip|10/02/2025"]
    check(f"other events across a year end, same-day ones by start time:\n{out.stdout}{out.stderr[-300:]}\n{probe.stdout}{probe.stderr[-300:]}",
          out.returncode == 0 and out.stdout == want and probe.stdout.split() and probe.stdout.strip().split("\n") == want_probe)

    SAME_MONTH = [
        {"title": "Film night", "date": "21/03/2024", "start": "20:00", "place": "Club room"},
        {"title": "Past talk", "date": "04/03/2024", "start": "19:00"},
        {"title": "Repair cafe", "date": "09/03/2024", "start": "14:00"},
        {"title": "Called off", "date": "12/03/2024", "start": "10:00", "cancelled": True},
        {"title": "Morning run", "date": "09/03/2024", "start": "07:30"},
    ]
    path.write_text(json.dumps(SAME_MONTH))
    out = run("node", "agenda.js", str(path), "--today", "05/03/2024")
    want = """3 upcoming events
09/03/2024 07:30  Morning run
09/03/2024 14:00  Repair cafe
21/03/2024 20:00  Film night @ Club room
"""
    check(f"past and cancelled events are still left out, same format:\n{out.stdout}{out.stderr[-300:]}",
          out.returncode == 0 and out.stdout == want)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
