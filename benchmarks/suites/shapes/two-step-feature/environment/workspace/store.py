"""Bookmarks, kept in a JSON file as a list of {"url", "title", "tags"}."""

import csv
import json
from pathlib import Path

FIELDS = ["url", "title", "tags"]


def load(path):
    path = Path(path)
    return json.loads(path.read_text()) if path.exists() else []


def save(path, bookmarks):
    Path(path).write_text(json.dumps(bookmarks, indent=2) + "\n")


def add(bookmarks, url, title, tags=()):
    if any(b["url"] == url for b in bookmarks):
        raise ValueError(f"already bookmarked: {url}")
    bookmarks.append({"url": url, "title": title, "tags": sorted(set(tags))})


def with_tag(bookmarks, tag):
    return [b for b in bookmarks if tag in b["tags"]]


def write_csv(bookmarks, path):
    """Write bookmarks to a CSV file with a header row; tags are joined with spaces."""
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(FIELDS)
        for b in bookmarks:
            writer.writerow([b["url"], b["title"], " ".join(b["tags"])])
