"""Turn users into plain dicts (for the JSON store and the API) and back."""

import json

from models import User


def to_dict(user):
    return {
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "is_admin": user.is_admin,
        "tags": list(user.tags),
    }


def from_dict(data):
    return User(
        id=int(data["id"]),
        name=data["name"],
        email=data["email"],
        is_admin=bool(data.get("is_admin", False)),
        tags=list(data.get("tags", [])),
    )


def dumps(users):
    return json.dumps([to_dict(u) for u in users], indent=2)


def loads(text):
    return [from_dict(d) for d in json.loads(text)]
