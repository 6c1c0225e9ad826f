"""Count the words of a text file: python3 wc.py FILE"""
import argparse


def count_words(text):
    return len(text.split())


def main():
    parser = argparse.ArgumentParser(description="Count words in a file.")
    parser.add_argument("file")
    args = parser.parse_args()
    with open(args.file) as f:
        text = f.read()
    print(count_words(text))


if __name__ == "__main__":
    main()
