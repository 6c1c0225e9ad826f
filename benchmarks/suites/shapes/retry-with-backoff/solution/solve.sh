#!/usr/bin/env bash
set -euo pipefail
python3 - <<'PY'
from pathlib import Path
p = Path("rates.py")
s = p.read_text()

def edit(old, new):
    global s
    assert old in s, old
    s = s.replace(old, new, 1)

edit("import json\n", "import json\nimport time\n")
edit('RATES_URL = "https://rates.example.com/v1/latest?base={base}"\n',
     'RATES_URL = "https://rates.example.com/v1/latest?base={base}"\n'
     'RETRY_DELAYS = (1, 2, 4)  # seconds to wait before the 2nd, 3rd and 4th attempt\n')
edit("""    body = http_get(RATES_URL.format(base=base))
""", """    url = RATES_URL.format(base=base)
    for delay in RETRY_DELAYS:
        try:
            body = http_get(url)
            break
        except (ConnectionError, TimeoutError):
            time.sleep(delay)
    else:
        body = http_get(url)  # the last attempt: its error propagates
""")
p.write_text(s)
PY
PYTHONDONTWRITEBYTECODE=1 python3 -m unittest test_rates
