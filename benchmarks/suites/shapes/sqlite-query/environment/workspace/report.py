"""Top customers by money spent: python3 report.py [shop.db]"""

import sqlite3
import sys

TOP_CUSTOMERS = """
    SELECT c.name, COUNT(o.id) AS order_count, SUM(o.total_cents) AS spent
    FROM customers AS c
    JOIN orders AS o ON o.customer_id = c.id
    GROUP BY c.id
    ORDER BY spent DESC, c.name
    LIMIT ?
"""


def top_customers(conn, limit=5):
    return conn.execute(TOP_CUSTOMERS, (limit,)).fetchall()


def money(cents):
    return f"${cents / 100:,.2f}"


def main(argv):
    path = argv[0] if argv else "shop.db"
    conn = sqlite3.connect(path)
    print("Top customers")
    for rank, (name, order_count, spent) in enumerate(top_customers(conn), 1):
        print(f"{rank}. {name:<18} {order_count:>3} orders  {money(spent):>11}")
    conn.close()


if __name__ == "__main__":
    main(sys.argv[1:])
