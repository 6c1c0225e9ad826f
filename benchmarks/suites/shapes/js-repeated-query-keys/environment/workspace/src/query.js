"use strict";

function decode(text) {
  return decodeURIComponent(text.replace(/\+/g, " "));
}

// Parse a query string ("?q=red+shoes&page=2") into an object of strings.
function parseQuery(query) {
  const result = {};
  const text = query.startsWith("?") ? query.slice(1) : query;
  for (const part of text.split("&")) {
    if (!part) continue;
    const eq = part.indexOf("=");
    const key = decode(eq === -1 ? part : part.slice(0, eq));
    const value = eq === -1 ? "" : decode(part.slice(eq + 1));
    result[key] = value;
  }
  return result;
}

// Build a query string from an object. Arrays become repeated keys
// ({ tag: ["a", "b"] } -> "tag=a&tag=b"); null and undefined values are left out.
function buildQuery(params) {
  const parts = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === null || value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    for (const item of values) {
      parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(item))}`);
    }
  }
  return parts.join("&");
}

module.exports = { parseQuery, buildQuery };
