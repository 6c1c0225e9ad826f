"""Create the sample shop database: python3 seed.py [shop.db]"""

import sqlite3
import sys

CUSTOMERS = [
    (1, "Dana Whitfield", "dana@whitfield.example"),
    (2, "Omar Haddad", "omar.h@example.com"),
    (3, "Grace Kim", "gkim@example.net"),
    (4, "Lukas Brandt", "lukas@brandt.example"),
    (5, "Priya Nair", "priya.nair@example.com"),
    (6, "Sam Okafor", "sam@okafor.example"),
    (7, "Elena Rossi", "elena.rossi@example.it"),
]

# (id, customer_id, placed_on, total_cents, status)
ORDERS = [
    (101, 1, "2024-01-04", 12_500, "shipped"),
    (102, 1, "2024-01-19", 4_999, "shipped"),
    (103, 2, "2024-01-22", 89_000, "cancelled"),
    (104, 2, "2024-02-02", 3_250, "paid"),
    (105, 3, "2024-02-03", 21_000, "shipped"),
    (106, 3, "2024-02-10", 15_400, "paid"),
    (107, 4, "2024-02-11", 64_000, "cancelled"),
    (108, 4, "2024-02-12", 58_000, "cancelled"),
    (109, 4, "2024-02-14", 7_500, "shipped"),
    (110, 5, "2024-02-20", 30_999, "shipped"),
    (111, 6, "2024-03-01", 9_900, "paid"),
    (112, 6, "2024-03-02", 2_000, "cancelled"),
    (113, 7, "2024-03-03", 18_750, "shipped"),
    (114, 7, "2024-03-09", 6_100, "cancelled"),
    (115, 5, "2024-03-11", 1_250, "paid"),
    (116, 1, "2024-03-15", 22_000, "cancelled"),
]


def seed(path="shop.db"):
    conn = sqlite3.connect(path)
    conn.executescript("""
        DROP TABLE IF EXISTS orders;
        DROP TABLE IF EXISTS customers;
        CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL);
        CREATE TABLE orders (
            id INTEGER PRIMARY KEY,
            customer_id INTEGER NOT NULL REFERENCES customers(id),
            placed_on TEXT NOT NULL,
            total_cents INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('paid', 'shipped', 'cancelled'))
        );
    """)
    conn.executemany("INSERT INTO customers VALUES (?, ?, ?)", CUSTOMERS)
    conn.executemany("INSERT INTO orders VALUES (?, ?, ?, ?, ?)", ORDERS)
    conn.commit()
    conn.close()


if __name__ == "__main__":
    seed(*sys.argv[1:2])
