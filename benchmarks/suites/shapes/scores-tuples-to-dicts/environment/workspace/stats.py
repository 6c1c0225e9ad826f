def average(rows):
    return sum(row[1] for row in rows) / len(rows)


def best(rows):
    name, score = max(rows, key=lambda row: row[1])
    return f"{name} ({score})"
