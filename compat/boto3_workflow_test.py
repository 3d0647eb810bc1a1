#!/usr/bin/env python3
"""boto3 scenario: a multi-job workflow run to COMPLETED against Epoxy.

The jobs are real Glue Python shell scripts, written to a temporary
directory and run by Epoxy with python3. Like scripts written for AWS Glue,
they read their arguments with ``awsglue.utils.getResolvedOptions`` and talk
to "Glue" through ``boto3.client('glue')`` with no endpoint in the code:
Epoxy puts AWS_ENDPOINT_URL_GLUE (and a region and credentials) in their
environment.

The workflow is a chain and a fan-out/fan-in:

    start (ON_DEMAND) -> first -> mid -> {left, right} -> AND -> last

``first`` puts a run property ``token`` derived from its own job run id,
``mid``, ``left`` and ``right`` each put what they saw, and ``last`` reads
every property, writes them to a file for this test and fails unless it saw
the token. Two runs of the workflow execute at once (the jobs allow two
concurrent runs), so the test also checks that triggers and run properties
stay within their own run. Then it walks the runs with the botocore
paginator for GetWorkflowRuns.

The last line printed is "boto3: N passed, M failed" (counted by
compat/run.sh together with boto3_test.py); the exit status is 0 only when
M is 0.
"""

import json
import os
import shutil
import sys
import tempfile
import time
import unittest
import uuid

import boto3
from botocore.config import Config

ENDPOINT = os.environ.get("EPOXY_ENDPOINT", "")
REGION = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
ROLE = "arn:aws:iam::123456789012:role/GlueRole"
RUN_TIMEOUT = 90  # seconds for both runs to complete

# The head of every job script: Glue's arguments and the run's properties.
PRELUDE = '''\
import json, os, sys
import boto3
from awsglue.utils import getResolvedOptions

args = getResolvedOptions(sys.argv, ["JOB_NAME", "JOB_RUN_ID", "WORKFLOW_NAME", "WORKFLOW_RUN_ID", "OUT_DIR"])
glue = boto3.client("glue")
wf, run_id = args["WORKFLOW_NAME"], args["WORKFLOW_RUN_ID"]


def props():
    return glue.get_workflow_run_properties(Name=wf, RunId=run_id)["RunProperties"]


def put(**kv):
    glue.put_workflow_run_properties(Name=wf, RunId=run_id, RunProperties=kv)

'''

SCRIPTS = {
    # Puts the token the later jobs must see, and what it saw of the start.
    "first": '''
seen = props()
put(token="token-" + args["JOB_RUN_ID"], first_saw_requested_by=seen.get("requested_by", "<missing>"),
    first_saw_env=seen.get("env", "<missing>"))
''',
    "mid": '''
put(mid_saw=props().get("token", "<missing>"))
''',
    "left": '''
put(left_saw=props().get("token", "<missing>"))
''',
    "right": '''
put(right_saw=props().get("token", "<missing>"))
''',
    # Records everything it sees; fails the run if the token did not arrive.
    "last": '''
seen = props()
with open(os.path.join(args["OUT_DIR"], "last-%s.json" % run_id), "w") as f:
    json.dump({"job_run_id": args["JOB_RUN_ID"], "properties": seen}, f)
if not seen.get("token", "").startswith("token-"):
    sys.exit("last: no token from first in %r" % (seen,))
''',
}

JOBS = ["first", "mid", "left", "right", "last"]
STAT_KEYS = ["TotalActions", "TimeoutActions", "FailedActions", "StoppedActions",
             "SucceededActions", "RunningActions", "ErroredActions", "WaitingActions"]


def glue():
    return boto3.client(
        "glue", endpoint_url=ENDPOINT, region_name=REGION,
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=30))


