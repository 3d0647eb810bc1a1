DROP TABLE job_bookmarks;
