-- Definitions: workflows, triggers, jobs, crawlers and blueprints share one
-- table of JSON documents keyed by kind and name. Queries that filter on a
-- member use expression indexes.
CREATE TABLE resources (
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    doc  TEXT NOT NULL,
    PRIMARY KEY (kind, name)
) WITHOUT ROWID;

CREATE INDEX resources_trigger_workflow
    ON resources (kind, json_extract(doc, '$.WorkflowName'), name);

CREATE TABLE tags (
    kind  TEXT NOT NULL,
    name  TEXT NOT NULL,
    key   TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (kind, name, key)
) WITHOUT ROWID;
