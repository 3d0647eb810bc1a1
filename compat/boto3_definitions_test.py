#!/usr/bin/env python3
"""boto3 compatibility tests for Epoxy's custom classifiers, user-defined
functions and ListCrawls filters (stdlib unittest only).

Points boto3's Glue client at $EPOXY_ENDPOINT. Each test uses its own
names, so tests are independent. The last line printed is
"boto3-definitions: N passed, M failed"; the exit status is 0 only when M
is 0.
"""

import os
import sys
import unittest
import uuid

import boto3

ENDPOINT = os.environ.get("EPOXY_ENDPOINT", "")
REGION = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")


def client():
    return boto3.client("glue", endpoint_url=ENDPOINT, region_name=REGION,
                        aws_access_key_id="AKIDTEST", aws_secret_access_key="secret")


def unique(prefix):
    return prefix + uuid.uuid4().hex[:10]


class ClassifierTest(unittest.TestCase):
    def setUp(self):
        self.glue = client()

    def test_csv_classifier_round_trip_and_merge_update(self):
        name = unique("csv")
        self.glue.create_classifier(CsvClassifier={
            "Name": name, "Delimiter": "|", "QuoteSymbol": "'", "ContainsHeader": "PRESENT",
            "Header": ["id", "name"]})
        self.addCleanup(self.glue.delete_classifier, Name=name)
        self.glue.update_classifier(CsvClassifier={"Name": name, "Delimiter": ";"})
        got = self.glue.get_classifier(Name=name)["Classifier"]["CsvClassifier"]
        self.assertEqual(got["Delimiter"], ";")
        self.assertEqual(got["QuoteSymbol"], "'")
        self.assertEqual(got["Header"], ["id", "name"])
        self.assertEqual(got["Version"], 2)

    def test_grok_and_json_classifiers_listed_by_paginator(self):
        grok, js = unique("grok"), unique("json")
        self.glue.create_classifier(GrokClassifier={
            "Name": grok, "Classification": "logs", "GrokPattern": "%{WORD:w} %{INT:n}"})
        self.addCleanup(self.glue.delete_classifier, Name=grok)
        self.glue.create_classifier(JsonClassifier={"Name": js, "JsonPath": "$.records[*]"})
        self.addCleanup(self.glue.delete_classifier, Name=js)
        names = []
        for page in self.glue.get_paginator("get_classifiers").paginate(PaginationConfig={"PageSize": 1}):
            for c in page["Classifiers"]:
                names.append(list(c.values())[0]["Name"])
        self.assertIn(grok, names)
        self.assertIn(js, names)

    def test_errors_are_modeled_exceptions(self):
        with self.assertRaises(self.glue.exceptions.EntityNotFoundException):
            self.glue.get_classifier(Name=unique("ghost"))
        with self.assertRaises(self.glue.exceptions.EntityNotFoundException):
            self.glue.delete_classifier(Name=unique("ghost"))
        with self.assertRaises(self.glue.exceptions.InvalidInputException):
            self.glue.create_classifier()
        name = unique("json")
        self.glue.create_classifier(JsonClassifier={"Name": name, "JsonPath": "$"})
        self.addCleanup(self.glue.delete_classifier, Name=name)
        with self.assertRaises(self.glue.exceptions.AlreadyExistsException):
            self.glue.create_classifier(CsvClassifier={"Name": name})
        with self.assertRaises(self.glue.exceptions.InvalidInputException):
            self.glue.update_classifier(CsvClassifier={"Name": name, "Delimiter": ";"})


