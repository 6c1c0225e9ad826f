#!/usr/bin/env bash
set -euo pipefail
sed -i 's/^OBJS = main.o stats.o$/&\nLDLIBS = -lm/; s/-o \$@ \$(OBJS)$/-o $@ $(OBJS) $(LDLIBS)/' Makefile
make
./stats 2 4 4 4 5 5 7 9
