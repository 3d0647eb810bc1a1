-- Every stored document records the version of the storage format it was
-- written in, so a later format can still read rows written before it.
-- Rows written before this migration are version 1, the format they have.
ALTER TABLE resources ADD COLUMN doc_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE workflow_runs ADD COLUMN doc_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE job_runs ADD COLUMN doc_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE crawls ADD COLUMN doc_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE blueprint_runs ADD COLUMN doc_version INTEGER NOT NULL DEFAULT 1;
