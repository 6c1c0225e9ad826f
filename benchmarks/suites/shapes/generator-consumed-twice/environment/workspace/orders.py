"""Reading the shop's order exports (one JSON object per line)."""
import json
from dataclasses import dataclass
from datetime import date


@dataclass
class Order:
    id: str
    customer: str
    day: date
    total_cents: int
    status: str


def parse_order(raw):
    return Order(
        id=raw["id"],
        customer=raw["customer"].strip().lower(),
        day=date.fromisoformat(raw["created"][:10]),
        total_cents=round(float(raw["total"]) * 100),
        status=raw.get("status", "paid"),
    )


def read_orders(path, include_refunded=False):
    """The orders in a .jsonl export, one at a time (the exports got too big to load at once)."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            order = parse_order(json.loads(line))
            if order.status == "refunded" and not include_refunded:
                continue
            yield order
