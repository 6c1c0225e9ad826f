"""The users file: python3 store.py lists the users in users.json."""

from pathlib import Path

from serialize import dumps, loads

PATH = Path("users.json")


def load_users(path=PATH):
    return loads(Path(path).read_text()) if Path(path).exists() else []


def save_users(users, path=PATH):
    Path(path).write_text(dumps(users) + "\n")


if __name__ == "__main__":
    for user in load_users():
        print(("* " if user.is_admin else "  ") + user.display_name)
