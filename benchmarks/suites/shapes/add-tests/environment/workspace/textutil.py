"""Small text helpers used by the blog generator."""

import re


def slugify(text):
    """'Hello, World!' -> 'hello-world': a lowercase URL slug made of letters, digits and
    single hyphens, with no hyphen at either end."""
    text = text.lower()
    text = re.sub(r"[^a-z0-9]+", "-", text)
    return text.strip("-")


def truncate(text, width, suffix="..."):
    """Cut text to at most `width` characters, ending in `suffix` when it was cut."""
    if len(text) <= width:
        return text
    return text[:max(0, width - len(suffix))].rstrip() + suffix


def reading_time(text, words_per_minute=200):
    """Minutes needed to read text, at least 1."""
    words = len(text.split())
    return max(1, round(words / words_per_minute))
