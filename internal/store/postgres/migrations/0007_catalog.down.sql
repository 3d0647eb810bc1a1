DROP TABLE catalog_partition_indexes;
DROP TABLE catalog_partition_keys;
DROP TABLE catalog_partitions;
DROP TABLE catalog_table_versions;
DROP TABLE catalog_tables;
DROP TABLE catalog_databases;
