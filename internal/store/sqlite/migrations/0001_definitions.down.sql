DROP TABLE tags;
DROP INDEX resources_trigger_workflow;
DROP TABLE resources;
