"use strict";
const assert = require("assert");
const { median, percentile, slowest } = require("./lib/stats");

const cases = [
  ["median of a few small values", () => assert.strictEqual(median([3, 1, 2]), 2)],
  ["median of an even count", () => assert.strictEqual(median([4, 1, 3, 2]), 2.5)],
  ["median of latencies", () => assert.strictEqual(median([5, 10, 40, 200, 9]), 10)],
  ["p95", () => assert.strictEqual(percentile([12, 7, 150, 30, 9, 1000, 45, 8, 11, 20], 95), 1000)],
  ["p50", () => assert.strictEqual(percentile([12, 7, 150, 30, 9, 1000, 45, 8, 11, 20], 50), 12)],
  ["slowest", () => assert.deepStrictEqual(slowest([90, 100, 8, 250, 35], 3), [250, 100, 90])],
  ["empty input", () => assert.strictEqual(median([]), null)],
];

let failed = 0;
for (const [name, fn] of cases) {
  try {
    fn();
    console.log(`ok - ${name}`);
  } catch (err) {
    failed += 1;
    console.log(`not ok - ${name}\n  ${err.message.split("\n").join("\n  ")}`);
  }
}
console.log(failed ? `${failed} failing` : "all passing");
process.exitCode = failed ? 1 : 0;
