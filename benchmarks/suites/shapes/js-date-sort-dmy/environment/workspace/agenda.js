"use strict";
// Prints the upcoming events, earliest first.
//
//   node agenda.js [events.json] [--today DD/MM/YYYY]
const fs = require("fs");
const { upcoming, sortEvents, formatEvent } = require("./lib/events");

function todayDMY() {
  const d = new Date();
  return `${d.getDate()}/${d.getMonth() + 1}/${d.getFullYear()}`;
}

const args = process.argv.slice(2);
let file = "events.json";
let today = todayDMY();
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--today") today = args[++i];
  else file = args[i];
}

const events = JSON.parse(fs.readFileSync(file, "utf8"));
const list = sortEvents(upcoming(events, today));
console.log(`${list.length} upcoming events`);
for (const event of list) console.log(formatEvent(event));
