#!/usr/bin/env bash
set -euo pipefail
printf 'Hello, reins!\n' > greeting.txt
