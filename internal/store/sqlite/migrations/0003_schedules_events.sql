-- Schedules: the last fire time handled per schedule, so each fire time
-- fires once across restarts. schedule_fires records every firing.
CREATE TABLE schedules (
    key        TEXT PRIMARY KEY,
    expression TEXT NOT NULL,
    last_fire  TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE schedule_fires (
    key       TEXT NOT NULL,
    fire_time TEXT NOT NULL,
    PRIMARY KEY (key, fire_time)
) WITHOUT ROWID;

-- Events delivered to EVENT triggers, durable from the moment NotifyEvent
-- answers. run_id is set when the event's batch starts a run.
CREATE TABLE events (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    workflow    TEXT NOT NULL,
    event_id    TEXT NOT NULL,
    received_at TEXT NOT NULL,
    run_id      TEXT NOT NULL DEFAULT '',
    UNIQUE (workflow, event_id)
);
CREATE INDEX events_pending ON events (run_id, workflow, seq);
