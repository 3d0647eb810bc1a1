-- Retention (store.Retention) reads completion times from the run
-- documents; PostgreSQL needs no schema change for it. This migration keeps
-- the version numbers of store/sqlite's (0006 adds SQLite's indexes there).
SELECT 1;
