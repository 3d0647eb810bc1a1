-- Job bookmarks: how each job's bookmark was reset (the bookmark itself
-- follows from the job's runs). The document is versioned like the others.
CREATE TABLE job_bookmarks (
    job         TEXT COLLATE "C" PRIMARY KEY,
    doc_version INTEGER NOT NULL DEFAULT 1,
    doc         TEXT NOT NULL
);
