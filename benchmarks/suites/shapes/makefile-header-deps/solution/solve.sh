#!/usr/bin/env bash
set -euo pipefail
cat >> Makefile <<'MK'

# Header dependencies: rebuild an object when a header it includes changes.
main.o: config.h money.h report.h
report.o: config.h money.h report.h
money.o: money.h
MK
make
