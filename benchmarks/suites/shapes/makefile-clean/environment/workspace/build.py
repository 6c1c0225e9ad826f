"""Turns every pages/*.txt into build/NAME.html and writes build/index.html linking them."""

import html
import sys
from pathlib import Path


def render(title, text):
    paragraphs = "".join(f"<p>{html.escape(p.strip())}</p>\n" for p in text.split("\n\n") if p.strip())
    return f"<html><head><title>{html.escape(title)}</title></head><body>\n{paragraphs}</body></html>\n"


def main(source, target):
    source, target = Path(source), Path(target)
    target.mkdir(exist_ok=True)
    links = []
    for page in sorted(source.glob("*.txt")):
        title = page.stem.replace("-", " ").title()
        (target / f"{page.stem}.html").write_text(render(title, page.read_text()))
        links.append(f'<li><a href="{page.stem}.html">{html.escape(title)}</a></li>')
    (target / "index.html").write_text(render("Index", "").replace("<body>\n", "<body>\n<ul>" + "".join(links) + "</ul>\n"))
    print(f"built {len(links)} pages into {target}/")


if __name__ == "__main__":
    main(*sys.argv[1:3])
