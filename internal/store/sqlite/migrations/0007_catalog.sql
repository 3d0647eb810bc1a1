-- The Data Catalog. Tables, partitions and partition indexes hang off
-- their database and table by foreign keys, so deleting a database or a
-- table deletes what it holds. Every partition value is also a row of
-- catalog_partition_keys, indexed by (table, key position, value) as text
-- and as a number, so a GetPartitions expression is answered from those
-- indexes rather than by reading partition documents.
CREATE TABLE catalog_databases (
    name        TEXT PRIMARY KEY,
    doc         TEXT NOT NULL,
    doc_version INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE catalog_tables (
    id          INTEGER PRIMARY KEY,
    db          TEXT NOT NULL REFERENCES catalog_databases (name) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    version     INTEGER NOT NULL,
    doc         TEXT NOT NULL,
    doc_version INTEGER NOT NULL,
    UNIQUE (db, name)
);

CREATE TABLE catalog_table_versions (
    table_id    INTEGER NOT NULL REFERENCES catalog_tables (id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    doc         TEXT NOT NULL,
    doc_version INTEGER NOT NULL,
    PRIMARY KEY (table_id, version)
) WITHOUT ROWID;

CREATE TABLE catalog_partitions (
    id          INTEGER PRIMARY KEY,
    table_id    INTEGER NOT NULL REFERENCES catalog_tables (id) ON DELETE CASCADE,
    vals        TEXT NOT NULL,
    doc         TEXT NOT NULL,
    doc_version INTEGER NOT NULL,
    UNIQUE (table_id, vals)
);

CREATE TABLE catalog_partition_keys (
    partition_id INTEGER NOT NULL REFERENCES catalog_partitions (id) ON DELETE CASCADE,
    table_id     INTEGER NOT NULL,
    pos          INTEGER NOT NULL,
    str          TEXT NOT NULL,
    num,
    PRIMARY KEY (partition_id, pos)
) WITHOUT ROWID;

CREATE INDEX catalog_partition_keys_str ON catalog_partition_keys (table_id, pos, str);
CREATE INDEX catalog_partition_keys_num ON catalog_partition_keys (table_id, pos, num) WHERE num IS NOT NULL;

CREATE TABLE catalog_partition_indexes (
    table_id    INTEGER NOT NULL REFERENCES catalog_tables (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    doc         TEXT NOT NULL,
    doc_version INTEGER NOT NULL,
    PRIMARY KEY (table_id, name)
) WITHOUT ROWID;
