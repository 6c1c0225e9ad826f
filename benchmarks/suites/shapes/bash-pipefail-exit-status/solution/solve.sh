#!/usr/bin/env bash
set -euo pipefail
sed -i 's/^set -e$/set -eo pipefail/' nightly.sh
grep -q '^set -eo pipefail$' nightly.sh
bash nightly.sh /tmp/nightly-oracle
rm -rf /tmp/nightly-oracle
