#!/usr/bin/env python3
"""boto3 compatibility tests for Epoxy's Glue API (stdlib unittest only).

Points boto3's Glue client at $EPOXY_ENDPOINT and checks what an SDK user
relies on beyond "the call returns":

* modeled exceptions are raised as their botocore classes
  (client.exceptions.EntityNotFoundException, AlreadyExistsException,
  InvalidInputException, ValidationException) with the right Error.Code and
  a Message naming the offending member: missing workflow/job/trigger/crawler;
  duplicate workflow/job; an invalid name (newline, ValidationException in
  AWS's exact words); CONDITIONAL trigger without
  Predicate; SCHEDULED trigger without Schedule or with an invalid
  cron(...); StartOnCreation on an ON_DEMAND trigger; a second start trigger
  in one workflow; three crawler actions; a CONDITIONAL trigger that watches
  and starts the same job; more than 50 tags (ValidationException on
  CreateWorkflow, InvalidInputException on TagResource);
* pagination through botocore paginators (ListWorkflows, GetJobs, ListJobs,
  GetTriggers, ListTriggers) and manual NextToken loops (ListCrawlers,
  GetCrawlers): every item seen once, in name order, pages no bigger than
  asked; tampered tokens are refused with InvalidInputException;
* timestamps parse as timezone-aware datetimes close to now, and every
  response carries ResponseMetadata.RequestId.

Each test uses its own name prefix, so tests are independent and can run
against a server that already holds other data. The last line printed is
"boto3: N passed, M failed"; the exit status is 0 only when M is 0.
"""

import datetime
import os
import sys
import unittest
import uuid

import boto3
from botocore.config import Config

ENDPOINT = os.environ.get("EPOXY_ENDPOINT", "")
REGION = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
ACCOUNT = "123456789012"
ROLE = "arn:aws:iam::%s:role/GlueRole" % ACCOUNT

_client = None


def glue():
    """The shared Glue client (one per process: creating clients is slow)."""
    global _client
    if _client is None:
        _client = boto3.client(
            "glue",
            endpoint_url=ENDPOINT,
            region_name=REGION,
            config=Config(retries={"total_max_attempts": 1},
                          connect_timeout=5, read_timeout=30),
        )
    return _client


def unique(tag):
    """A fresh name prefix for one test."""
    return "b3-%s-%s" % (tag, uuid.uuid4().hex[:8])


