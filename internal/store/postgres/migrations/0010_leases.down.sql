DROP TABLE settings;
DROP TABLE leases;
