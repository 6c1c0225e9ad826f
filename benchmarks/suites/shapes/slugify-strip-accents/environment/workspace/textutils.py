"""Small text helpers for the blog build."""
import re

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(title, max_length=60):
    """URL-friendly name for a title: 'Hello, World!' -> 'hello-world'."""
    slug = _NOT_SLUG.sub("-", title.lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug or "untitled"


def word_count(text):
    return len(re.findall(r"\w+", text))


def excerpt(text, words=25):
    """The first `words` words of the first paragraph, with an ellipsis if cut."""
    first = text.strip().split("\n\n", 1)[0]
    parts = first.split()
    if len(parts) <= words:
        return " ".join(parts)
    return " ".join(parts[:words]) + " …"


def reading_time(text, wpm=200):
    minutes = max(1, round(word_count(text) / wpm))
    return f"{minutes} min read"
