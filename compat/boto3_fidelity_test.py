#!/usr/bin/env python3
"""boto3 checks of where Epoxy answers as AWS Glue does in detail (issue 12).

* Model-constraint violations raise the modeled ValidationException in AWS's
  words (lowerCamelCase member paths, ".N.member" list elements, "Value null",
  "N validation errors detected: ...; ..."), while the service's own rules
  keep raising InvalidInputException.
* Job capacity: the combinations and per-command values Glue refuses are
  InvalidInputException; StartJobRun's capacity, Timeout and ExecutionClass
  overrides are what GetJobRun reports.
* JobRun.Arguments is the run's own arguments as the script received them
  (NonOverridableArguments win), checked against the script's real argv.
* Workflow graphs: JOB and CRAWLER nodes carry JobDetails / CrawlerDetails
  ({} without runs), TRIGGER nodes TriggerDetails.
* GetBlueprint fills BlueprintServiceLocation and LastActiveDefinition.
* GetJobBookmark / ResetJobBookmark are served; --job-bookmark-option
  reaches the script.
* UnknownOperationException names the operation and says when Epoxy does not
  implement a Glue operation.

Runs against $EPOXY_ENDPOINT (see run.sh). The last line printed is
"boto3-fidelity: N passed, M failed"; the exit status is 0 only when M is 0.
"""

import json
import os
import shutil
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request
import zipfile

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from boto3_test import ENDPOINT, REGION, ROLE, CountingResult, glue, unique

WAIT_SECONDS = 60

_raw = None


def raw_glue():
    """A Glue client that skips botocore's own parameter validation, so the
    server's is what answers."""
    global _raw
    if _raw is None:
        _raw = boto3.client("glue", endpoint_url=ENDPOINT, region_name=REGION,
                            config=Config(parameter_validation=False, retries={"total_max_attempts": 1}))
    return _raw


class FidelityCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="epoxy-fidelity-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        self.c = glue()
        self.raw = raw_glue()

    def assertRaisesExactly(self, exc_class, code, message, call, **kwargs):
        with self.assertRaises(exc_class) as cm:
            call(**kwargs)
        err = cm.exception.response["Error"]
        self.assertEqual(err["Code"], code)
        self.assertEqual(err["Message"], message)
        return cm.exception

    def script(self, name, body):
        path = os.path.join(self.tmp, name + ".py")
        with open(path, "w") as f:
            f.write(body)
        return path

    def argv_script(self):
        """A script that writes its argv to <tmp>/<JOB_RUN_ID>.argv."""
        return self.script("argv", "import json, os, sys\n"
                           "run_id = sys.argv[sys.argv.index('--JOB_RUN_ID') + 1]\n"
                           "with open(os.path.join(%r, run_id + '.argv'), 'w') as f:\n"
                           "    json.dump(sys.argv, f)\n" % self.tmp)

    def argv_of(self, run_id):
        with open(os.path.join(self.tmp, run_id + ".argv")) as f:
            argv = json.load(f)
        return dict(zip(argv[1::2], argv[2::2]))

    def wait_run(self, job, run_id, states=("SUCCEEDED",)):
        deadline = time.time() + WAIT_SECONDS
        while True:
            run = self.c.get_job_run(JobName=job, RunId=run_id)["JobRun"]
            if run["JobRunState"] in ("SUCCEEDED", "FAILED", "ERROR", "TIMEOUT", "STOPPED"):
                self.assertIn(run["JobRunState"], states, run.get("ErrorMessage"))
                return run
            if time.time() > deadline:
                self.fail("job run %s of %s still %s" % (run_id, job, run["JobRunState"]))
            time.sleep(0.1)


