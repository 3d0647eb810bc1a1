-- PostgreSQL reads completion times of both document formats in its
-- retention queries (see retention.go) and has no index to rebuild. This
-- migration keeps the version numbers of store/sqlite's (0011 rebuilds
-- SQLite's completion-time indexes there).
SELECT 1;
