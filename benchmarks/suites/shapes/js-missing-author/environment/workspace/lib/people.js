// Helpers for showing forum users.

function displayName(user) {
  return `${user.firstName} ${user.lastName}`;
}

function initials(user) {
  return (user.firstName[0] + user.lastName[0]).toUpperCase();
}

module.exports = { displayName, initials };
