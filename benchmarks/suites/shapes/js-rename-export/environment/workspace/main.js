const dates = require("./lib/dates");
const { overdueLine } = require("./lib/report");

const today = new Date(Date.UTC(2024, 2, 15));
const tasks = [
  { title: "Renew domain", due: new Date(Date.UTC(2024, 2, 1)) },
  { title: "File taxes", due: new Date(Date.UTC(2024, 2, 10)) },
  { title: "Book flights", due: new Date(Date.UTC(2024, 3, 2)) },
];

console.log(`Report for ${dates.fmtDate(today)}`);
for (const task of tasks) console.log(overdueLine(task, today));
