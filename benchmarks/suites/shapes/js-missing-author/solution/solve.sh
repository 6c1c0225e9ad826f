#!/usr/bin/env bash
set -euo pipefail
cat > lib/people.js <<'JS'
// Helpers for showing forum users.

function displayName(user) {
  if (!user) return "Deleted user";
  return user.lastName ? `${user.firstName} ${user.lastName}` : user.firstName;
}

function initials(user) {
  if (!user) return "?";
  return (user.firstName[0] + (user.lastName ? user.lastName[0] : "")).toUpperCase();
}

module.exports = { displayName, initials };
JS
node main.js
