import utils
from headlines import headline

POSTS = ["the return of the king", "a tale of two cities", "notes on python packaging in 2024"]

if __name__ == "__main__":
    for raw in POSTS:
        h = headline(raw)
        print(f"{utils.truncate(h['title'], 24):<24}  /posts/{h['slug']}")
