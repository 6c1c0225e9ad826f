"""Build the blog: posts/*.md -> site/<slug>.html plus site/index.html.

A post starts with a "title: ..." line and a "date: YYYY-MM-DD" line, then a blank line and the text.

    python3 build.py              # writes into site/
    python3 build.py --out public
"""
import argparse
import html
import sys
from pathlib import Path

from textutils import excerpt, reading_time, slugify


def read_post(path):
    head, _, body = path.read_text(encoding="utf-8").partition("\n\n")
    meta = {}
    for line in head.splitlines():
        key, _, value = line.partition(":")
        meta[key.strip().lower()] = value.strip()
    return {"title": meta.get("title", path.stem), "date": meta.get("date", ""), "body": body.strip()}


def post_page(post):
    paragraphs = "\n".join(f"<p>{html.escape(p)}</p>" for p in post["body"].split("\n\n"))
    return (f"<!doctype html>\n<title>{html.escape(post['title'])}</title>\n"
            f"<h1>{html.escape(post['title'])}</h1>\n<p class=meta>{post['date']} · {reading_time(post['body'])}</p>\n"
            f"{paragraphs}\n")


def index_page(posts):
    items = "\n".join(
        f'<li><a href="{post["slug"]}.html">{html.escape(post["title"])}</a> {post["date"]}'
        f"<br>{html.escape(excerpt(post['body']))}</li>"
        for post in posts)
    return f"<!doctype html>\n<title>Blog</title>\n<ul>\n{items}\n</ul>\n"


def build(source, out):
    posts = [read_post(path) for path in sorted(Path(source).glob("*.md"))]
    posts.sort(key=lambda post: post["date"], reverse=True)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for post in posts:
        post["slug"] = slugify(post["title"])
        (out / f"{post['slug']}.html").write_text(post_page(post), encoding="utf-8")
        print(f"wrote {out / post['slug']}.html")
    (out / "index.html").write_text(index_page(posts), encoding="utf-8")
    return posts


def main(argv=None):
    parser = argparse.ArgumentParser(description="Build the blog.")
    parser.add_argument("--posts", default="posts", help="folder with the .md posts (default: %(default)s)")
    parser.add_argument("--out", default="site", help="output folder (default: %(default)s)")
    args = parser.parse_args(argv)
    build(args.posts, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
