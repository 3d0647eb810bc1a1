-- Job output shipped from the node that ran the job (store.Logs): each row
-- is a chunk of one stream, keyed by where it starts; chunks of a stream
-- are contiguous, so end_offset orders them too and finds the chunk that
-- holds an offset.
CREATE TABLE job_logs (
    run_id       TEXT NOT NULL,
    stream       TEXT NOT NULL,
    start_offset INTEGER NOT NULL,
    end_offset   INTEGER NOT NULL,
    final        INTEGER NOT NULL DEFAULT 0,
    data         BLOB NOT NULL,
    stamps       TEXT NOT NULL,
    PRIMARY KEY (run_id, stream, start_offset)
) WITHOUT ROWID;
CREATE INDEX job_logs_by_end ON job_logs (run_id, stream, end_offset);
