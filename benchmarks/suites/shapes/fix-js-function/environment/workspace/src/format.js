"use strict";

// Prices are kept as integer cents everywhere; these turn them into display strings.

function groupThousands(n) {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

// 1999 -> "$19.99", 123456 -> "$1,234.56", -1250 -> "-$12.50"
function formatPrice(cents) {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  const dollars = Math.floor(abs / 100);
  const rest = abs % 100;
  return `${sign}$${groupThousands(dollars)}.${rest}`;
}

module.exports = { formatPrice, groupThousands };