class ValidationExceptionTests(FidelityCase):
    def test_enum_in_list_element(self):
        j = unique("vj")
        self.c.create_job(Name=j, Role=ROLE, Command={"Name": "pythonshell", "ScriptLocation": "/x.py"})
        self.assertRaisesExactly(
            self.raw.exceptions.ValidationException, "ValidationException",
            "1 validation error detected: Value 'NOPE' at 'predicate.conditions.1.member.logicalOperator' "
            "failed to satisfy constraint: Member must satisfy enum value set: [EQUALS]",
            self.raw.create_trigger, Name=unique("vt"), Type="CONDITIONAL", Actions=[{"JobName": j}],
            Predicate={"Conditions": [{"LogicalOperator": "NOPE", "JobName": j, "State": "SUCCEEDED"}]})

    def test_missing_member_is_null(self):
        self.assertRaisesExactly(
            self.raw.exceptions.ValidationException, "ValidationException",
            "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null",
            self.raw.get_workflow)

    def test_several_violations(self):
        self.assertRaisesExactly(
            self.raw.exceptions.ValidationException, "ValidationException",
            "2 validation errors detected: Value null at 'command' failed to satisfy constraint: Member must not be null; "
            "Value null at 'role' failed to satisfy constraint: Member must not be null",
            self.raw.create_job, Name=unique("vj"))

    def test_pattern_and_length(self):
        self.assertRaisesExactly(
            self.c.exceptions.ValidationException, "ValidationException",
            "1 validation error detected: Value 'a\nb' at 'name' failed to satisfy constraint: Member must satisfy "
            "regular expression pattern: [\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\t]*",
            self.c.create_workflow, Name="a\nb")
        tags = {"k%02d" % i: "v" for i in range(51)}
        self.assertRaisesExactly(
            self.c.exceptions.ValidationException, "ValidationException",
            "1 validation error detected: Value '{%s}' at 'tags' failed to satisfy constraint: "
            "Member must have length less than or equal to 50" % ", ".join("%s=v" % k for k in sorted(tags)),
            self.c.create_workflow, Name=unique("vw"), Tags=tags)

    def test_service_rules_stay_invalid_input(self):
        j = unique("vj")
        self.c.create_job(Name=j, Role=ROLE, Command={"Name": "pythonshell", "ScriptLocation": "/x.py"})
        with self.assertRaises(self.c.exceptions.InvalidInputException) as cm:
            self.c.create_trigger(Name=unique("vt"), Type="CONDITIONAL", Actions=[{"JobName": j}])
        self.assertIn("Predicate", cm.exception.response["Error"]["Message"])


class CapacityTests(FidelityCase):
    def test_refused_combinations(self):
        etl = {"Name": "glueetl", "ScriptLocation": "/x.py"}
        shell = {"Name": "pythonshell", "ScriptLocation": "/x.py"}
        cases = [
            (dict(Command=etl, AllocatedCapacity=10, MaxCapacity=10.0),
             "Please set only Allocated Capacity or Max Capacity (AllocatedCapacity 10, MaxCapacity 10)"),
            (dict(Command=etl, MaxCapacity=10.0, WorkerType="G.1X", NumberOfWorkers=2),
             "MaxCapacity cannot be set together with WorkerType and NumberOfWorkers"),
            (dict(Command=etl, WorkerType="G.1X"), "WorkerType and NumberOfWorkers must be given together"),
            (dict(Command=shell, MaxCapacity=2.0), "MaxCapacity of a Python shell job must be 0.0625 or 1, got 2"),
        ]
        for kw, message in cases:
            with self.subTest(message=message):
                self.assertRaisesExactly(self.c.exceptions.InvalidInputException, "InvalidInputException", message,
                                         self.c.create_job, Name=unique("cap"), Role=ROLE, **kw)

    def test_start_job_run_overrides(self):
        j = unique("ovr")
        self.c.create_job(Name=j, Role=ROLE, Command={"Name": "glueetl", "ScriptLocation": "/x.py"},
                          WorkerType="G.1X", NumberOfWorkers=2, ExecutionProperty={"MaxConcurrentRuns": 5})
        # No Spark runner is configured, so each run ends FAILED at once; its
        # record is what counts.
        rid = self.c.start_job_run(JobName=j, NumberOfWorkers=5, Timeout=7, ExecutionClass="FLEX")["JobRunId"]
        run = self.wait_run(j, rid, ("SUCCEEDED", "FAILED"))
        self.assertEqual((run["WorkerType"], run["NumberOfWorkers"], run["Timeout"], run["ExecutionClass"]),
                         ("G.1X", 5, 7, "FLEX"))
        rid = self.c.start_job_run(JobName=j, AllocatedCapacity=3)["JobRunId"]
        run = self.wait_run(j, rid, ("SUCCEEDED", "FAILED"))
        self.assertEqual(run["AllocatedCapacity"], 3)
        self.assertNotIn("WorkerType", run)
        self.assertRaisesExactly(self.c.exceptions.InvalidInputException, "InvalidInputException",
                                 "Please set only Allocated Capacity or Max Capacity (AllocatedCapacity 2, MaxCapacity 4)",
                                 self.c.start_job_run, JobName=j, AllocatedCapacity=2, MaxCapacity=4.0)


