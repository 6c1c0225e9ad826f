"""A plain-text stock table for the morning e-mail."""


def stock_table(warehouse):
    lines = [f"{'SKU':<10} {'ON HAND':>8} {'REORDER AT':>11}"]
    for item in sorted(warehouse.items.values(), key=lambda i: i.sku):
        flag = "  LOW" if item.on_hand < item.reorder_point else ""
        lines.append(f"{item.sku:<10} {item.on_hand:>8} {item.reorder_point:>11}{flag}")
    return "\n".join(lines)
