CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    repo TEXT NOT NULL,
    model TEXT NOT NULL,
    profile TEXT NOT NULL,
    title TEXT NOT NULL,
    status TEXT NOT NULL,
    -- schema 2: who runs it (see owner.py); a dead owner's `running` reads as `interrupted`
    owner_pid INTEGER,
    owner_host TEXT,
    owner_start TEXT,
    owner_token TEXT,
    heartbeat_at REAL,
    -- schema 3: the lab and RL (which run, which harness variant, which exact profile)
    parent_session_id TEXT,
    variant TEXT,
    profile_hash TEXT
);
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    role TEXT NOT NULL,
    content TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_by_session ON messages(session_id, id);
CREATE TABLE IF NOT EXISTS model_calls (
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    step INTEGER NOT NULL,
    model TEXT NOT NULL,
    tokens_in INTEGER NOT NULL,
    tokens_out INTEGER NOT NULL,
    tokens_cached INTEGER NOT NULL,
    tokens_cache_write INTEGER NOT NULL,
    latency_s REAL NOT NULL,
    cost_usd REAL,
    finish_reason TEXT,
    error TEXT,
    error_reason TEXT,
    stats TEXT,
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS model_calls_by_session ON model_calls(session_id);
CREATE TABLE IF NOT EXISTS tool_calls (
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    step INTEGER NOT NULL,
    call_id TEXT NOT NULL,
    tool TEXT NOT NULL,
    arguments TEXT NOT NULL,
    kind TEXT NOT NULL,
    duration_s REAL NOT NULL,
    output_chars INTEGER NOT NULL,
    error_detail TEXT,
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS tool_calls_by_session ON tool_calls(session_id);
-- schema 3: one row per user request (a turn) and how it ended
CREATE TABLE IF NOT EXISTS turns (
    session_id TEXT NOT NULL REFERENCES sessions(id),
    turn INTEGER NOT NULL,
    request TEXT NOT NULL,
    started_at REAL NOT NULL,
    ended_at REAL,
    status TEXT NOT NULL,
    steps INTEGER,
    tool_calls INTEGER,
    tokens_in INTEGER,
    tokens_out INTEGER,
    wall_s REAL,
    final_message TEXT,
    PRIMARY KEY (session_id, turn)
);
