DROP TABLE firings;
DROP TABLE crawls;
DROP TABLE job_runs;
DROP TABLE workflow_runs;
