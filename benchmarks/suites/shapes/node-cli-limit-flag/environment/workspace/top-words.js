#!/usr/bin/env node
"use strict";
// Prints the 10 most frequent words of a text file.
//
//   node top-words.js FILE [--min-length N] [--ignore-case|-i]
const fs = require("fs");
const { countWords } = require("./lib/count");

const USAGE = "usage: node top-words.js FILE [--min-length N] [--ignore-case|-i]";
const TOP = 10;

function fail(message) {
  console.error(`top-words: ${message}`);
  console.error(USAGE);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { file: null, minLength: 1, ignoreCase: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--min-length") {
      const value = argv[++i];
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) fail(`--min-length needs a positive whole number, got ${value}`);
      opts.minLength = n;
    } else if (arg === "--ignore-case" || arg === "-i") {
      opts.ignoreCase = true;
    } else if (arg === "--help" || arg === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else if (arg.startsWith("-")) {
      fail(`unknown option ${arg}`);
    } else if (opts.file === null) {
      opts.file = arg;
    } else {
      fail(`unexpected argument ${arg}`);
    }
  }
  if (opts.file === null) fail("no FILE given");
  return opts;
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  let text;
  try {
    text = fs.readFileSync(opts.file, "utf8");
  } catch (err) {
    fail(`cannot read ${opts.file}: ${err.code}`);
  }
  const top = countWords(text, opts).slice(0, TOP);
  const width = Math.max(1, ...top.map(([, count]) => String(count).length));
  for (const [word, count] of top) {
    console.log(`${String(count).padStart(width)}  ${word}`);
  }
}

main();
