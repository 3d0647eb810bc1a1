-- Job bookmarks: how each job's bookmark was reset (the bookmark itself
-- follows from the job's runs).
CREATE TABLE job_bookmarks (
    job TEXT PRIMARY KEY,
    doc TEXT NOT NULL
) WITHOUT ROWID;
