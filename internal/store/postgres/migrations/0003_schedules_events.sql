-- Schedules: the last fire time handled per schedule, so each fire time
-- fires once across restarts. schedule_fires records every firing.
CREATE TABLE schedules (
    key        TEXT COLLATE "C" PRIMARY KEY,
    expression TEXT NOT NULL,
    last_fire  TIMESTAMPTZ NOT NULL
);

CREATE TABLE schedule_fires (
    key       TEXT COLLATE "C" NOT NULL,
    fire_time TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (key, fire_time)
);

-- Events delivered to EVENT triggers, durable from the moment NotifyEvent
-- answers. run_id is set when the event's batch starts a run.
CREATE TABLE events (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workflow    TEXT COLLATE "C" NOT NULL,
    event_id    TEXT COLLATE "C" NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    run_id      TEXT COLLATE "C" NOT NULL DEFAULT '',
    UNIQUE (workflow, event_id)
);
CREATE INDEX events_pending ON events (run_id, workflow, seq);
