#!/usr/bin/env python3
"""boto3 against the built-in S3 on Epoxy's own address (path-style).

upload_file of 20 MiB (a multipart upload in 8 MiB parts) and download,
ranged GETs, copy_object, delete_objects, list_objects_v2 with Prefix,
Delimiter and pagination, head_bucket (404 for a missing bucket, and
ExpectedBucketOwner accepted), head_object and a missing key.

The last line printed is "boto3-s3: N passed, M failed".
"""

import hashlib
import os
import sys
import tempfile
import unittest
import uuid

import boto3
import botocore.exceptions
from botocore.config import Config

ENDPOINT = os.environ.get("EPOXY_ENDPOINT", "")


def client():
    return boto3.client("s3", endpoint_url=ENDPOINT, region_name="us-east-1",
                        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2}))


class S3Test(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s3 = client()
        cls.bucket = "boto3-s3-" + uuid.uuid4().hex[:12]
        cls.s3.create_bucket(Bucket=cls.bucket)

    def test_head_bucket(self):
        self.s3.head_bucket(Bucket=self.bucket)
        self.s3.head_bucket(Bucket=self.bucket, ExpectedBucketOwner="123456789012")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            self.s3.head_bucket(Bucket="no-such-bucket-" + uuid.uuid4().hex[:8])
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)

    def test_upload_file_multipart_20mib(self):
        data = os.urandom(20 << 20)
        with tempfile.TemporaryDirectory() as d:
            src, dst = os.path.join(d, "src.bin"), os.path.join(d, "dst.bin")
            with open(src, "wb") as f:
                f.write(data)
            self.s3.upload_file(src, self.bucket, "big/src.bin")
            self.s3.download_file(self.bucket, "big/src.bin", dst)
            with open(dst, "rb") as f:
                self.assertEqual(hashlib.sha256(f.read()).hexdigest(), hashlib.sha256(data).hexdigest())
        head = self.s3.head_object(Bucket=self.bucket, Key="big/src.bin")
        self.assertEqual(head["ContentLength"], 20 << 20)
        part = self.s3.get_object(Bucket=self.bucket, Key="big/src.bin", Range="bytes=10485755-10485764")
        self.assertEqual(part["Body"].read(), data[10485755:10485765])
        self.assertEqual(part["ResponseMetadata"]["HTTPStatusCode"], 206)

    def test_copy_and_delete_objects(self):
        self.s3.put_object(Bucket=self.bucket, Key="c/src.txt", Body=b"copy me", ContentType="text/plain")
        self.s3.copy_object(Bucket=self.bucket, Key="c/dst.txt", CopySource={"Bucket": self.bucket, "Key": "c/src.txt"})
        got = self.s3.get_object(Bucket=self.bucket, Key="c/dst.txt")
        self.assertEqual(got["Body"].read(), b"copy me")
        self.assertEqual(got["ContentType"], "text/plain")
        out = self.s3.delete_objects(Bucket=self.bucket, Delete={"Objects": [{"Key": "c/src.txt"}, {"Key": "c/dst.txt"}]})
        self.assertEqual(sorted(d["Key"] for d in out["Deleted"]), ["c/dst.txt", "c/src.txt"])
        with self.assertRaises(self.s3.exceptions.NoSuchKey):
            self.s3.get_object(Bucket=self.bucket, Key="c/src.txt")

    def test_list_objects_v2(self):
        keys = ["l/a-1", "l/a/1", "l/a/2", "l/b/x/1", "l/c"]
        for k in keys:
            self.s3.put_object(Bucket=self.bucket, Key=k, Body=k.encode())
        pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix="l/", PaginationConfig={"PageSize": 2})
        self.assertEqual([o["Key"] for p in pages for o in p.get("Contents", [])], keys)
        pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix="l/", Delimiter="/", PaginationConfig={"PageSize": 1})
        found = []
        for p in pages:
            found += [o["Key"] for o in p.get("Contents", [])] + [c["Prefix"] for c in p.get("CommonPrefixes", [])]
        self.assertEqual(sorted(found), ["l/a-1", "l/a/", "l/b/", "l/c"])


class CountingResult(unittest.TextTestResult):
    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.failed_ids = set()

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self.failed_ids.add(test.id())

    def addError(self, test, err):
        super().addError(test, err)
        self.failed_ids.add(test.id())


def main():
    if not ENDPOINT:
        print("boto3_s3_test.py: EPOXY_ENDPOINT is not set (see compat/run.sh)", file=sys.stderr)
        print("boto3-s3: 0 passed, 1 failed")
        return 1
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
    result = unittest.TextTestRunner(stream=sys.stdout, verbosity=2, resultclass=CountingResult).run(suite)
    if any(i.startswith("setUpClass") for i in result.failed_ids):
        failed, passed = suite.countTestCases(), 0
    else:
        failed = len(result.failed_ids)
        passed = max(result.testsRun - failed - len(result.skipped), 0)
    sys.stdout.flush()
    print("boto3-s3: %d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
