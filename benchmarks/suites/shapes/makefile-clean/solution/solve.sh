#!/usr/bin/env bash
set -euo pipefail
sed -i 's/^\.PHONY: build dist$/.PHONY: build dist clean/' Makefile
printf '\nclean:\n\trm -rf build site.zip\n' >> Makefile
