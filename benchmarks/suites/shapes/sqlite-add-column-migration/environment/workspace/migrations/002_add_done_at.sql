ALTER TABLE tasks ADD COLUMN done_at TEXT;
CREATE INDEX tasks_open ON tasks (done_at);
