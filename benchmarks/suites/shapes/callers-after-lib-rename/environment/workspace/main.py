from lib import timeparse
from scheduler import Job

JOBS = [("backup", "6h"), ("sync", "15m"), ("report", "1d")]

if __name__ == "__main__":
    for name, every in JOBS:
        print(Job(name, every).describe())
    grace = timeparse.parse_duration("1m30s")
    print("grace period:", timeparse.format_seconds(grace))
