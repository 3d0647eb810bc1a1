-- Retention: ended runs are found by completion time, and the few workflow
-- runs that carry job runs or crawls of an earlier run (resumed runs) by
-- partial indexes, so a retention pass reads neither every run document
-- nor every workflow run's.
CREATE INDEX workflow_runs_by_completed
    ON workflow_runs (julianday(json_extract(doc, '$.run.CompletedOn')));
CREATE INDEX job_runs_by_completed
    ON job_runs (julianday(json_extract(doc, '$.jobRun.CompletedOn')));
CREATE INDEX crawls_by_completed
    ON crawls (julianday(json_extract(doc, '$.completedOn')));
CREATE INDEX blueprint_runs_by_completed
    ON blueprint_runs (julianday(json_extract(doc, '$.run.CompletedOn')));
CREATE INDEX workflow_runs_carrying_job_runs
    ON workflow_runs (id) WHERE json_type(doc, '$.carriedJobRuns') IS NOT NULL;
CREATE INDEX workflow_runs_carrying_crawls
    ON workflow_runs (id) WHERE json_type(doc, '$.carriedCrawls') IS NOT NULL;
