-- Leases: the registry of live nodes (replicas and workers sharing the
-- store) and the leader lease. until_ms is epoch milliseconds.
CREATE TABLE leases (
    name     TEXT PRIMARY KEY,
    holder   TEXT NOT NULL,
    term     INTEGER NOT NULL,
    until_ms INTEGER NOT NULL,
    info     TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;

-- Settings: small named values shared by every process using the store.
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
