"""Numbers for the monthly sales summary."""
from collections import Counter


def money(cents):
    return f"{cents / 100:,.2f}"


def summarize(orders):
    """Count, revenue, average and best customer of some orders."""
    count = 0
    for _ in orders:
        count += 1
    revenue = sum(order.total_cents for order in orders)
    spent = Counter()
    for order in orders:
        spent[order.customer] += order.total_cents
    top = spent.most_common(1)
    return {
        "orders": count,
        "revenue": revenue,
        "average": revenue // count if count else 0,
        "top_customer": top[0][0] if top else None,
        "top_spent": top[0][1] if top else 0,
    }


def format_summary(title, numbers):
    lines = [title, "=" * len(title)]
    lines.append(f"orders:        {numbers['orders']}")
    lines.append(f"revenue:       {money(numbers['revenue'])}")
    lines.append(f"average order: {money(numbers['average'])}")
    if numbers["top_customer"]:
        lines.append(f"top customer:  {numbers['top_customer']} ({money(numbers['top_spent'])})")
    else:
        lines.append("top customer:  -")
    return "\n".join(lines)