class WorkflowRunScenario(unittest.TestCase):
    """Builds the workflow once, runs it twice at the same time to
    COMPLETED, and checks the outcome from several angles."""

    c = None
    tmp = None
    wf = None
    runs = {}     # requested_by -> WorkflowRunId
    final = {}    # WorkflowRunId -> GetWorkflowRun(IncludeGraph=True)["Run"]
    outputs = {}  # WorkflowRunId -> what the last job recorded
    names = {}    # role -> job name

    @classmethod
    def setUpClass(cls):
        cls.c = glue()
        cls.tmp = tempfile.mkdtemp(prefix="epoxy-b3wf-")
        p = "b3wf-%s" % uuid.uuid4().hex[:8]
        cls.wf = p
        cls.names = {role: "%s-%s" % (p, role) for role in JOBS}
        for role in JOBS:
            path = os.path.join(cls.tmp, "%s.py" % role)
            with open(path, "w") as f:
                f.write(PRELUDE + SCRIPTS[role])
            cls.c.create_job(
                Name=cls.names[role], Role=ROLE,
                Command={"Name": "pythonshell", "ScriptLocation": path, "PythonVersion": "3.9"},
                DefaultArguments={"--OUT_DIR": cls.tmp},
                ExecutionProperty={"MaxConcurrentRuns": 2})
        cls.c.create_workflow(Name=cls.wf, DefaultRunProperties={"env": "compat"})
        n = cls.names
        cls.c.create_trigger(Name=p + "-start", WorkflowName=cls.wf, Type="ON_DEMAND",
                             Actions=[{"JobName": n["first"]}])
        cls.after(p + "-t-mid", [n["first"]], [n["mid"]])
        cls.after(p + "-t-fanout", [n["mid"]], [n["left"], n["right"]])
        cls.after(p + "-t-fanin", [n["left"], n["right"]], [n["last"]])

        for who in ("run-a", "run-b"):
            out = cls.c.start_workflow_run(Name=cls.wf, RunProperties={"requested_by": who})
            cls.runs[who] = out["RunId"]

        deadline = time.time() + RUN_TIMEOUT
        pending = set(cls.runs.values())
        while pending:
            for run_id in sorted(pending):
                run = cls.c.get_workflow_run(Name=cls.wf, RunId=run_id, IncludeGraph=True)["Run"]
                if run["Status"] in ("COMPLETED", "STOPPED", "ERROR"):
                    cls.final[run_id] = run
                    pending.discard(run_id)
            if pending and time.time() > deadline:
                raise AssertionError("workflow runs %s not finished after %d s" % (sorted(pending), RUN_TIMEOUT))
            time.sleep(0.2)
        for run_id in cls.runs.values():
            path = os.path.join(cls.tmp, "last-%s.json" % run_id)
            if os.path.exists(path):
                with open(path) as f:
                    cls.outputs[run_id] = json.load(f)

    @classmethod
    def tearDownClass(cls):
        if cls.tmp:
            shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def after(cls, name, watched, targets):
        cls.c.create_trigger(
            Name=name, WorkflowName=cls.wf, Type="CONDITIONAL", StartOnCreation=True,
            Predicate={"Logical": "AND", "Conditions": [
                {"LogicalOperator": "EQUALS", "JobName": j, "State": "SUCCEEDED"} for j in watched]},
            Actions=[{"JobName": j} for j in targets])

    # --- helpers -----------------------------------------------------------

    def job_runs(self, run_id):
        """The run graph's JOB nodes: job name -> list of JobRuns."""
        graph = self.final[run_id].get("Graph") or {}
        out = {}
        for node in graph.get("Nodes", []):
            if node.get("Type") == "JOB":
                out[node["Name"]] = (node.get("JobDetails") or {}).get("JobRuns", [])
        return out

    def describe(self, run_id):
        return json.dumps(self.job_runs(run_id), default=str, indent=1)

    # --- tests -------------------------------------------------------------

    def test_runs_completed(self):
        for who, run_id in self.runs.items():
            with self.subTest(run=who):
                run = self.final[run_id]
                self.assertEqual(run["Status"], "COMPLETED", self.describe(run_id))
                self.assertEqual(run["Name"], self.wf)
                self.assertEqual(run["WorkflowRunId"], run_id)
                self.assertLessEqual(run["StartedOn"], run["CompletedOn"])

    def test_statistics(self):
        for who, run_id in self.runs.items():
            with self.subTest(run=who):
                stats = self.final[run_id]["Statistics"]
                for k in STAT_KEYS:
                    self.assertIn(k, stats)
                want = {k: 0 for k in STAT_KEYS}
                want.update(TotalActions=5, SucceededActions=5)
                got = {k: stats[k] for k in STAT_KEYS}
                self.assertEqual(got, want, self.describe(run_id))

    def test_every_job_ran_once_and_succeeded(self):
        n = self.names
        starters = {n["first"]: self.wf + "-start", n["mid"]: self.wf + "-t-mid", n["left"]: self.wf + "-t-fanout",
                    n["right"]: self.wf + "-t-fanout", n["last"]: self.wf + "-t-fanin"}
        for who, run_id in self.runs.items():
            with self.subTest(run=who):
                nodes = self.job_runs(run_id)
                self.assertEqual(sorted(nodes), sorted(n.values()))
                for job, runs in nodes.items():
                    self.assertEqual(len(runs), 1, "job %s: %s" % (job, self.describe(run_id)))
                    r = runs[0]
                    self.assertEqual(r["JobRunState"], "SUCCEEDED", r.get("ErrorMessage"))
                    self.assertEqual(r["JobName"], job)
                    self.assertEqual(r.get("TriggerName"), starters[job])
                # The fan-in's predecessors are this run's left and right.
                last = nodes[n["last"]][0]
                preds = sorted((p["JobName"], p["RunId"]) for p in last.get("PredecessorRuns", []))
                want = sorted((j, nodes[j][0]["Id"]) for j in (n["left"], n["right"]))
                self.assertEqual(preds, want)

    def test_last_job_saw_what_first_put(self):
        n = self.names
        for who, run_id in self.runs.items():
            with self.subTest(run=who):
                first = self.job_runs(run_id)[n["first"]][0]
                token = "token-" + first["Id"]
                self.assertIn(run_id, self.outputs, "the last job left no output for run %s" % run_id)
                seen = self.outputs[run_id]["properties"]
                self.assertEqual(seen.get("token"), token)
                self.assertEqual(seen.get("mid_saw"), token)
                self.assertEqual(seen.get("left_saw"), token)
                self.assertEqual(seen.get("right_saw"), token)
                # Start properties overlay the workflow's defaults.
                self.assertEqual(seen.get("first_saw_env"), "compat")
                self.assertEqual(seen.get("first_saw_requested_by"), who)
                self.assertEqual(self.outputs[run_id]["job_run_id"], self.job_runs(run_id)[n["last"]][0]["Id"])

    def test_properties_stay_in_their_run(self):
        tokens = set()
        for who, run_id in self.runs.items():
            with self.subTest(run=who):
                props = self.c.get_workflow_run_properties(Name=self.wf, RunId=run_id)["RunProperties"]
                self.assertEqual(props.get("requested_by"), who)
                self.assertEqual(props.get("env"), "compat")
                self.assertEqual(props, self.outputs.get(run_id, {}).get("properties"),
                                 "nothing changed the properties after the last job read them")
                tokens.add(props.get("token"))
        self.assertEqual(len(tokens), 2, "each run has its own token: %s" % tokens)

    def test_get_workflow_runs_paginator(self):
        pages = self.c.get_paginator("get_workflow_runs").paginate(
            Name=self.wf, IncludeGraph=False, PaginationConfig={"PageSize": 1})
        seen, sizes = [], []
        for page in pages:
            sizes.append(len(page.get("Runs", [])))
            for run in page.get("Runs", []):
                self.assertNotIn("Graph", run, "IncludeGraph=False")
                self.assertEqual(run["Status"], "COMPLETED")
                self.assertEqual(run["Statistics"]["SucceededActions"], 5)
                seen.append(run["WorkflowRunId"])
        self.assertEqual(sorted(seen), sorted(self.runs.values()))
        self.assertTrue(all(s <= 1 for s in sizes), "pages larger than 1: %s" % sizes)
        self.assertGreaterEqual(len(sizes), 2)
        # Newest first: run-b was started after run-a.
        self.assertEqual(seen, [self.runs["run-b"], self.runs["run-a"]])
        # The paginator's build_full_result agrees with the walk.
        full = self.c.get_paginator("get_workflow_runs").paginate(
            Name=self.wf, PaginationConfig={"PageSize": 1}).build_full_result()
        self.assertEqual([r["WorkflowRunId"] for r in full["Runs"]], seen)

    def test_get_workflow_last_run(self):
        wf = self.c.get_workflow(Name=self.wf)["Workflow"]
        self.assertEqual(wf["LastRun"]["WorkflowRunId"], self.runs["run-b"])
        self.assertEqual(wf["LastRun"]["Status"], "COMPLETED")


class CountingResult(unittest.TextTestResult):
    """Counts test methods: a method with a failing subtest counts as one
    failure; an error in setUpClass fails every test of the class."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.failed_ids = set()

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self.failed_ids.add(test.id())

    def addError(self, test, err):
        super().addError(test, err)
        self.failed_ids.add(test.id())

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self.failed_ids.add(test.id())

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self.failed_ids.add(test.id())


def main():
    if not ENDPOINT:
        print("boto3_workflow_test.py: EPOXY_ENDPOINT is not set (see compat/run.sh)", file=sys.stderr)
        print("boto3: 0 passed, 1 failed")
        return 1
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
    runner = unittest.TextTestRunner(stream=sys.stdout, verbosity=2, resultclass=CountingResult)
    result = runner.run(suite)
    if any(i.startswith("setUpClass") for i in result.failed_ids):
        # setUpClass failed: none of the class's tests ran; count them all.
        failed = suite.countTestCases()
        passed = 0
    else:
        failed = len(result.failed_ids)
        passed = max(result.testsRun - failed - len(result.skipped), 0)
    sys.stdout.flush()
    print("boto3: %d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
