"""Print the most common words of a text file, most frequent first.

    python3 top_words.py FILE [-n N]
"""
import argparse
import re
from collections import Counter

STOPWORDS = {"a", "an", "and", "the", "of", "to", "in", "is", "for", "on", "at", "with"}


def count_words(lines):
    counts = Counter()
    for line in lines:
        for word in re.findall(r"[a-z][a-z']*", line.lower()):
            if word not in STOPWORDS:
                counts[word] += 1
    return counts


def main():
    parser = argparse.ArgumentParser(description="Most common words in a text.")
    parser.add_argument("file", help="the text file to read")
    parser.add_argument("-n", "--top", type=int, default=5, help="how many words to show (default 5)")
    args = parser.parse_args()

    with open(args.file, encoding="utf-8") as f:
        counts = count_words(f)

    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    for word, count in ranked[: args.top]:
        print(f"{count:>5}  {word}")


if __name__ == "__main__":
    main()
