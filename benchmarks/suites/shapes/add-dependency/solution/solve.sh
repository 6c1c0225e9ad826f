#!/usr/bin/env bash
set -euo pipefail
printf 'click>=8.1\nnumpy>=1.26\npyyaml>=6.0\nrequests>=2.31\nrich>=13.7\n' > requirements.txt
