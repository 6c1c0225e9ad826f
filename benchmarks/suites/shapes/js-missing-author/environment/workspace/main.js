const fs = require("fs");
const path = require("path");
const { displayName, initials } = require("./lib/people");

const file = process.argv[2] || path.join(__dirname, "comments.json");
const comments = JSON.parse(fs.readFileSync(file, "utf8"));

for (const comment of comments) {
  const who = `[${initials(comment.author)}] ${displayName(comment.author)}`;
  console.log(`${who}: ${comment.text}`);
}
console.log(`${comments.length} comments`);
