"use strict";
// Usage: node report.js latencies.txt   (one latency in ms per line)
const fs = require("fs");
const { median, percentile, slowest } = require("./lib/stats");

const file = process.argv[2] || "latencies.txt";
const values = fs.readFileSync(file, "utf8")
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line !== "")
  .map(Number);

console.log(`requests: ${values.length}`);
console.log(`median:   ${median(values)} ms`);
console.log(`p95:      ${percentile(values, 95)} ms`);
console.log(`slowest:  ${slowest(values, 3).join(", ")} ms`);
