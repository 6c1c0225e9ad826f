"""Customers and orders, read from the JSON files in data/."""

import json
from dataclasses import dataclass, field
from pathlib import Path

DATA = Path(__file__).parent / "data"


@dataclass
class Customer:
    id: str
    name: str
    address: list[str]
    vat_id: str | None = None


@dataclass
class Line:
    description: str
    quantity: int
    unit_price: float


@dataclass
class Order:
    id: str
    customer_id: str
    date: str
    lines: list[Line] = field(default_factory=list)


def load_customers(path=DATA / "customers.json"):
    raw = json.loads(Path(path).read_text())
    return {
        item["id"]: Customer(item["id"], item["name"], item.get("address", []), item.get("vat_id"))
        for item in raw
    }


def load_orders(path=DATA / "orders.json"):
    raw = json.loads(Path(path).read_text())
    orders = {}
    for item in raw:
        lines = [Line(l["description"], l["quantity"], l["unit_price"]) for l in item["lines"]]
        orders[item["id"]] = Order(item["id"], item["customer_id"], item["date"], lines)
    return orders
