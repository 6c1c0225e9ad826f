"use strict";

const STOPWORDS = new Set([
  "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have", "in", "is",
  "it", "its", "of", "on", "or", "that", "the", "this", "to", "was", "were", "will", "with",
]);

function words(text, { ignoreCase = false } = {}) {
  const source = ignoreCase ? text.toLowerCase() : text;
  return source.match(/[\p{L}\p{N}']+/gu) || [];
}

// Counts the words of text, leaving out stop words and words shorter than minLength.
// Returns [word, count] pairs, most frequent first; ties in alphabetical order.
function countWords(text, { minLength = 1, ignoreCase = false } = {}) {
  const counts = new Map();
  for (const word of words(text, { ignoreCase })) {
    if (word.length < minLength || STOPWORDS.has(word.toLowerCase())) continue;
    counts.set(word, (counts.get(word) || 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

module.exports = { words, countWords, STOPWORDS };
