#!/usr/bin/env bash
set -euo pipefail
cat > settings.py <<'PY'
API_BASE_URL = "https://api.example.com/v2"
TIMEOUT_SECONDS = 15
PY
python3 - <<'PY'
from pathlib import Path
c = Path("client.py")
c.write_text(c.read_text().replace(
    'API_BASE_URL = "https://api.example.com/v2"\nTIMEOUT_SECONDS = 15\n',
    "from settings import API_BASE_URL, TIMEOUT_SECONDS\n\n"))
j = Path("jobs.py")
j.write_text(j.read_text().replace(
    "from client import API_BASE_URL, TIMEOUT_SECONDS, build_url",
    "from client import build_url\nfrom settings import API_BASE_URL, TIMEOUT_SECONDS"))
m = Path("main.py")
m.write_text(m.read_text()
    .replace("from client import TIMEOUT_SECONDS, request_options", "from client import request_options")
    .replace("from jobs import describe_job, is_internal",
             "from jobs import describe_job, is_internal\nfrom settings import TIMEOUT_SECONDS"))
PY
