DROP TABLE tags;
DROP TABLE resources;
