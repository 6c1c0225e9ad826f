"use strict";

const assert = require("node:assert");
const { formatPrice, cartTotal, cartSummary } = require("./src");

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

test("formatPrice: dollars and cents", () => {
  assert.strictEqual(formatPrice(1999), "$19.99");
});

test("formatPrice: thousands separator", () => {
  assert.strictEqual(formatPrice(123456), "$1,234.56");
});

test("formatPrice: negative amounts", () => {
  assert.strictEqual(formatPrice(-1250), "-$12.50");
});

test("formatPrice: cents below ten", () => {
  assert.strictEqual(formatPrice(1005), "$10.05");
});

test("cartTotal", () => {
  const items = [{ sku: "MUG-01", priceCents: 850, qty: 2 }, { sku: "TEA-12", priceCents: 499, qty: 1 }];
  assert.strictEqual(cartTotal(items), 2199);
});

test("cartSummary", () => {
  const items = [{ sku: "PEN-03", priceCents: 235, qty: 3 }];
  assert.strictEqual(cartSummary(items), "3 items, $7.05");
});

if (failed) {
  console.log(`\n${failed} failing`);
  process.exitCode = 1;
} else {
  console.log("\nall passing");
}
