import json

from models import UserRecord


def load_users(path):
    with open(path) as f:
        return [UserRecord(**row) for row in json.load(f)]


def save_users(path, users):
    with open(path, "w") as f:
        json.dump([vars(u) for u in users], f, indent=2)
