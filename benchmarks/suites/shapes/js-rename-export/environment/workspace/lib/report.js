const { fmtDate, daysBetween } = require("./dates");

function overdueLine(task, today) {
  const late = daysBetween(task.due, today);
  if (late <= 0) return `${task.title}: due ${fmtDate(task.due)}`;
  return `${task.title}: due ${fmtDate(task.due)}, ${late} day(s) late`;
}

module.exports = { overdueLine };
