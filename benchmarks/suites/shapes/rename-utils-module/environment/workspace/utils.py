import re

SMALL_WORDS = {"a", "an", "and", "of", "on", "the", "to", "in"}


def slugify(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def title_case(text):
    words = text.split()
    return " ".join(w.lower() if i and w.lower() in SMALL_WORDS else w.capitalize()
                    for i, w in enumerate(words))


def truncate(text, width):
    return text if len(text) <= width else text[: width - 3] + "..."
