"use strict";

const { formatPrice } = require("./format");

// items: [{ sku, priceCents, qty }]
function cartTotal(items) {
  return items.reduce((sum, item) => sum + item.priceCents * item.qty, 0);
}

function itemCount(items) {
  return items.reduce((n, item) => n + item.qty, 0);
}

// "3 items, $7.05"
function cartSummary(items) {
  const count = itemCount(items);
  return `${count} ${count === 1 ? "item" : "items"}, ${formatPrice(cartTotal(items))}`;
}

module.exports = { cartTotal, itemCount, cartSummary };
