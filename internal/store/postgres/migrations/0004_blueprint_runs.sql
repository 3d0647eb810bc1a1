-- Blueprint runs; blueprints themselves live in resources (kind 'blueprint').
CREATE TABLE blueprint_runs (
    seq       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id        TEXT COLLATE "C" NOT NULL UNIQUE,
    blueprint TEXT COLLATE "C" NOT NULL,
    state     TEXT NOT NULL,
    doc       TEXT NOT NULL
);
CREATE INDEX blueprint_runs_by_blueprint ON blueprint_runs (blueprint, seq);
CREATE INDEX blueprint_runs_by_state ON blueprint_runs (state);
