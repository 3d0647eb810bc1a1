DROP INDEX blueprint_runs_by_completed;
DROP INDEX crawls_by_completed;
DROP INDEX job_runs_by_completed;
DROP INDEX workflow_runs_by_completed;
CREATE INDEX workflow_runs_by_completed
    ON workflow_runs (julianday(json_extract(doc, '$.run.CompletedOn')));
CREATE INDEX job_runs_by_completed
    ON job_runs (julianday(json_extract(doc, '$.jobRun.CompletedOn')));
CREATE INDEX crawls_by_completed
    ON crawls (julianday(json_extract(doc, '$.completedOn')));
CREATE INDEX blueprint_runs_by_completed
    ON blueprint_runs (julianday(json_extract(doc, '$.run.CompletedOn')));
