ALTER TABLE blueprint_runs DROP COLUMN doc_version;
ALTER TABLE crawls DROP COLUMN doc_version;
ALTER TABLE job_runs DROP COLUMN doc_version;
ALTER TABLE workflow_runs DROP COLUMN doc_version;
ALTER TABLE resources DROP COLUMN doc_version;
