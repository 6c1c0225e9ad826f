from textutil import reading_time, slugify, truncate

POSTS = [
    ("Hello, World!", "My first post. " * 40),
    ("Why I Like  Python 3.12", "Because it is nice. " * 150),
]

if __name__ == "__main__":
    for title, body in POSTS:
        print(f"/posts/{slugify(title)}/  {truncate(title, 16)}  ({reading_time(body)} min)")
