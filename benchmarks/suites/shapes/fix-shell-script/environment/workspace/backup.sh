#!/usr/bin/env bash
# Copy every .txt file into backup/
mkdir -p backup
for f in *.txt do
    cp "$f" backup/
done
echo "backed up"
