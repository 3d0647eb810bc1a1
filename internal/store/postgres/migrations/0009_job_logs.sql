-- Job output shipped from the node that ran the job (store.Logs): each row
-- is a chunk of one stream, keyed by where it starts; chunks of a stream
-- are contiguous, so end_offset orders them too and finds the chunk that
-- holds an offset.
CREATE TABLE job_logs (
    run_id       TEXT COLLATE "C" NOT NULL,
    stream       TEXT COLLATE "C" NOT NULL,
    start_offset BIGINT NOT NULL,
    end_offset   BIGINT NOT NULL,
    final        BOOLEAN NOT NULL DEFAULT FALSE,
    data         BYTEA NOT NULL,
    stamps       TEXT NOT NULL,
    PRIMARY KEY (run_id, stream, start_offset)
);
CREATE INDEX job_logs_by_end ON job_logs (run_id, stream, end_offset);
