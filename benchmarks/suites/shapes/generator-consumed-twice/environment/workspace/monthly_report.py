"""Monthly sales summary.

    python3 monthly_report.py data/orders-2024-05.jsonl
    python3 monthly_report.py data/orders-2024-05.jsonl --with-refunds
"""
import argparse
import sys
from pathlib import Path

from orders import read_orders
from summary import format_summary, summarize


def main(argv=None):
    parser = argparse.ArgumentParser(description="Monthly sales summary.")
    parser.add_argument("export", help="orders export (.jsonl)")
    parser.add_argument("--with-refunds", action="store_true", help="count refunded orders too")
    args = parser.parse_args(argv)
    orders = read_orders(args.export, include_refunded=args.with_refunds)
    title = f"Sales summary: {Path(args.export).stem.replace('orders-', '')}"
    print(format_summary(title, summarize(orders)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
