-- Runs: workflow runs, job runs and crawls, each a JSON document with the
-- columns queries filter and order on. seq orders rows by creation.
CREATE TABLE workflow_runs (
    seq      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id       TEXT COLLATE "C" NOT NULL UNIQUE,
    workflow TEXT COLLATE "C" NOT NULL,
    status   TEXT NOT NULL,
    doc      TEXT NOT NULL
);
CREATE INDEX workflow_runs_by_workflow ON workflow_runs (workflow, seq);
CREATE INDEX workflow_runs_by_status ON workflow_runs (status);

CREATE TABLE job_runs (
    seq             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id              TEXT COLLATE "C" NOT NULL UNIQUE,
    job             TEXT COLLATE "C" NOT NULL,
    workflow_run_id TEXT COLLATE "C" NOT NULL DEFAULT '',
    trigger_name    TEXT COLLATE "C" NOT NULL DEFAULT '',
    state           TEXT NOT NULL,
    retried         BOOLEAN NOT NULL DEFAULT false,
    doc             TEXT NOT NULL
);
CREATE INDEX job_runs_by_job ON job_runs (job, seq);
CREATE INDEX job_runs_by_workflow_run ON job_runs (workflow_run_id, seq);
CREATE INDEX job_runs_by_state ON job_runs (state, seq);

CREATE TABLE crawls (
    seq             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id              TEXT COLLATE "C" NOT NULL UNIQUE,
    crawler         TEXT COLLATE "C" NOT NULL,
    workflow_run_id TEXT COLLATE "C" NOT NULL DEFAULT '',
    state           TEXT NOT NULL,
    doc             TEXT NOT NULL
);
CREATE INDEX crawls_by_crawler ON crawls (crawler, seq);
CREATE INDEX crawls_by_workflow_run ON crawls (workflow_run_id, seq);
CREATE INDEX crawls_by_state ON crawls (state, seq);

-- A trigger fires at most once per key: the primary key makes it a rule.
CREATE TABLE firings (
    key     TEXT COLLATE "C" NOT NULL,
    trigger TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (key, trigger)
);