class GlueTestCase(unittest.TestCase):
    def setUp(self):
        self.c = glue()

    # --- helpers -------------------------------------------------------------

    def make_job(self, name, **kw):
        args = dict(Name=name, Role=ROLE,
                    Command={"Name": "glueetl", "ScriptLocation": "s3://bucket/%s.py" % name})
        args.update(kw)
        self.c.create_job(**args)
        return name

    def make_crawler(self, name, **kw):
        args = dict(Name=name, Role=ROLE, DatabaseName="db",
                    Targets={"S3Targets": [{"Path": "s3://bucket/%s/" % name}]})
        args.update(kw)
        self.c.create_crawler(**args)
        return name

    def assertError(self, exc_class, code, call, *members, **kwargs):
        """Calls call(**kwargs), expecting exc_class with Error.Code code and a
        Message that contains every string in members. Returns the error."""
        with self.assertRaises(exc_class) as cm:
            call(**kwargs)
        err = cm.exception.response["Error"]
        self.assertEqual(err["Code"], code, err)
        for m in members:
            self.assertIn(m, err.get("Message", ""), "Message should name %r: %r" % (m, err))
        self.assertTrue(cm.exception.response["ResponseMetadata"].get("RequestId"),
                        "error response has no RequestId")
        return cm.exception

    def assertNoTrigger(self, name):
        with self.assertRaises(self.c.exceptions.EntityNotFoundException):
            self.c.get_trigger(Name=name)

    def assertPaged(self, all_seen, mine, expected, page_sizes, size):
        """Checks a walk over pages: nothing seen twice, our items exactly the
        expected ones in name order, and each page at most `size` long."""
        self.assertEqual(len(all_seen), len(set(all_seen)), "an item was returned twice")
        self.assertEqual(mine, sorted(expected))
        self.assertTrue(all(n <= size for n in page_sizes), "page larger than %d: %s" % (size, page_sizes))
        self.assertGreaterEqual(len(page_sizes), -(-len(expected) // size),
                                "too few pages: %s" % page_sizes)


class EntityNotFoundTests(GlueTestCase):
    def test_get_workflow_missing(self):
        n = unique("nowf")
        self.assertError(self.c.exceptions.EntityNotFoundException, "EntityNotFoundException",
                         self.c.get_workflow, n, Name=n)

    def test_get_job_missing(self):
        n = unique("nojob")
        self.assertError(self.c.exceptions.EntityNotFoundException, "EntityNotFoundException",
                         self.c.get_job, n, JobName=n)

    def test_get_trigger_missing(self):
        n = unique("notr")
        self.assertError(self.c.exceptions.EntityNotFoundException, "EntityNotFoundException",
                         self.c.get_trigger, n, Name=n)

    def test_get_crawler_missing(self):
        n = unique("nocr")
        self.assertError(self.c.exceptions.EntityNotFoundException, "EntityNotFoundException",
                         self.c.get_crawler, n, Name=n)


class AlreadyExistsTests(GlueTestCase):
    def test_create_workflow_twice(self):
        n = unique("dupwf")
        self.c.create_workflow(Name=n, Description="original")
        self.assertError(self.c.exceptions.AlreadyExistsException, "AlreadyExistsException",
                         self.c.create_workflow, n, Name=n, Description="second")
        # The first definition is untouched.
        self.assertEqual(self.c.get_workflow(Name=n)["Workflow"]["Description"], "original")

    def test_create_job_twice(self):
        n = self.make_job(unique("dupjob"))
        self.assertError(self.c.exceptions.AlreadyExistsException, "AlreadyExistsException",
                         self.make_job, n, name=n)


class InvalidInputTests(GlueTestCase):
    def invalid(self, call, *members, **kwargs):
        return self.assertError(self.c.exceptions.InvalidInputException, "InvalidInputException",
                                call, *members, **kwargs)

    def test_name_with_newline(self):
        # A model constraint: AWS's ValidationException, in AWS's words.
        n = unique("nl") + "\nx"
        e = self.assertError(self.c.exceptions.ValidationException, "ValidationException", self.c.create_workflow,
                             Name=n)
        self.assertEqual(e.response["Error"]["Message"],
                         "1 validation error detected: Value '%s' at 'name' failed to satisfy constraint: Member must "
                         "satisfy regular expression pattern: [\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\t]*" % n)

    def test_conditional_without_predicate(self):
        j = self.make_job(unique("cj"))
        n = unique("cond")
        self.invalid(self.c.create_trigger, "Predicate",
                     Name=n, Type="CONDITIONAL", Actions=[{"JobName": j}])
        self.assertNoTrigger(n)

    def test_scheduled_without_schedule(self):
        j = self.make_job(unique("sj"))
        n = unique("sched")
        self.invalid(self.c.create_trigger, "Schedule",
                     Name=n, Type="SCHEDULED", Actions=[{"JobName": j}])
        self.assertNoTrigger(n)

    def test_scheduled_with_invalid_cron(self):
        j = self.make_job(unique("sj"))
        n = unique("sched")
        self.invalid(self.c.create_trigger, "Schedule",
                     Name=n, Type="SCHEDULED", Schedule="cron(not a schedule)", Actions=[{"JobName": j}])
        self.assertNoTrigger(n)

    def test_start_on_creation_on_demand(self):
        j = self.make_job(unique("oj"))
        n = unique("od")
        self.invalid(self.c.create_trigger, "StartOnCreation",
                     Name=n, Type="ON_DEMAND", Actions=[{"JobName": j}], StartOnCreation=True)
        self.assertNoTrigger(n)

    def test_second_start_trigger_in_workflow(self):
        p = unique("start2")
        wf = p + "-wf"
        self.c.create_workflow(Name=wf)
        j = self.make_job(p + "-job")
        self.c.create_trigger(Name=p + "-first", WorkflowName=wf, Type="ON_DEMAND",
                              Actions=[{"JobName": j}])
        self.invalid(self.c.create_trigger, wf, Name=p + "-second", WorkflowName=wf,
                     Type="SCHEDULED", Schedule="cron(0 1 * * ? *)", Actions=[{"JobName": j}])
        self.assertNoTrigger(p + "-second")

    def test_three_crawler_actions(self):
        p = unique("cr3")
        crawlers = [self.make_crawler("%s-%d" % (p, i)) for i in range(3)]
        self.invalid(self.c.create_trigger, "Actions", Name=p + "-t", Type="ON_DEMAND",
                     Actions=[{"CrawlerName": cr} for cr in crawlers])
        self.assertNoTrigger(p + "-t")

    def test_conditional_watches_and_starts_same_job(self):
        p = unique("same")
        j = self.make_job(p + "-job")
        e = self.invalid(self.c.create_trigger, j, Name=p + "-t", Type="CONDITIONAL",
                         Predicate={"Conditions": [{"LogicalOperator": "EQUALS", "JobName": j,
                                                    "State": "SUCCEEDED"}]},
                         Actions=[{"JobName": j}])
        msg = e.response["Error"]["Message"]
        self.assertTrue("Predicate" in msg and "Action" in msg, msg)
        self.assertNoTrigger(p + "-t")

    def test_more_than_50_tags_on_create(self):
        n = unique("tags")
        tags = {"k%02d" % i: "v" for i in range(51)}
        e = self.assertError(self.c.exceptions.ValidationException, "ValidationException", self.c.create_workflow,
                             Name=n, Tags=tags)
        self.assertEqual(e.response["Error"]["Message"],
                         "1 validation error detected: Value '{%s}' at 'tags' failed to satisfy constraint: Member "
                         "must have length less than or equal to 50" % ", ".join("%s=v" % k for k in sorted(tags)))
        with self.assertRaises(self.c.exceptions.EntityNotFoundException):
            self.c.get_workflow(Name=n)

    def test_tag_resource_beyond_50_tags(self):
        n = unique("tags")
        self.c.create_workflow(Name=n, Tags={"k%02d" % i: "v" for i in range(30)})
        arn = "arn:aws:glue:%s:%s:workflow/%s" % (REGION, ACCOUNT, n)
        self.invalid(self.c.tag_resource, "TagsToAdd", ResourceArn=arn,
                     TagsToAdd={"x%02d" % i: "v" for i in range(21)})
        self.assertEqual(len(self.c.get_tags(ResourceArn=arn)["Tags"]), 30)
        # Exactly 50 is allowed.
        self.c.tag_resource(ResourceArn=arn, TagsToAdd={"x%02d" % i: "v" for i in range(20)})
        self.assertEqual(len(self.c.get_tags(ResourceArn=arn)["Tags"]), 50)


class PaginationTests(GlueTestCase):
    def test_list_workflows_paginator(self):
        p = unique("lw")
        names = ["%s-%02d" % (p, i) for i in range(60)]
        for n in names:
            self.c.create_workflow(Name=n)
        seen, sizes = [], []
        for page in self.c.get_paginator("list_workflows").paginate(PaginationConfig={"PageSize": 7}):
            sizes.append(len(page["Workflows"]))
            seen.extend(page["Workflows"])
        mine = [n for n in seen if n.startswith(p)]
        self.assertPaged(seen, mine, names, sizes, 7)
        self.assertEqual(mine, names)  # creation order is name order here
        self.assertEqual(seen, sorted(seen), "ListWorkflows is not in name order")

    def test_get_jobs_paginator(self):
        p = unique("gj")
        names = [self.make_job("%s-%02d" % (p, i)) for i in range(13)]
        seen, sizes = [], []
        for page in self.c.get_paginator("get_jobs").paginate(PaginationConfig={"PageSize": 4}):
            sizes.append(len(page["Jobs"]))
            seen.extend(j["Name"] for j in page["Jobs"])
        self.assertPaged(seen, [n for n in seen if n.startswith(p)], names, sizes, 4)

    def test_list_jobs_paginator_with_tags(self):
        p = unique("lj")
        tagged = [self.make_job("%s-%02d" % (p, i), Tags={"suite": p}) for i in range(0, 22, 2)]
        for i in range(1, 22, 4):  # interleaved jobs the filter must skip
            self.make_job("%s-%02d" % (p, i), Tags={"suite": "other"})
        seen, sizes = [], []
        pages = self.c.get_paginator("list_jobs").paginate(Tags={"suite": p},
                                                           PaginationConfig={"PageSize": 3})
        for page in pages:
            sizes.append(len(page["JobNames"]))
            seen.extend(page["JobNames"])
        self.assertPaged(seen, seen, tagged, sizes, 3)

    def test_get_triggers_paginator_dependent_job(self):
        p = unique("gt")
        j = self.make_job(p + "-job")
        other = self.make_job(p + "-other")
        names = []
        for i in range(10):
            n = "%s-%02d" % (p, i)
            self.c.create_trigger(Name=n, Type="ON_DEMAND", Actions=[{"JobName": j if i % 3 else other}])
            if i % 3:
                names.append(n)
        seen, sizes = [], []
        pages = self.c.get_paginator("get_triggers").paginate(DependentJobName=j,
                                                              PaginationConfig={"PageSize": 2})
        for page in pages:
            sizes.append(len(page["Triggers"]))
            seen.extend(t["Name"] for t in page["Triggers"])
        self.assertPaged(seen, seen, names, sizes, 2)

    def test_list_triggers_paginator(self):
        p = unique("lt")
        j = self.make_job(p + "-job")
        names = ["%s-%02d" % (p, i) for i in range(11)]
        for n in names:
            self.c.create_trigger(Name=n, Type="ON_DEMAND", Actions=[{"JobName": j}])
        seen, sizes = [], []
        for page in self.c.get_paginator("list_triggers").paginate(PaginationConfig={"PageSize": 3}):
            sizes.append(len(page["TriggerNames"]))
            seen.extend(page["TriggerNames"])
        self.assertPaged(seen, [n for n in seen if n.startswith(p)], names, sizes, 3)

    def manual_walk(self, call, key, name_of, size, **kwargs):
        seen, sizes, token, calls = [], [], None, 0
        while True:
            args = dict(kwargs, MaxResults=size)
            if token:
                args["NextToken"] = token
            out = call(**args)
            calls += 1
            self.assertLess(calls, 1000, "NextToken loop does not end")
            sizes.append(len(out[key]))
            seen.extend(name_of(x) for x in out[key])
            token = out.get("NextToken")
            if not token:
                return seen, sizes

    def test_list_crawlers_next_token_loop(self):
        p = unique("lc")
        names = [self.make_crawler("%s-%02d" % (p, i)) for i in range(10)]
        seen, sizes = self.manual_walk(self.c.list_crawlers, "CrawlerNames", lambda n: n, 3)
        self.assertPaged(seen, [n for n in seen if n.startswith(p)], names, sizes, 3)

    def test_get_crawlers_next_token_loop(self):
        p = unique("gc")
        names = [self.make_crawler("%s-%02d" % (p, i)) for i in range(10)]
        seen, sizes = self.manual_walk(self.c.get_crawlers, "Crawlers", lambda c: c["Name"], 4)
        self.assertPaged(seen, [n for n in seen if n.startswith(p)], names, sizes, 4)

    def test_tampered_next_token(self):
        p = unique("tok")
        for i in range(3):
            self.c.create_workflow(Name="%s-%d" % (p, i))
        token = self.c.list_workflows(MaxResults=1)["NextToken"]
        self.assertTrue(token)
        # The genuine token works.
        self.assertEqual(len(self.c.list_workflows(MaxResults=1, NextToken=token)["Workflows"]), 1)
        mid = len(token) // 4
        flipped = token[:mid] + ("A" if token[mid] != "A" else "B") + token[mid + 1:]
        for bad in (flipped, token[: len(token) // 2], "x" + token, "not-a-token"):
            with self.subTest(token=bad):
                self.assertError(self.c.exceptions.InvalidInputException, "InvalidInputException",
                                 self.c.list_workflows, "NextToken", MaxResults=1, NextToken=bad)


class ResponseShapeTests(GlueTestCase):
    def assertRecent(self, ts, what):
        self.assertIsInstance(ts, datetime.datetime, "%s is %r" % (what, type(ts)))
        self.assertIsNotNone(ts.tzinfo, "%s has no time zone" % what)
        now = datetime.datetime.now(datetime.timezone.utc)
        self.assertLess(abs((now - ts).total_seconds()), 60, "%s=%s is not close to now (%s)" % (what, ts, now))

    def test_workflow_timestamps_are_datetimes(self):
        n = unique("ts")
        self.c.create_workflow(Name=n)
        wf = self.c.get_workflow(Name=n)["Workflow"]
        self.assertRecent(wf["CreatedOn"], "Workflow.CreatedOn")
        self.assertRecent(wf["LastModifiedOn"], "Workflow.LastModifiedOn")

    def test_job_timestamps_are_datetimes(self):
        n = self.make_job(unique("ts"))
        job = self.c.get_job(JobName=n)["Job"]
        self.assertRecent(job["CreatedOn"], "Job.CreatedOn")
        self.assertRecent(job["LastModifiedOn"], "Job.LastModifiedOn")

    def test_request_id_present(self):
        n = unique("rid")
        out = self.c.create_workflow(Name=n)
        rid1 = out["ResponseMetadata"].get("RequestId")
        self.assertTrue(rid1)
        rid2 = self.c.get_workflow(Name=n)["ResponseMetadata"].get("RequestId")
        self.assertTrue(rid2)
        self.assertNotEqual(rid1, rid2, "request ids should differ between requests")
        self.assertEqual(out["ResponseMetadata"]["HTTPStatusCode"], 200)


class CountingResult(unittest.TextTestResult):
    """Counts passed test cases (each test method counts once, subtests
    included: a method with a failing subtest counts as one failure)."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.failed_ids = set()

    def _fail(self, test):
        self.failed_ids.add(test.id())

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._fail(test)

    def addError(self, test, err):
        super().addError(test, err)
        # setUpClass/module errors arrive as _ErrorHolder objects.
        self._fail(test)

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self._fail(test)

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._fail(test)


def main():
    if not ENDPOINT:
        print("boto3_test.py: EPOXY_ENDPOINT is not set (see compat/run.sh)", file=sys.stderr)
        print("boto3: 0 passed, 1 failed")
        return 1
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
    runner = unittest.TextTestRunner(stream=sys.stdout, verbosity=2, resultclass=CountingResult)
    result = runner.run(suite)
    failed = len(result.failed_ids)
    passed = max(result.testsRun - failed - len(result.skipped), 0)
    sys.stdout.flush()
    print("boto3: %d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
