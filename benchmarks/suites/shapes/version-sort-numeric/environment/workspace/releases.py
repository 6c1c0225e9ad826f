"""Release history of `tidy`, kept in releases.json.

    python3 releases.py list              # newest first
    python3 releases.py latest
    python3 releases.py since 1.8         # releases after 1.8, oldest first
    python3 releases.py show 1.9
    python3 releases.py --file other.json list
"""
import argparse
import json
import sys

DATA = "releases.json"


def load(path=DATA):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def version_key(version):
    """Sort key for a dotted version such as '1.4', '2.0.1' or 'v1.9'."""
    return tuple(version.strip().lstrip("v").split("."))


def newest_first(releases):
    return sorted(releases, key=lambda r: version_key(r["version"]), reverse=True)


def latest(releases):
    ordered = newest_first(releases)
    return ordered[0] if ordered else None


def since(releases, version):
    """The releases after `version`, oldest first."""
    floor = version_key(version)
    newer = [r for r in releases if version_key(r["version"]) > floor]
    return sorted(newer, key=lambda r: version_key(r["version"]))


def find(releases, version):
    wanted = version_key(version)
    for release in releases:
        if version_key(release["version"]) == wanted:
            return release
    return None


def line(release):
    return f"{release['version']:<8} {release['date']}  {release['summary']}"


def build_parser():
    parser = argparse.ArgumentParser(description="Show the release history.")
    parser.add_argument("--file", default=DATA, help="release data (default: %(default)s)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="all releases, newest first")
    sub.add_parser("latest", help="the newest release")
    p = sub.add_parser("since", help="releases after VERSION, oldest first")
    p.add_argument("version")
    p = sub.add_parser("show", help="the notes of one release")
    p.add_argument("version")
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    releases = load(args.file)
    if args.command == "list":
        for release in newest_first(releases):
            print(line(release))
    elif args.command == "latest":
        release = latest(releases)
        if release is None:
            print("no releases yet", file=sys.stderr)
            return 1
        print(line(release))
    elif args.command == "since":
        for release in since(releases, args.version):
            print(line(release))
    elif args.command == "show":
        release = find(releases, args.version)
        if release is None:
            print(f"no release {args.version}", file=sys.stderr)
            return 1
        print(line(release))
        for note in release.get("notes", []):
            print(f"  - {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