class JobRunArgumentsTests(FidelityCase):
    def test_arguments_as_the_script_got_them(self):
        j = unique("args")
        self.c.create_job(Name=j, Role=ROLE, Command={"Name": "pythonshell", "ScriptLocation": self.argv_script()},
                          DefaultArguments={"--source": "default"}, NonOverridableArguments={"--locked": "fixed"})
        rid = self.c.start_job_run(JobName=j, Arguments={"--mode": "run", "--locked": "nope"})["JobRunId"]
        run = self.wait_run(j, rid)
        self.assertEqual(run["Arguments"], {"--mode": "run", "--locked": "fixed"})
        got = self.argv_of(rid)
        for k, v in run["Arguments"].items():
            self.assertEqual(got[k], v, "the record and the process agree on %s" % k)
        self.assertEqual(got["--source"], "default")
        self.assertEqual(got["--job-bookmark-option"], "job-bookmark-disable", "Glue passes the option by default")


class GraphDetailsTests(FidelityCase):
    def test_node_details(self):
        p = unique("graph")
        self.c.create_workflow(Name=p)
        self.c.create_job(Name=p + "-j", Role=ROLE, Command={"Name": "pythonshell", "ScriptLocation": "/x.py"})
        self.c.create_crawler(Name=p + "-c", Role=ROLE, Targets={"S3Targets": [{"Path": "/tmp/none"}]})
        self.c.create_trigger(Name=p + "-t", WorkflowName=p, Type="ON_DEMAND",
                              Actions=[{"JobName": p + "-j"}, {"CrawlerName": p + "-c"}])
        nodes = {n["Type"]: n for n in self.c.get_workflow(Name=p, IncludeGraph=True)["Workflow"]["Graph"]["Nodes"]}
        self.assertEqual(nodes["JOB"]["JobDetails"], {})
        self.assertEqual(nodes["CRAWLER"]["CrawlerDetails"], {})
        self.assertEqual(nodes["TRIGGER"]["TriggerDetails"]["Trigger"]["Name"], p + "-t")
        for typ, node in nodes.items():
            others = {"TRIGGER": "TriggerDetails", "JOB": "JobDetails", "CRAWLER": "CrawlerDetails"}
            self.assertEqual([k for k in others.values() if k in node], [others[typ]])


