import json, os, subprocess, sys
from pathlib import Path

results = []


def check(name, ok):
    results.append((name, bool(ok)))
    print(("PASS " if ok else "FAIL ") + name)


def run(*argv, **kw):
    return subprocess.run(list(argv), capture_output=True, text=True, timeout=30, **kw)


def read(path):
    try:
        return Path(path).read_text()
    except OSError:
        return None


import csv
import random
import shutil
import subprocess
import tempfile
import time

LIMIT_S = 15


def expected(rows):
    counts, order = {}, []
    for row in rows:
        email = row[2].strip().lower()
        counts[email] = counts.get(email, 0) + 1
        if counts[email] == 2:
            order.append(email)
    return "".join(f"{e}  x{counts[e]}\n" for e in order) + f"{len(order)} duplicated addresses in {len(rows)} rows\n"


def variant(rng, email):
    e = email.upper() if rng.random() < 0.3 else email
    return (" " if rng.random() < 0.2 else "") + e + (" " if rng.random() < 0.2 else "")


def make(path, n, dup_share, seed):
    rng = random.Random(seed)
    rows, addresses = [], []
    for i in range(n):
        if addresses and rng.random() < dup_share:
            email = variant(rng, rng.choice(addresses))
        else:
            email = f"user{i}.{rng.randrange(10**6)}@{rng.choice(['example.com', 'mail.example', 'corp.example'])}"
            addresses.append(email)
        rows.append([str(100000 + i), f"Customer {i}", email, "2023-05-01"])
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "name", "email", "signed_up"])
        writer.writerows(rows)
    return rows


def timed(folder, csv_name):
    start = time.monotonic()
    try:
        out = subprocess.run(["python3", "dedupe.py", csv_name], cwd=folder, capture_output=True,
                             text=True, timeout=LIMIT_S)
    except subprocess.TimeoutExpired:
        return None, LIMIT_S
    if out.returncode:
        print(out.stderr[-800:])
    return out.stdout, time.monotonic() - start


with tempfile.TemporaryDirectory() as tmp:
    folder = Path(tmp) / "w"
    shutil.copytree(".", folder, ignore=shutil.ignore_patterns("__pycache__"))
    rows = make(folder / "few.csv", 200_000, 0.0005, 1)
    got, took = timed(folder, "few.csv")
    check(f"200,000 rows, few duplicates: done in {took:.1f}s (limit {LIMIT_S}s)", got is not None)
    check("200,000 rows, few duplicates: same output as before", got == expected(rows))
    rows = make(folder / "many.csv", 100_000, 0.2, 2)
    got, took = timed(folder, "many.csv")
    want = expected(rows)
    check(f"100,000 rows, {want.count(chr(10)) - 1} duplicated addresses: done in {took:.1f}s with the same output",
          got == want)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
