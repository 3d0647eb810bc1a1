-- Leases: the registry of live nodes (replicas and workers sharing the
-- store) and the leader lease. until_ms is epoch milliseconds.
CREATE TABLE leases (
    name     TEXT COLLATE "C" PRIMARY KEY,
    holder   TEXT NOT NULL,
    term     BIGINT NOT NULL,
    until_ms BIGINT NOT NULL,
    info     TEXT NOT NULL DEFAULT ''
);

-- Settings: small named values shared by every process using the store.
CREATE TABLE settings (
    name  TEXT COLLATE "C" PRIMARY KEY,
    value TEXT NOT NULL
);