class BlueprintTests(FidelityCase):
    def test_get_blueprint_locations(self):
        name = unique("bp").replace("-", "_")
        path = os.path.join(self.tmp, name + ".zip")
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("fid/blueprint.cfg", json.dumps({"layoutGenerator": "fid.layout.generate_layout",
                                                       "parameterSpec": {"WorkflowName": {"type": "String"}}}))
            z.writestr("fid/layout.py", "from awsglue.blueprint.workflow import *\n\n"
                       "def generate_layout(user_params, system_params):\n"
                       "    return Workflow(Name=user_params['WorkflowName'], Entities=Entities(Jobs=[]))\n")
        self.c.create_blueprint(Name=name, BlueprintLocation=path, Description="fidelity")
        deadline = time.time() + WAIT_SECONDS
        while self.c.get_blueprint(Name=name)["Blueprint"]["Status"] != "ACTIVE":
            self.assertLess(time.time(), deadline, "blueprint never ACTIVE")
            time.sleep(0.1)
        bp = self.c.get_blueprint(Name=name, IncludeBlueprint=True, IncludeParameterSpec=True)["Blueprint"]
        self.assertTrue(bp["BlueprintServiceLocation"].startswith("file:///"), bp)
        last = bp["LastActiveDefinition"]
        self.assertEqual(last["BlueprintLocation"], path)
        self.assertEqual(last["BlueprintServiceLocation"], bp["BlueprintServiceLocation"])
        self.assertEqual(last["Description"], "fidelity")
        self.assertEqual(json.loads(last["ParameterSpec"])["WorkflowName"]["type"], "String")
        self.assertIn("LastModifiedOn", last)


class JobBookmarkTests(FidelityCase):
    def test_bookmark_lifecycle(self):
        j = unique("bm")
        self.c.create_job(Name=j, Role=ROLE, Command={"Name": "pythonshell", "ScriptLocation": self.argv_script()},
                          DefaultArguments={"--job-bookmark-option": "job-bookmark-enable"})
        self.assertRaisesExactly(self.c.exceptions.EntityNotFoundException, "EntityNotFoundException",
                                 "Continuation for job %s not found" % j, self.c.get_job_bookmark, JobName=j)
        r1 = self.c.start_job_run(JobName=j)["JobRunId"]
        self.wait_run(j, r1)
        self.assertEqual(self.argv_of(r1)["--job-bookmark-option"], "job-bookmark-enable")
        entry = self.c.get_job_bookmark(JobName=j)["JobBookmarkEntry"]
        self.assertEqual((entry["JobName"], entry["Run"], entry["RunId"], entry["Version"]), (j, 1, r1, 1))
        entry = self.c.reset_job_bookmark(JobName=j)["JobBookmarkEntry"]
        self.assertEqual((entry["Run"], entry["Version"]), (0, 2))
        self.assertNotIn("RunId", entry)


class UnknownOperationTests(FidelityCase):
    def test_unserved_glue_operation(self):
        self.assertRaisesExactly(
            ClientError, "UnknownOperationException",
            'Epoxy does not implement the Glue operation GetConnection ("AWSGlue.GetConnection"); '
            "`epoxy help operations` lists the operations it serves",
            self.c.get_connection, Name="conn")

    def test_operation_glue_lacks(self):
        req = urllib.request.Request(ENDPOINT + "/", data=b"{}", method="POST", headers={
            "X-Amz-Target": "AWSGlue.NoSuchThing", "Content-Type": "application/x-amz-json-1.1"})
        with self.assertRaises(urllib.error.HTTPError) as cm:
            urllib.request.urlopen(req, timeout=10)
        body = json.loads(cm.exception.read())
        self.assertEqual(body["__type"], "UnknownOperationException")
        self.assertEqual(body["Message"], 'Unknown operation "AWSGlue.NoSuchThing": AWS Glue has no operation '
                                          "NoSuchThing (X-Amz-Target must be AWSGlue.<Operation>)")


def main():
    if not ENDPOINT:
        print("boto3_fidelity_test.py: EPOXY_ENDPOINT is not set (see compat/run.sh)", file=sys.stderr)
        print("boto3-fidelity: 0 passed, 1 failed")
        return 1
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
    result = unittest.TextTestRunner(stream=sys.stdout, verbosity=2, resultclass=CountingResult).run(suite)
    failed = len(result.failed_ids)
    passed = max(result.testsRun - failed - len(result.skipped), 0)
    sys.stdout.flush()
    print("boto3-fidelity: %d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
