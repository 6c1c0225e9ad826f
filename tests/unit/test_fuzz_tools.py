"""Reliability campaign: over 3,000 adversarial calls; never Unknown, nothing outside the
workspace changes, outputs stay within their caps, and the executor keeps working.
(benchmarks/fuzz_tools.py runs the same campaign with 10,000+ calls.)"""

from reins.testing.fuzz_tools import run_campaign


def test_adversarial_calls_never_unknown_or_escaping(tmp_path):
    campaign = run_campaign(tmp_path, batches=1100)
    assert campaign.calls >= 3000, campaign
    assert campaign.violations == [], "\n".join(campaign.violations[:10])
