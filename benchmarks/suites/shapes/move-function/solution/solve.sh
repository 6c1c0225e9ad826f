#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
utils = Path("shop/utils.py")
s = utils.read_text()
start = s.index("def format_price")
end = s.index("def parse_quantity")
Path("shop/money.py").write_text('"""Money formatting."""\n\n\n' + s[start:end].rstrip() + "\n")
utils.write_text(s[:start] + s[end:])
cart = Path("shop/cart.py")
cart.write_text(cart.read_text().replace(
    "from shop.utils import format_price, normalize_sku",
    "from shop.money import format_price\nfrom shop.utils import normalize_sku"))
inv = Path("shop/invoice.py")
inv.write_text(inv.read_text().replace("from shop import utils", "from shop.money import format_price")
               .replace("utils.format_price", "format_price"))
PY
