CREATE TABLE tasks (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    due TEXT,                -- YYYY-MM-DD or NULL
    created_at TEXT NOT NULL DEFAULT (datetime('now'))
);
