"use strict";
// Summarise the service logs.
//
//   node summarize.js LOGDIR [OUT]
//
// Reads every *.log file in LOGDIR (lines like "2024-05-02T10:00:01Z ERROR payments: card declined"),
// prints a one-line overview and writes the full summary as JSON to OUT (default: summary.json).
const fs = require("fs/promises");
const path = require("path");

const LINE = /^(\S+)\s+(DEBUG|INFO|WARN|ERROR)\s+([\w-]+):\s*(.*)$/;

async function readEntries(file) {
  const text = await fs.readFile(file, "utf8");
  const entries = [];
  for (const raw of text.split("\n")) {
    const m = LINE.exec(raw.trim());
    if (m) entries.push({ time: m[1], level: m[2], service: m[3], message: m[4] });
  }
  return entries;
}

function bump(counts, key) {
  counts[key] = (counts[key] || 0) + 1;
}

async function summarize(dir) {
  const names = (await fs.readdir(dir)).filter((name) => name.endsWith(".log")).sort();
  const summary = { files: names.length, entries: 0, errors: 0, levels: {}, services: {}, firstError: null };
  for (const name of names) {
    const entries = await readEntries(path.join(dir, name));
    for (const entry of entries) {
      summary.entries += 1;
      bump(summary.levels, entry.level);
      bump(summary.services, entry.service);
      if (entry.level !== "ERROR") continue;
      summary.errors += 1;
      if (!summary.firstError || entry.time < summary.firstError.time) {
        summary.firstError = { time: entry.time, service: entry.service, message: entry.message };
      }
    }
  }
  return summary;
}

function overview(summary) {
  return `${summary.entries} entries in ${summary.files} files, ${summary.errors} errors`;
}

function main() {
  const [dir, out = "summary.json"] = process.argv.slice(2);
  if (!dir) {
    console.error("usage: node summarize.js LOGDIR [OUT]");
    process.exit(2);
  }
  const summary = summarize(dir);
  console.log(overview(summary));
  fs.writeFile(out, JSON.stringify(summary, null, 2) + "\n");
}

main();
