#!/usr/bin/env python3
"""boto3 compatibility tests for Epoxy's Data Catalog (stdlib unittest only).

Points boto3's Glue client at $EPOXY_ENDPOINT and runs the catalog's main
flows as a boto3 user (and Spark's catalog client) would: databases,
tables and their versions, partitions created in batches and read back
through the get_partitions paginator with an expression and with segments,
per-item batch errors, modeled exceptions as botocore classes, and the
cascade of delete_database.

Each test uses its own database, so tests are independent. The last line
printed is "boto3-catalog: N passed, M failed"; the exit status is 0 only
when M is 0.
"""

import datetime
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


def table_input(name, keys=()):
    return {
        "Name": name,
        "TableType": "EXTERNAL_TABLE",
        "StorageDescriptor": {"Location": "s3://bucket/%s/" % name,
                              "Columns": [{"Name": "id", "Type": "bigint"}]},
        "PartitionKeys": [{"Name": k, "Type": t} for k, t in keys],
    }


class CatalogTest(unittest.TestCase):
    def setUp(self):
        self.glue = client()
        self.db = "compat_" + uuid.uuid4().hex[:10]
        self.glue.create_database(DatabaseInput={"Name": self.db, "Description": "compat"})
        self.addCleanup(self._drop)

    def _drop(self):
        try:
            self.glue.delete_database(Name=self.db)
        except self.glue.exceptions.EntityNotFoundException:
            pass

    def seed(self):
        """Creates table sales (region string, year int) with 2 x 60 partitions."""
        self.glue.create_table(DatabaseName=self.db, TableInput=table_input("sales", [("region", "string"), ("year", "int")]))
        for region in ("eu", "us"):
            out = self.glue.batch_create_partition(
                DatabaseName=self.db, TableName="sales",
                PartitionInputList=[{"Values": [region, str(1970 + i)]} for i in range(60)])
            self.assertEqual(out.get("Errors", []), [])

    def partitions(self, **kw):
        pages = self.glue.get_paginator("get_partitions").paginate(
            DatabaseName=self.db, TableName="sales", PaginationConfig={"PageSize": 7}, **kw)
        return ["/".join(p["Values"]) for page in pages for p in page["Partitions"]]

    def test_database(self):
        got = self.glue.get_database(Name=self.db.upper())["Database"]
        self.assertEqual(got["Name"], self.db)
        self.assertEqual(got["Description"], "compat")
        self.assertIsInstance(got["CreateTime"], datetime.datetime)
        names = [d["Name"] for page in self.glue.get_paginator("get_databases").paginate(PaginationConfig={"PageSize": 1})
                 for d in page["DatabaseList"]]
        self.assertIn(self.db, names)
        self.assertEqual(len(names), len(set(names)))
        with self.assertRaises(self.glue.exceptions.AlreadyExistsException):
            self.glue.create_database(DatabaseInput={"Name": self.db})
        with self.assertRaises(self.glue.exceptions.EntityNotFoundException):
            self.glue.get_database(Name=self.db + "_missing")

    def test_table_versions(self):
        self.glue.create_table(DatabaseName=self.db, TableInput=table_input("t"))
        for desc in ("two", "three"):
            ti = table_input("t")
            ti["Description"] = desc
            self.glue.update_table(DatabaseName=self.db, TableInput=ti)
        table = self.glue.get_table(DatabaseName=self.db, Name="t")["Table"]
        self.assertEqual((table["VersionId"], table["Description"]), ("3", "three"))
        versions = [v["VersionId"] for page in self.glue.get_paginator("get_table_versions").paginate(
            DatabaseName=self.db, TableName="t", PaginationConfig={"PageSize": 1}) for v in page["TableVersions"]]
        self.assertEqual(versions, ["3", "2", "1"])
        out = self.glue.batch_delete_table_version(DatabaseName=self.db, TableName="t", VersionIds=["1", "9"])
        self.assertEqual([e["VersionId"] for e in out["Errors"]], ["9"])
        self.assertEqual(out["Errors"][0]["ErrorDetail"]["ErrorCode"], "EntityNotFoundException")
        tables = [t["Name"] for page in self.glue.get_paginator("get_tables").paginate(DatabaseName=self.db, Expression="t|u")
                  for t in page["TableList"]]
        self.assertEqual(tables, ["t"])

    def test_partitions_expression(self):
        self.seed()
        self.assertEqual(len(self.partitions()), 120)
        self.assertEqual(self.partitions(Expression="region = 'eu' AND year BETWEEN 2027 AND 2028"),
                         ["eu/2027", "eu/2028"])
        self.assertEqual(self.partitions(Expression="year IN (1970, 2029) AND NOT region LIKE 'e%'"),
                         ["us/1970", "us/2029"])
        with self.assertRaises(self.glue.exceptions.InvalidInputException) as cm:
            self.glue.get_partitions(DatabaseName=self.db, TableName="sales", Expression="month = 1")
        self.assertIn("month", cm.exception.response["Error"]["Message"])

    def test_partitions_segments(self):
        self.seed()
        whole = self.partitions(Expression="year > 1999")
        for total in (2, 5):
            union = []
            for n in range(total):
                union += self.partitions(Expression="year > 1999", Segment={"SegmentNumber": n, "TotalSegments": total})
            self.assertEqual(sorted(union), whole)

    def test_partition_batches_and_cascade(self):
        self.seed()
        got = self.glue.batch_get_partition(DatabaseName=self.db, TableName="sales",
                                            PartitionsToGet=[{"Values": ["eu", "1970"]}, {"Values": ["xx", "1970"]}])
        self.assertEqual([p["Values"] for p in got["Partitions"]], [["eu", "1970"]])
        out = self.glue.batch_delete_partition(DatabaseName=self.db, TableName="sales",
                                               PartitionsToDelete=[{"Values": ["eu", "1970"]}, {"Values": ["xx", "1970"]}])
        self.assertEqual(out["Errors"][0]["PartitionValues"], ["xx", "1970"])
        self.assertEqual(out["Errors"][0]["ErrorDetail"]["ErrorCode"], "EntityNotFoundException")
        self.glue.update_partition(DatabaseName=self.db, TableName="sales", PartitionValueList=["us", "1970"],
                                   PartitionInput={"Values": ["us", "1970"], "Parameters": {"k": "v"}})
        part = self.glue.get_partition(DatabaseName=self.db, TableName="sales", PartitionValues=["us", "1970"])["Partition"]
        self.assertEqual(part["Parameters"], {"k": "v"})
        self.glue.delete_database(Name=self.db)
        self.glue.create_database(DatabaseInput={"Name": self.db})
        with self.assertRaises(self.glue.exceptions.EntityNotFoundException):
            self.glue.get_table(DatabaseName=self.db, Name="sales")


def main():
    if not ENDPOINT:
        print("boto3_catalog_test.py: EPOXY_ENDPOINT is not set (see compat/run.sh)", file=sys.stderr)
        print("boto3-catalog: 0 passed, 1 failed")
        return 1
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
    result = unittest.TextTestRunner(stream=sys.stdout, verbosity=2).run(suite)
    failed = len(result.failures) + len(result.errors)
    sys.stdout.flush()
    print("boto3-catalog: %d passed, %d failed" % (result.testsRun - failed, failed))
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
