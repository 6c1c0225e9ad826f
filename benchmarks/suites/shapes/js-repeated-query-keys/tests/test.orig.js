"use strict";

const assert = require("node:assert");
const { parseQuery, buildQuery } = require("./src");

let failed = 0;

function test(name, fn) {
  try {
    fn();
    console.log(`ok - ${name}`);
  } catch (error) {
    failed += 1;
    console.log(`not ok - ${name}`);
    console.log(`  ${error.message.split("\n").join("\n  ")}`);
  }
}

test("parseQuery: plain pairs", () => {
  assert.deepStrictEqual(parseQuery("?q=shoes&page=2"), { q: "shoes", page: "2" });
});

test("parseQuery: decodes + and percent escapes", () => {
  assert.deepStrictEqual(parseQuery("q=red+shoes&brand=M%26S"), { q: "red shoes", brand: "M&S" });
});

test("parseQuery: key without value", () => {
  assert.deepStrictEqual(parseQuery("debug&x="), { debug: "", x: "" });
});

test("buildQuery: arrays become repeated keys", () => {
  assert.strictEqual(buildQuery({ tag: ["a", "b"], page: 1, skip: null }), "tag=a&tag=b&page=1");
});

if (failed) {
  console.log(`\n${failed} failing`);
  process.exitCode = 1;
} else {
  console.log("\nall passing");
}
