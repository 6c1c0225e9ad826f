"""Sanity-check the service configs before a deploy.

    python3 check_configs.py configs/
"""
import json
import sys
from pathlib import Path

REQUIRED = ("name", "port", "replicas")


def problems(config):
    found = []
    for key in REQUIRED:
        if key not in config:
            found.append(f"missing key '{key}'")
    port = config.get("port")
    if port is not None and (not isinstance(port, int) or not 1024 <= port <= 65535):
        found.append(f"port {port!r} is not between 1024 and 65535")
    replicas = config.get("replicas")
    if replicas is not None and (not isinstance(replicas, int) or replicas < 1):
        found.append(f"replicas must be a positive integer, got {replicas!r}")
    return found


def check_file(path):
    try:
        config = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        return [f"invalid JSON: {error.msg} (line {error.lineno})"]
    if not isinstance(config, dict):
        return ["top level must be an object"]
    return problems(config)


def main(folder):
    files = sorted(Path(folder).glob("*.json"))
    bad = 0
    for path in files:
        found = check_file(path)
        if found:
            bad += 1
            for problem in found:
                print(f"ERROR {path.name}: {problem}")
        else:
            print(f"ok    {path.name}")
    print(f"{len(files)} file(s) checked, {bad} with errors")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "configs")
