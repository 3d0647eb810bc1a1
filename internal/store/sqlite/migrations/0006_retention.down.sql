DROP INDEX workflow_runs_carrying_crawls;
DROP INDEX workflow_runs_carrying_job_runs;
DROP INDEX blueprint_runs_by_completed;
DROP INDEX crawls_by_completed;
DROP INDEX job_runs_by_completed;
DROP INDEX workflow_runs_by_completed;
