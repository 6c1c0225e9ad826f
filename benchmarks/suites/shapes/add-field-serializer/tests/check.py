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


import dataclasses
sys.path.insert(0, ".")

try:
    from models import User
    import serialize
    fields = {f.name: f for f in dataclasses.fields(User)}
    plain = User(7, "Ann Lee", "ann@example.org")
    check("User has a phone field defaulting to None",
          "phone" in fields and plain.phone is None
          and User(8, "Bo", "bo@example.org", phone="+44 20 7946 0958").phone == "+44 20 7946 0958")
    user = User(9, "Chen Wu", "chen@example.org", True, ["ops"], phone="+1 555 0100")
    data = serialize.to_dict(user)
    back = serialize.from_dict(json.loads(json.dumps(data)))
    check(f"phone round-trips through to_dict/from_dict: {data}",
          data.get("phone") == "+1 555 0100" and back == user
          and serialize.from_dict(serialize.to_dict(plain)).phone is None)
    old = {"id": 2, "name": "Tom Becker", "email": "tom.becker@example.org", "is_admin": False, "tags": []}
    loaded = serialize.from_dict(old)
    older = serialize.from_dict({"id": "3", "name": "Ida", "email": "ida@example.org"})
    positional = User(4, "Eve", "eve@example.org", True)
    check("old dicts without phone still load (phone None), the rest unchanged",
          loaded.phone is None and loaded.name == "Tom Becker" and loaded.is_admin is False
          and older.id == 3 and older.phone is None and older.tags == []
          and positional.is_admin is True and positional.tags == [] and positional.phone is None)
except Exception as error:
    check(f"import and use models/serialize: {error!r}", False)
import tempfile
out = run("python3", "store.py")
try:
    import store
    with tempfile.TemporaryDirectory() as tmp:
        saved = [User(5, "Raj Patel", "raj@example.org", phone="+91 22 5550 1234"), User(6, "Liv", "liv@example.org")]
        store.save_users(saved, Path(tmp) / "users.json")
        again = store.load_users(Path(tmp) / "users.json")
    ok = again == saved and again[0].phone == "+91 22 5550 1234"
except Exception as error:
    ok, again = False, repr(error)
check(f"store saves and loads phones, store.py still lists users.json: {again!r} {out.stdout!r}",
      ok and out.returncode == 0 and "* Maria Lopez <maria@example.org>" in out.stdout
      and "Tom Becker" in out.stdout)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
