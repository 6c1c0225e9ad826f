from models import UserRecord


def active_only(users: list[UserRecord]) -> list[UserRecord]:
    return [u for u in users if u.active]


def roster(users: list[UserRecord]) -> str:
    return "\n".join(u.display() for u in users)