class FunctionTest(unittest.TestCase):
    def setUp(self):
        self.glue = client()
        self.db = unique("compat_udf_")
        self.glue.create_database(DatabaseInput={"Name": self.db})
        self.addCleanup(self.glue.delete_database, Name=self.db)

    def create(self, name, ftype="REGULAR_FUNCTION"):
        self.glue.create_user_defined_function(DatabaseName=self.db, FunctionInput={
            "FunctionName": name, "ClassName": "com.example." + name, "OwnerName": "me", "OwnerType": "USER",
            "FunctionType": ftype, "ResourceUris": [{"ResourceType": "JAR", "Uri": "s3://jars/%s.jar" % name}]})

    def names(self, **kw):
        pages = self.glue.get_paginator("get_user_defined_functions").paginate(
            DatabaseName=self.db, PaginationConfig={"PageSize": 1}, **kw)
        return [f["FunctionName"] for page in pages for f in page["UserDefinedFunctions"]]

    def test_crud_pattern_and_cascade(self):
        self.create("upper")
        self.create("total", "AGGREGATE_FUNCTION")
        got = self.glue.get_user_defined_function(DatabaseName=self.db, FunctionName="upper")["UserDefinedFunction"]
        self.assertEqual(got["ClassName"], "com.example.upper")
        self.assertEqual(got["ResourceUris"][0]["Uri"], "s3://jars/upper.jar")
        self.assertEqual(self.names(Pattern="*"), ["total", "upper"])
        self.assertEqual(self.names(Pattern="up.*"), ["upper"])
        self.glue.update_user_defined_function(DatabaseName=self.db, FunctionName="upper",
                                               FunctionInput={"FunctionName": "upper", "ClassName": "com.example.Upper2"})
        got = self.glue.get_user_defined_function(DatabaseName=self.db, FunctionName="upper")["UserDefinedFunction"]
        self.assertEqual(got["ClassName"], "com.example.Upper2")
        self.glue.delete_user_defined_function(DatabaseName=self.db, FunctionName="upper")
        with self.assertRaises(self.glue.exceptions.EntityNotFoundException):
            self.glue.get_user_defined_function(DatabaseName=self.db, FunctionName="upper")
        self.glue.delete_database(Name=self.db)
        self.glue.create_database(DatabaseInput={"Name": self.db})
        self.assertEqual(self.names(Pattern="*"), [])

    def test_errors(self):
        with self.assertRaises(self.glue.exceptions.EntityNotFoundException):
            self.glue.create_user_defined_function(DatabaseName=unique("ghost"), FunctionInput={"FunctionName": "f"})
        self.create("f")
        with self.assertRaises(self.glue.exceptions.AlreadyExistsException):
            self.create("f")
        with self.assertRaises(self.glue.exceptions.InvalidInputException):
            self.glue.get_user_defined_functions(DatabaseName=self.db, Pattern="(")


class ListCrawlsTest(unittest.TestCase):
    def setUp(self):
        self.glue = client()
        self.crawler = unique("crawler")
        self.glue.create_crawler(Name=self.crawler, Role="role", Classifiers=[],
                                 Targets={"S3Targets": [{"Path": "/tmp/epoxy-compat-none"}]})
        self.addCleanup(self.glue.delete_crawler, Name=self.crawler)

    def test_empty_classifiers_kept(self):
        got = self.glue.get_crawler(Name=self.crawler)["Crawler"]
        self.assertEqual(got["Classifiers"], [])

    def test_filters_checked_without_crawls(self):
        with self.assertRaises(self.glue.exceptions.InvalidInputException):
            self.glue.list_crawls(CrawlerName=self.crawler,
                                  Filters=[{"FieldName": "STATE", "FilterOperator": "EQ"}])
        with self.assertRaises(self.glue.exceptions.InvalidInputException):
            self.glue.list_crawls(CrawlerName=self.crawler,
                                  Filters=[{"FieldName": "CRAWL_ID", "FilterOperator": "GT", "FieldValue": "x"}])
        got = self.glue.list_crawls(CrawlerName=self.crawler, Filters=[
            {"FieldName": "START_TIME", "FilterOperator": "GT", "FieldValue": "1700000000000"}])
        self.assertEqual(got["Crawls"], [])

    def test_unknown_crawler(self):
        with self.assertRaises(self.glue.exceptions.EntityNotFoundException) as e:
            self.glue.list_crawls(CrawlerName="ghost-crawler")
        self.assertIn("Crawler entry with name ghost-crawler does not exist", str(e.exception))


def main():
    if not ENDPOINT:
        print("boto3_definitions_test.py: EPOXY_ENDPOINT is not set (see compat/run.sh)", file=sys.stderr)
        print("boto3-definitions: 0 passed, 1 failed")
        return 1
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
    result = unittest.TextTestRunner(stream=sys.stdout, verbosity=2).run(suite)
    failed = len(result.failures) + len(result.errors)
    sys.stdout.flush()
    print("boto3-definitions: %d passed, %d failed" % (result.testsRun - failed, failed))
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
