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


import ast
import typing
sys.path.insert(0, ".")

PUBLIC = ["distance", "midpoint", "polygon_area", "perimeter", "bounding_box", "translate", "is_clockwise"]
L = [(0, 0), (4, 0), (4, 3), (0, 3)]


def behaviour():
    import geometry as g
    import math
    return (g.distance((0, 0), (3, 4)) == 5 and g.midpoint((0, 0), (3, 5)) == (1.5, 2.5)
            and g.polygon_area(L) == 12 and g.polygon_area(L[::-1]) == 12 and g.perimeter(L) == 14
            and g.bounding_box([(2, 5), (-1, 3), (4, -2)]) == (-1, -2, 4, 5)
            and g.translate(L[:2], 1) == [(1, 0), (5, 0)] and g.translate(L[:1], 1, 2) == [(1, 2)]
            and g.is_clockwise(L[::-1]) and not g.is_clockwise(L)
            and math.isclose(g.distance((1, 1), (2, 2)), math.sqrt(2)))


try:
    unchanged = behaviour()
    rooms = run("python3", "rooms.py")
    unchanged = unchanged and rooms.returncode == 0 and "living room   24.00 m2  perimeter 22.00 m  (6 x 5 m)" in rooms.stdout
    import geometry
    hints = {name: typing.get_type_hints(getattr(geometry, name)) for name in PUBLIC}
except Exception as error:
    unchanged, hints = False, {}
    print(f"geometry.py broken: {error!r}")
print("behaviour unchanged:", unchanged)

try:
    tree = ast.parse(read("geometry.py") or "")
except SyntaxError as error:
    print(f"geometry.py does not parse: {error!r}")
    tree = ast.parse("")
functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
public = [f for name, f in functions.items() if not name.startswith("_")]


def params(f):
    a = f.args
    return a.posonlyargs + a.args + a.kwonlyargs + [x for x in (a.vararg, a.kwarg) if x]


missing_doc = [f.name for f in public if not (ast.get_docstring(f) or "").strip()]
missing_params = [f"{f.name}({p.arg})" for f in public for p in params(f) if p.annotation is None]
missing_return = [f.name for f in public if f.returns is None]
all_there = set(PUBLIC) <= set(functions) and len(hints) == len(PUBLIC)
check(f"every public function has a docstring (missing: {missing_doc}), behaviour unchanged",
      unchanged and all_there and not missing_doc)
check(f"every parameter is annotated (missing: {missing_params}), the hints resolve, behaviour unchanged",
      unchanged and all_there and not missing_params)
check(f"every public function has a return annotation (missing: {missing_return}), behaviour unchanged",
      unchanged and all_there and not missing_return)

passed = sum(ok for _, ok in results)
logs = Path(sys.argv[1])
fraction = passed / len(results) if results else 0.0
reward = 1.0 if results and passed == len(results) else 0.0
(logs / "reward.json").write_text(json.dumps({"reward": reward, "fraction": fraction}))
