"""Keep bookmarks from the command line.

    python3 cli.py add URL TITLE [--tag TAG ...]
    python3 cli.py list [--tag TAG]

The bookmarks live in bookmarks.json (or in the file named by $BOOKMARKS_FILE).
"""

import argparse
import os
import sys

import store

DB = os.environ.get("BOOKMARKS_FILE", "bookmarks.json")


def cmd_add(args):
    bookmarks = store.load(DB)
    try:
        store.add(bookmarks, args.url, args.title, args.tag)
    except ValueError as error:
        sys.exit(f"error: {error}")
    store.save(DB, bookmarks)
    print(f"added {args.url}")


def cmd_list(args):
    bookmarks = store.load(DB)
    if args.tag:
        bookmarks = store.with_tag(bookmarks, args.tag)
    for b in bookmarks:
        tags = f"  [{', '.join(b['tags'])}]" if b["tags"] else ""
        print(f"{b['title']}  <{b['url']}>{tags}")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="cli.py", description="Keep bookmarks.")
    commands = parser.add_subparsers(dest="command", required=True)

    add = commands.add_parser("add", help="add a bookmark")
    add.add_argument("url")
    add.add_argument("title")
    add.add_argument("--tag", action="append", default=[], help="a tag (repeatable)")
    add.set_defaults(func=cmd_add)

    ls = commands.add_parser("list", help="list bookmarks")
    ls.add_argument("--tag", help="only bookmarks with this tag")
    ls.set_defaults(func=cmd_list)

    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
