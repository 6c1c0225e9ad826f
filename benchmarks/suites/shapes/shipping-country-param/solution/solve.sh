#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("pricing.py")
p.write_text(p.read_text()
    .replace("def shipping_cost(weight_kg):", "def shipping_cost(weight_kg, country):")
    .replace("for a parcel of weight_kg.", "for a parcel of weight_kg sent to country.")
    .replace("    return round(BASE_RATE + PER_KG * weight_kg, 2)",
             "    cost = BASE_RATE + PER_KG * weight_kg\n"
             "    if country != \"US\":\n"
             "        cost *= 2\n"
             "    return round(cost, 2)"))
c = Path("checkout.py")
c.write_text(c.read_text().replace("shipping_cost(weight)", "shipping_cost(weight, order[\"country\"])"))
q = Path("quote.py")
q.write_text(q.read_text()
    .replace("def quote(weight_kg):", "def quote(weight_kg, country):")
    .replace("kg: ${shipping_cost(weight_kg):.2f}", "kg to {country}: ${shipping_cost(weight_kg, country):.2f}")
    .replace("quote(float(sys.argv[1]))", "quote(float(sys.argv[1]), sys.argv[2])"))
PY
