"""Tool reliability: 10,000+ adversarial tool calls (wrong types, huge strings, binary and
non-UTF-8 files, '..' and symlink paths, broken patches, commands that sleep, flood output
or fork). Target: zero Unknown results, nothing outside the workspace changed, outputs
within caps. Random draws each run (the test suite's version is derandomized)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))
from _report import report  # noqa: E402

from tests.fuzz_runner import run_campaign  # noqa: E402

BATCHES = 3600  # 1-5 calls each: about 10,800 calls


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        campaign = run_campaign(Path(tmp), BATCHES, derandomize=False)
    rows = [
        {"kind": kind, "calls": n, "share_%": 100 * n / campaign.calls}
        for kind, n in sorted(campaign.kinds.items())
    ]
    rows.append({"kind": "TOTAL", "calls": campaign.calls, "share_%": 100.0})
    report(
        "fuzz_tools",
        f"{campaign.calls} adversarial tool calls in {campaign.seconds:.0f}s: "
        f"{campaign.kinds.get('Unknown', 0)} Unknown, {len(campaign.violations)} violations",
        rows,
        {"violations": campaign.violations[:50], "seconds": campaign.seconds},
    )
    for violation in campaign.violations[:10]:
        print("VIOLATION:", violation[:600])
    sys.exit(1 if campaign.violations else 0)


if __name__ == "__main__":
    main()
