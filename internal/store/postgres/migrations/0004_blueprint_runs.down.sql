DROP TABLE blueprint_runs;
