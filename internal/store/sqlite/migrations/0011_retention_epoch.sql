-- Documents written in format version 2 hold times as epoch seconds, which
-- julianday reads only with the 'auto' modifier (RFC 3339 text, as version
-- 1 rows have it, reads the same with or without it): the completion-time
-- indexes of migration 0006 are rebuilt on the expressions retention now
-- queries.
DROP INDEX workflow_runs_by_completed;
DROP INDEX job_runs_by_completed;
DROP INDEX crawls_by_completed;
DROP INDEX blueprint_runs_by_completed;
CREATE INDEX workflow_runs_by_completed
    ON workflow_runs (julianday(json_extract(doc, '$.run.CompletedOn'), 'auto'));
CREATE INDEX job_runs_by_completed
    ON job_runs (julianday(json_extract(doc, '$.jobRun.CompletedOn'), 'auto'));
CREATE INDEX crawls_by_completed
    ON crawls (julianday(json_extract(doc, '$.completedOn'), 'auto'));
CREATE INDEX blueprint_runs_by_completed
    ON blueprint_runs (julianday(json_extract(doc, '$.run.CompletedOn'), 'auto'));
