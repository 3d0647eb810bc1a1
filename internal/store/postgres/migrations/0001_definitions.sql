-- Definitions: workflows, triggers, jobs, crawlers and blueprints share one
-- table of JSON documents keyed by kind and name. Names compare and sort
-- byte-wise (COLLATE "C"), as in SQLite, whatever the database's locale.
-- doc is text, so a document is stored exactly as Epoxy wrote it; queries
-- that filter on a member cast it to json, and an expression index serves
-- the trigger-by-workflow filter.
CREATE TABLE resources (
    kind TEXT COLLATE "C" NOT NULL,
    name TEXT COLLATE "C" NOT NULL,
    doc  TEXT NOT NULL,
    PRIMARY KEY (kind, name)
);

CREATE INDEX resources_trigger_workflow
    ON resources (kind, ((doc::json) ->> 'WorkflowName'), name);

CREATE TABLE tags (
    kind  TEXT COLLATE "C" NOT NULL,
    name  TEXT COLLATE "C" NOT NULL,
    key   TEXT COLLATE "C" NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (kind, name, key)
);
