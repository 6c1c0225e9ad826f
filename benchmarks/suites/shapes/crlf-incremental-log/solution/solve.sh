#!/usr/bin/env bash
set -euo pipefail
sed -i 's|lines.append(raw.decode("utf-8", errors="replace").rstrip("\\n"))|lines.append(raw.decode("utf-8", errors="replace").rstrip("\\r\\n"))|' tail_state.py
grep -qF 'rstrip("\r\n")' tail_state.py
rm -f logs/api-access.log.offset
python3 slow_requests.py logs/api-access.log
rm -f logs/api-access.log.offset
