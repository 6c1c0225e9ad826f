"""Send the queued invoice e-mails: python3 worker.py [queue.json]

Each job in the queue is {"id", "customer", "email", "amount_cents"}. Sent invoices are
appended to outbox.jsonl, where the mail relay picks them up.
"""

import json
import sys
from pathlib import Path

OUTBOX = Path("outbox.jsonl")


def validate(job):
    """What is wrong with a job, or None when it can be sent."""
    if "@" not in job.get("email", ""):
        return "missing or invalid e-mail address"
    if job.get("amount_cents", 0) <= 0:
        return "amount must be positive"
    return None


def send(job):
    message = {
        "to": job["email"],
        "subject": f"Invoice {job['id']}",
        "amount_cents": job["amount_cents"],
    }
    with OUTBOX.open("a") as f:
        f.write(json.dumps(message) + "\n")


def process(path):
    jobs = json.loads(Path(path).read_text())
    print(f"starting: {len(jobs)} jobs from {path}")
    sent = failed = 0
    for job in jobs:
        print(f"processing job {job['id']} for {job['customer']}")
        problem = validate(job)
        if problem:
            print(f"job {job['id']} failed: {problem}")
            failed += 1
            continue
        send(job)
        print(f"sent invoice {job['id']} to {job['email']}")
        sent += 1
    print(f"done: {sent} sent, {failed} failed")


if __name__ == "__main__":
    process(sys.argv[1] if len(sys.argv) > 1 else "queue.json")
