DROP TABLE catalog_partition_indexes;
DROP INDEX catalog_partition_keys_num;
DROP INDEX catalog_partition_keys_str;
DROP TABLE catalog_partition_keys;
DROP TABLE catalog_partitions;
DROP TABLE catalog_table_versions;
DROP TABLE catalog_tables;
DROP TABLE catalog_databases;
