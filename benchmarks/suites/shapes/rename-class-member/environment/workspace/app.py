from models import UserRecord
from reports import active_only, roster
from storage import load_users

if __name__ == "__main__":
    users = load_users("users.json")
    users.append(UserRecord("Guest", "guest@example.org", active=False))
    print(roster(users))
    print(f"{len(active_only(users))} active of {len(users)}")
