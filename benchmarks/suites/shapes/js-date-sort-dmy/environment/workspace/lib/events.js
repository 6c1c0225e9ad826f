"use strict";

// Helpers for the club agenda. Dates in events.json are written the way the
// committee types them: "DD/MM/YYYY", with start times as "HH:MM" (24h).

function toISO(dmy) {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(String(dmy).trim());
  if (!m) throw new Error(`bad date: ${dmy}`);
  const [, day, month, year] = m;
  return `${year}-${month.padStart(2, "0")}-${day.padStart(2, "0")}`;
}

function upcoming(events, today) {
  const from = toISO(today);
  return events.filter((event) => !event.cancelled && toISO(event.date) >= from);
}

function sortEvents(events) {
  return events.slice().sort((a, b) => a.date.localeCompare(b.date) || a.start.localeCompare(b.start));
}

function formatEvent(event) {
  const where = event.place ? ` @ ${event.place}` : "";
  return `${event.date} ${event.start}  ${event.title}${where}`;
}

module.exports = { toISO, upcoming, sortEvents, formatEvent };
