-- The Data Catalog, as in the SQLite store. Tables, partitions and
-- partition indexes hang off their database and table by foreign keys, so
-- deleting a database or a table deletes what it holds. Every partition
-- value is also a row of catalog_partition_keys, indexed by (table, key
-- position, value) as text and as a number, so a GetPartitions expression
-- is answered from those indexes rather than by reading partition
-- documents. Text keys compare byte-wise (COLLATE "C"), as in SQLite; num
-- is NUMERIC, which holds an int64 and a float64 exactly.
CREATE TABLE catalog_databases (
    name        TEXT COLLATE "C" PRIMARY KEY,
    doc         TEXT NOT NULL,
    doc_version INTEGER NOT NULL
);

CREATE TABLE catalog_tables (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    db          TEXT COLLATE "C" NOT NULL REFERENCES catalog_databases (name) ON DELETE CASCADE,
    name        TEXT COLLATE "C" NOT NULL,
    version     BIGINT NOT NULL,
    doc         TEXT NOT NULL,
    doc_version INTEGER NOT NULL,
    UNIQUE (db, name)
);

CREATE TABLE catalog_table_versions (
    table_id    BIGINT NOT NULL REFERENCES catalog_tables (id) ON DELETE CASCADE,
    version     BIGINT NOT NULL,
    doc         TEXT NOT NULL,
    doc_version INTEGER NOT NULL,
    PRIMARY KEY (table_id, version)
);

CREATE TABLE catalog_partitions (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    table_id    BIGINT NOT NULL REFERENCES catalog_tables (id) ON DELETE CASCADE,
    vals        TEXT COLLATE "C" NOT NULL,
    doc         TEXT NOT NULL,
    doc_version INTEGER NOT NULL,
    UNIQUE (table_id, vals)
);

CREATE TABLE catalog_partition_keys (
    partition_id BIGINT NOT NULL REFERENCES catalog_partitions (id) ON DELETE CASCADE,
    table_id     BIGINT NOT NULL,
    pos          INTEGER NOT NULL,
    str          TEXT COLLATE "C" NOT NULL,
    num          NUMERIC,
    PRIMARY KEY (partition_id, pos)
);

CREATE INDEX catalog_partition_keys_str ON catalog_partition_keys (table_id, pos, str);
CREATE INDEX catalog_partition_keys_num ON catalog_partition_keys (table_id, pos, num) WHERE num IS NOT NULL;

CREATE TABLE catalog_partition_indexes (
    table_id    BIGINT NOT NULL REFERENCES catalog_tables (id) ON DELETE CASCADE,
    name        TEXT COLLATE "C" NOT NULL,
    doc         TEXT NOT NULL,
    doc_version INTEGER NOT NULL,
    PRIMARY KEY (table_id, name)
);
