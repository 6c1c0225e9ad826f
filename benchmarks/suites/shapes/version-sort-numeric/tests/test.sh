#!/usr/bin/env bash
# Runs /tests/check.py in the workspace; check.py writes the reward.
logs="${REINS_VERIFIER_LOGS:-/logs/verifier}"
mkdir -p "$logs"
python3 /tests/check.py "$logs"
