"""Tests of Epoxy's ``awsglue.blueprint`` shim and of ``epoxy_layout_runner.py``.

Run with ``python3 -m unittest discover -s tests -v`` from
``internal/blueprint/python``.  Only the standard library is used.
"""

import json
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if PYTHON_DIR not in sys.path:
    sys.path.insert(0, PYTHON_DIR)

from awsglue.blueprint.workflow import *  # noqa: E402,F401,F403
from awsglue.blueprint.job import *  # noqa: E402,F401,F403
from awsglue.blueprint.crawler import *  # noqa: E402,F401,F403
from awsglue.blueprint.base_resource import *  # noqa: E402,F401,F403

RUNNER = os.path.join(PYTHON_DIR, "epoxy_layout_runner.py")
ROLE = "arn:aws:iam::123456789012:role/GlueRole"


def make_job(name, **kwargs):
    """A minimal valid Job named ``name``; extra keywords are passed through."""
    kwargs.setdefault("Role", ROLE)
    kwargs.setdefault("Command", {"Name": "glueetl", "ScriptLocation": f"s3://bucket/{name}.py"})
    return Job(Name=name, **kwargs)


def make_crawler(name, **kwargs):
    """A minimal valid Crawler named ``name``; extra keywords are passed through."""
    kwargs.setdefault("Role", ROLE)
    kwargs.setdefault("Targets", {"S3Targets": [{"Path": f"s3://bucket/{name}/"}]})
    return Crawler(Name=name, **kwargs)


def triggers_by_name(layout):
    """Map trigger name -> trigger dict."""
    return {t["Name"]: t for t in layout["Triggers"]}


class WorkflowLayoutTest(unittest.TestCase):
    """Shape of ``Workflow.to_json``: names, triggers, predicates."""

    def test_chain_of_jobs(self):
        a = make_job("a")
        b = make_job("b", DependsOn={a: "SUCCEEDED"})
        c = make_job("c", DependsOn={b: "FAILED"})
        layout = Workflow(Name="wf", Entities=Entities(Jobs=[a, b, c])).to_json("s1")

        self.assertEqual(list(layout), ["Workflow", "Crawlers", "Jobs", "Triggers"])
        self.assertEqual([j["Name"] for j in layout["Jobs"]], ["a_s1", "b_s1", "c_s1"])
        self.assertEqual(layout["Crawlers"], [])
        for job in layout["Jobs"]:
            self.assertNotIn("DependsOn", job)
            self.assertNotIn("WaitForDependencies", job)

        self.assertEqual(
            [t["Name"] for t in layout["Triggers"]],
            ["wf_b_s1_trigger", "wf_c_s1_trigger", "wf_starting_trigger"],
        )
        self.assertEqual(layout["Triggers"][0], {
            "Name": "wf_b_s1_trigger",
            "WorkflowName": "wf",
            "Type": "CONDITIONAL",
            "StartOnCreation": True,
            "Actions": [{"JobName": "b_s1"}],
            "Predicate": {"Conditions": [
                {"LogicalOperator": "EQUALS", "JobName": "a_s1", "State": "SUCCEEDED"},
            ]},
        })
        self.assertEqual(layout["Triggers"][1]["Predicate"]["Conditions"],
                         [{"LogicalOperator": "EQUALS", "JobName": "b_s1", "State": "FAILED"}])
        self.assertEqual(layout["Triggers"][2], {
            "Name": "wf_starting_trigger",
            "WorkflowName": "wf",
            "Type": "ON_DEMAND",
            "Actions": [{"JobName": "a_s1"}],
        })

    def test_fan_out_fan_in_with_and_and_any(self):
        root = make_job("root")
        left = make_job("left", DependsOn={root: "SUCCEEDED"})
        right = make_job("right", DependsOn={root: "SUCCEEDED"})
        join_all = make_job("join_all", DependsOn={left: "SUCCEEDED", right: "SUCCEEDED"},
                            WaitForDependencies="AND")
        join_any = make_job("join_any", DependsOn={left: "FAILED", right: "TIMEOUT"},
                            WaitForDependencies="ANY")
        no_logical = make_job("no_logical", DependsOn={left: "SUCCEEDED", right: "SUCCEEDED"})
        entities = Entities(Jobs=[root, left, right, join_all, join_any, no_logical], Crawlers=[])
        layout = Workflow(Name="wf", Entities=entities).to_json("x")
        triggers = triggers_by_name(layout)

        self.assertEqual(len(layout["Triggers"]), 6)
        self.assertEqual(layout["Triggers"][-1]["Actions"], [{"JobName": "root_x"}])
        self.assertEqual(triggers["wf_left_x_trigger"]["Predicate"]["Conditions"],
                         [{"LogicalOperator": "EQUALS", "JobName": "root_x", "State": "SUCCEEDED"}])
        self.assertEqual(triggers["wf_join_all_x_trigger"]["Predicate"], {
            "Logical": "AND",
            "Conditions": [
                {"LogicalOperator": "EQUALS", "JobName": "left_x", "State": "SUCCEEDED"},
                {"LogicalOperator": "EQUALS", "JobName": "right_x", "State": "SUCCEEDED"},
            ],
        })
        self.assertEqual(triggers["wf_join_any_x_trigger"]["Predicate"], {
            "Logical": "ANY",
            "Conditions": [
                {"LogicalOperator": "EQUALS", "JobName": "left_x", "State": "FAILED"},
                {"LogicalOperator": "EQUALS", "JobName": "right_x", "State": "TIMEOUT"},
            ],
        })
        # Logical is only present when WaitForDependencies was given.
        self.assertNotIn("Logical", triggers["wf_no_logical_x_trigger"]["Predicate"])
        self.assertEqual(len(triggers["wf_no_logical_x_trigger"]["Predicate"]["Conditions"]), 2)

    def test_crawler_dependencies(self):
        raw = make_crawler("raw", DatabaseName="db")
        etl = make_job("etl", DependsOn={raw: "SUCCEEDED"})
        curated = make_crawler("curated", DependsOn={etl: "SUCCEEDED"})
        report = make_job("report", DependsOn={curated: "FAILED"})
        root_job = make_job("independent")
        layout = Workflow(
            Name="wf",
            Entities=Entities(Jobs=[etl, report, root_job], Crawlers=[raw, curated]),
        ).to_json("abc123")

        self.assertEqual([c["Name"] for c in layout["Crawlers"]], ["raw_abc123", "curated_abc123"])
        # Crawlers with DependsOn first, then jobs with DependsOn, start trigger last.
        self.assertEqual([t["Name"] for t in layout["Triggers"]], [
            "wf_curated_abc123_trigger",
            "wf_etl_abc123_trigger",
            "wf_report_abc123_trigger",
            "wf_starting_trigger",
        ])
        triggers = triggers_by_name(layout)
        self.assertEqual(triggers["wf_curated_abc123_trigger"]["Actions"],
                         [{"CrawlerName": "curated_abc123"}])
        self.assertEqual(triggers["wf_curated_abc123_trigger"]["Predicate"]["Conditions"],
                         [{"LogicalOperator": "EQUALS", "JobName": "etl_abc123", "State": "SUCCEEDED"}])
        self.assertEqual(triggers["wf_etl_abc123_trigger"]["Predicate"]["Conditions"],
                         [{"LogicalOperator": "EQUALS", "CrawlerName": "raw_abc123",
                           "CrawlState": "SUCCEEDED"}])
        self.assertEqual(triggers["wf_report_abc123_trigger"]["Predicate"]["Conditions"],
                         [{"LogicalOperator": "EQUALS", "CrawlerName": "curated_abc123",
                           "CrawlState": "FAILED"}])
        # Start trigger: crawlers first, then jobs.
        self.assertEqual(triggers["wf_starting_trigger"]["Actions"],
                         [{"CrawlerName": "raw_abc123"}, {"JobName": "independent_abc123"}])

    def test_on_schedule_makes_scheduled_start_trigger(self):
        job = make_job("j")
        layout = Workflow(Name="wf", Entities=Entities(Jobs=[job]),
                          OnSchedule="cron(0 12 * * ? *)").to_json("s")
        self.assertEqual(layout["Triggers"], [{
            "Name": "wf_starting_trigger",
            "WorkflowName": "wf",
            "Type": "SCHEDULED",
            "Actions": [{"JobName": "j_s"}],
            "Schedule": "cron(0 12 * * ? *)",
            "StartOnCreation": True,
        }])
        self.assertNotIn("OnSchedule", layout["Workflow"])

    def test_on_schedule_event_makes_event_start_trigger(self):
        layout = Workflow(Name="wf", Entities=Entities(Jobs=[make_job("j")]),
                          OnSchedule="EVENT").to_json("s")
        self.assertEqual(layout["Triggers"], [{
            "Name": "wf_starting_trigger",
            "WorkflowName": "wf",
            "Type": "EVENT",
            "Actions": [{"JobName": "j_s"}],
            "EventBatchingCondition": {"BatchSize": 1},
        }])

    def test_on_schedule_on_demand_is_on_demand(self):
        layout = Workflow(Name="wf", Entities=Entities(Jobs=[make_job("j")]),
                          OnSchedule="ON_DEMAND").to_json("s")
        start = layout["Triggers"][-1]
        self.assertEqual(start["Type"], "ON_DEMAND")
        self.assertNotIn("Schedule", start)
        self.assertNotIn("StartOnCreation", start)

    def test_on_demand_start_trigger_has_no_start_on_creation(self):
        layout = Workflow(Name="wf", Entities=Entities(Jobs=[make_job("j")])).to_json("s")
        start = layout["Triggers"][-1]
        self.assertEqual(start["Type"], "ON_DEMAND")
        self.assertNotIn("StartOnCreation", start)
        self.assertNotIn("Schedule", start)

    def test_empty_suffix_leaves_trailing_underscore(self):
        a = make_job("a")
        b = make_job("b", DependsOn={a: "SUCCEEDED"})
        wf = Workflow(Name="wf", Entities=Entities(Jobs=[a, b]))
        for layout in (wf.to_json(""), wf.to_json()):
            self.assertEqual([j["Name"] for j in layout["Jobs"]], ["a_", "b_"])
            self.assertEqual(layout["Triggers"][0]["Name"], "wf_b__trigger")
            self.assertEqual(layout["Triggers"][0]["Predicate"]["Conditions"][0]["JobName"], "a_")
            self.assertEqual(layout["Workflow"]["Name"], "wf")

    def test_workflow_nulls_and_dropped_fields(self):
        layout = Workflow(Name="wf", Entities=Entities(Jobs=[]), MaxConcurrentRuns=3,
                          Description=None).to_json("s")
        self.assertEqual(layout["Workflow"], {
            "Name": "wf", "Description": None, "DefaultRunProperties": None, "Tags": None,
        })
        self.assertEqual(json.loads(json.dumps(layout))["Workflow"]["Tags"], None)

    def test_workflow_fields_kept(self):
        layout = Workflow(Name="wf", Entities=Entities(Jobs=[]), Description="d",
                          DefaultRunProperties={"k": "v"}, Tags={"t": "1"}).to_json("s")
        self.assertEqual(layout["Workflow"], {
            "Name": "wf", "Description": "d", "DefaultRunProperties": {"k": "v"}, "Tags": {"t": "1"},
        })

    def test_empty_entities_give_only_empty_start_trigger(self):
        layout = Workflow(Name="wf", Entities=Entities(Jobs=[])).to_json("s")
        self.assertEqual(layout["Triggers"], [
            {"Name": "wf_starting_trigger", "WorkflowName": "wf", "Type": "ON_DEMAND", "Actions": []},
        ])

    def test_entities_without_jobs_is_lenient(self):
        crawler = make_crawler("c")
        layout = Workflow(Name="wf", Entities=Entities(Crawlers=[crawler])).to_json("s")
        self.assertEqual(layout["Jobs"], [])
        self.assertEqual(layout["Triggers"][-1]["Actions"], [{"CrawlerName": "c_s"}])

    def test_dependency_outside_entities_still_named(self):
        outside = make_job("outside")
        inside = make_job("inside", DependsOn={outside: "SUCCEEDED"})
        layout = Workflow(Name="wf", Entities=Entities(Jobs=[inside])).to_json("s")
        self.assertEqual(layout["Triggers"][0]["Predicate"]["Conditions"][0]["JobName"], "outside_s")
        self.assertEqual(layout["Triggers"][-1]["Actions"], [])


class JobAndCrawlerFieldsTest(unittest.TestCase):
    """Storage rules, quirks and pass-through of the entity classes."""

    def test_unknown_kwargs_dropped(self):
        job = make_job("j", ExecutionClass="FLEX", Bogus=1)
        crawler = make_crawler("c", Grouping={"TableGroupingPolicy": "CombineCompatibleSchemas"},
                               RecrawlPolicy={"RecrawlBehavior": "CRAWL_EVERYTHING"})
        self.assertNotIn("ExecutionClass", job.to_json())
        self.assertNotIn("Bogus", job.to_json())
        self.assertNotIn("Grouping", crawler.to_json())
        self.assertNotIn("RecrawlPolicy", crawler.to_json())

    def test_falsy_values_omitted_for_job(self):
        job = make_job("j", MaxRetries=0, Timeout=0, Description="", DefaultArguments={},
                       Connections=None, NumberOfWorkers=2, WorkerType="G.1X")
        out = job.to_json()
        for key in ("MaxRetries", "Timeout", "Description", "DefaultArguments", "Connections"):
            self.assertNotIn(key, out)
        self.assertEqual(out["NumberOfWorkers"], 2)
        self.assertEqual(out["WorkerType"], "G.1X")
        self.assertEqual(list(out)[:2], ["Name", "Role"])

    def test_falsy_values_omitted_for_crawler(self):
        out = make_crawler("c", TablePrefix="", Classifiers=[], DatabaseName="db").to_json()
        self.assertNotIn("TablePrefix", out)
        self.assertNotIn("Classifiers", out)
        self.assertEqual(out["DatabaseName"], "db")

    def test_lowercase_description_quirk(self):
        self.assertEqual(make_job("j", description="lower").to_json()["Description"], "lower")
        self.assertEqual(make_job("j", Description="upper").to_json()["Description"], "upper")
        both = make_job("j", description="lower", Description="upper").to_json()
        self.assertEqual(both["Description"], "lower")

    def test_command_pass_through_keeps_extra_keys(self):
        command = {"Name": "glueetl", "ScriptLocation": "s3://b/s.py", "PythonVersion": "3",
                   "Runtime": "Ray2.4"}
        out = make_job("j", Command=command).to_json()
        self.assertEqual(out["Command"], command)

    def test_targets_pass_through_and_checks(self):
        targets = {"S3Targets": [{"Path": "s3://b/p", "SampleSize": 5}],
                   "DeltaTargets": [{"DeltaTables": ["s3://b/d"]}],
                   "CatalogTargets": [{"DatabaseName": "db", "Tables": ["t"]}]}
        self.assertEqual(make_crawler("c", Targets=targets).to_json()["Targets"], targets)
        # A target missing its main key passes, as in the AWS library.
        make_crawler("c", Targets={"S3Targets": [{"Exclusions": ["*.tmp"]}]})
        with self.assertRaises(TypeError):
            make_crawler("c", Targets={"S3Targets": [{"Path": 5}]})
        with self.assertRaises(TypeError):
            make_crawler("c", Targets={"S3Targets": {"Path": "s3://b/p"}})
        with self.assertRaises(TypeError):
            make_crawler("c", Targets={"CatalogTargets": [{"DatabaseName": "db", "Tables": "t"}]})

    def test_default_arguments_values_not_type_checked(self):
        args = {"--ratio": 0.5, "--flag": True, "--size": 128, "--name": "x"}
        self.assertEqual(make_job("j", DefaultArguments=args).to_json()["DefaultArguments"], args)

    def test_bool_passes_int_check(self):
        self.assertIs(make_job("j", MaxRetries=True).to_json()["MaxRetries"], True)

    def test_int_for_float_field_is_type_error(self):
        with self.assertRaises(TypeError):
            make_job("j", MaxCapacity=2)
        self.assertEqual(make_job("j", MaxCapacity=2.0).to_json()["MaxCapacity"], 2.0)

    def test_string_for_int_field_is_type_error(self):
        with self.assertRaises(TypeError):
            make_job("j", NumberOfWorkers="5")
        with self.assertRaises(TypeError):
            make_job("j", NumberOfWorkers=5.0)

    def test_other_type_errors(self):
        with self.assertRaises(TypeError):
            make_job("j", Command="s3://b/s.py")
        with self.assertRaises(TypeError):
            Job(Name=7, Role=ROLE, Command={"Name": "glueetl", "ScriptLocation": "s3://b"})
        with self.assertRaises(TypeError):
            make_job("j", ExecutionProperty={"MaxConcurrentRuns": "2"})
        with self.assertRaises(TypeError):
            make_job("j", Command={"Name": "glueetl", "ScriptLocation": "s3://b", "PythonVersion": 3})
        with self.assertRaises(TypeError):
            Workflow(Name="wf", Entities={"Jobs": []})
        with self.assertRaises(TypeError):
            Entities(Jobs=[make_crawler("c")])

    def test_enum_errors(self):
        with self.assertRaises(TypeError):
            make_job("j", WorkerType="G.4X")
        with self.assertRaises(TypeError):
            make_job("j", Command={"Name": "glueray", "ScriptLocation": "s3://b/s.py"})
        with self.assertRaises(TypeError):
            make_crawler("c", SchemaChangePolicy={"UpdateBehavior": "DELETE_FROM_DATABASE"})
        with self.assertRaises(TypeError):
            make_crawler("c", SchemaChangePolicy={"DeleteBehavior": "UPDATE_IN_DATABASE"})
        for worker in ("Standard", "G.1X", "G.2X"):
            make_job("j", WorkerType=worker)
        for name in ("glueetl", "pythonshell", "gluestreaming"):
            make_job("j", Command={"Name": name, "ScriptLocation": "s3://b/s.py"})
        policy = {"UpdateBehavior": "UPDATE_IN_DATABASE", "DeleteBehavior": "DEPRECATE_IN_DATABASE"}
        self.assertEqual(make_crawler("c", SchemaChangePolicy=policy).to_json()["SchemaChangePolicy"],
                         policy)

    def test_command_missing_script_location(self):
        with self.assertRaises(TypeError):
            make_job("j", Command={"Name": "glueetl"})

    def test_depends_on_non_entity_key(self):
        with self.assertRaises(TypeError):
            make_job("j", DependsOn={"a": "SUCCEEDED"})
        with self.assertRaises(TypeError):
            make_crawler("c", DependsOn={make_job("a"): "SUCCEEDED", 3: "SUCCEEDED"})

    def test_missing_required_field_raises_at_to_json(self):
        job = Job(Name="j", Command={"Name": "glueetl", "ScriptLocation": "s3://b/s.py"})
        with self.assertRaises(TypeError) as ctx:
            job.to_json()
        self.assertIn("Role", str(ctx.exception))
        wf = Workflow(Name="wf", Entities=Entities(Jobs=[job]))
        with self.assertRaises(TypeError):
            wf.to_json("s")
        with self.assertRaises(TypeError):
            Crawler(Name="c", Role=ROLE).validate()
        with self.assertRaises(TypeError):
            Workflow(Name="wf").to_json("s")
        with self.assertRaises(TypeError):
            Workflow(Entities=Entities(Jobs=[])).to_json("s")

    def test_attribute_access_and_assignment(self):
        job = make_job("j", MaxRetries=2)
        self.assertEqual(job.Name, "j")
        self.assertIsNone(job.Timeout)
        job.MaxRetries = 0
        self.assertNotIn("MaxRetries", job.to_json())
        with self.assertRaises(TypeError):
            job.MaxCapacity = 1
        other = make_job("other")
        job.DependsOn = {other: "SUCCEEDED"}
        layout = Workflow(Name="wf", Entities=Entities(Jobs=[other, job])).to_json("s")
        self.assertEqual(layout["Triggers"][0]["Name"], "wf_j_s_trigger")

    def test_star_exports(self):
        namespace = {}
        exec("from awsglue.blueprint.workflow import *", namespace)
        for name in ("Job", "Crawler", "Entities", "Workflow", "BaseResource", "ensure_type"):
            self.assertIn(name, namespace)
        ensure_type(1, int, "x")
        with self.assertRaises(TypeError):
            ensure_type(1, float, "x")


class RunnerTest(unittest.TestCase):
    """End-to-end runs of epoxy_layout_runner.py in a subprocess."""

    LAYOUT = textwrap.dedent('''
        from awsglue.blueprint.workflow import *
        from awsglue.blueprint.job import *
        from awsglue.blueprint.crawler import *
        import os
        import sys

        def generate_layout(user_params, system_params):
            # Bundled files are opened relative to the extraction root.
            with open("myblueprint/etl.py") as f:
                assert "ETL" in f.read()
            crawler = Crawler(
                Name=user_params["WorkflowName"] + "_crawler",
                Role=user_params["Role"],
                Targets={"S3Targets": [{"Path": user_params["InputPath"]}]},
                Grouping={"TableGroupingPolicy": "CombineCompatibleSchemas"},
            )
            job = Job(
                Name=user_params["WorkflowName"] + "_job",
                Role=user_params["Role"],
                Command={"Name": "glueetl",
                         "ScriptLocation": "s3://aws-glue-scripts-%s-%s/etl.py"
                                           % (system_params["accountId"], system_params["region"])},
                NumberOfWorkers=user_params["NumberOfWorkers"],
                WorkerType="G.1X",
                DefaultArguments={"--ratio": 0.5},
                DependsOn={crawler: "SUCCEEDED"},
            )
            return Workflow(Name=user_params["WorkflowName"],
                            Entities=Entities(Jobs=[job], Crawlers=[crawler]))

        def noisy(user_params, system_params):
            for i in range(20000):
                print("noise line %d {\\"ok\\": false}" % i)
                print("err %d" % i, file=sys.stderr)
            sys.stdout.write("{not json")
            return generate_layout(user_params, system_params)

        def broken(user_params, system_params):
            print("about to fail")
            raise ValueError("InputDataLocation is same as OutputDataLocation.")

        def not_a_workflow(user_params, system_params):
            return {"Workflow": {}}

        def exits(user_params, system_params):
            sys.exit(3)
    ''')

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.root = os.path.join(self.tmp.name, "root")
        folder = os.path.join(self.root, "myblueprint")  # namespace package: no __init__.py
        os.makedirs(folder)
        with open(os.path.join(folder, "layout.py"), "w") as f:
            f.write(self.LAYOUT)
        with open(os.path.join(folder, "etl.py"), "w") as f:
            f.write("# ETL script\n")
        with open(os.path.join(folder, "blueprint.cfg"), "w") as f:
            json.dump({"layoutGenerator": "myblueprint.layout.generate_layout", "parameterSpec": {}}, f)

    def run_runner(self, generator, name_suffix="abc123", user_params=None):
        """Run the runner for ``generator``; return (process, result dict or None)."""
        request = {
            "layoutGenerator": generator,
            "root": self.root,
            "userParams": user_params or {
                "WorkflowName": "wf",
                "Role": ROLE,
                "InputPath": "s3://in/data/",
                "NumberOfWorkers": 5,
            },
            "systemParams": {"region": "us-east-1", "accountId": "123456789012"},
            "nameSuffix": name_suffix,
        }
        request_path = os.path.join(self.tmp.name, "request.json")
        result_path = os.path.join(self.tmp.name, "result.json")
        with open(request_path, "w") as f:
            json.dump(request, f)
        if os.path.exists(result_path):
            os.remove(result_path)
        env = dict(os.environ)
        env["PYTHONPATH"] = PYTHON_DIR
        env["EPOXY_LAYOUT_REQUEST"] = request_path
        env["EPOXY_LAYOUT_RESULT"] = result_path
        proc = subprocess.run([sys.executable, RUNNER], env=env, capture_output=True,
                              text=True, timeout=120, cwd=self.tmp.name)
        result = None
        if os.path.exists(result_path):
            with open(result_path) as f:
                result = json.load(f)
        return proc, result

    def test_success(self):
        proc, result = self.run_runner("myblueprint.layout.generate_layout")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stdout, "")
        self.assertTrue(result["ok"])
        layout = result["layout"]
        self.assertEqual(layout["Workflow"]["Name"], "wf")
        self.assertIsNone(layout["Workflow"]["Description"])
        self.assertEqual(layout["Crawlers"][0]["Name"], "wf_crawler_abc123")
        self.assertNotIn("Grouping", layout["Crawlers"][0])
        job = layout["Jobs"][0]
        self.assertEqual(job["Name"], "wf_job_abc123")
        self.assertEqual(job["Command"]["ScriptLocation"],
                         "s3://aws-glue-scripts-123456789012-us-east-1/etl.py")
        self.assertEqual(job["DefaultArguments"], {"--ratio": 0.5})
        self.assertEqual([t["Name"] for t in layout["Triggers"]],
                         ["wf_wf_job_abc123_trigger", "wf_starting_trigger"])
        self.assertEqual(layout["Triggers"][0]["Predicate"]["Conditions"],
                         [{"LogicalOperator": "EQUALS", "CrawlerName": "wf_crawler_abc123",
                           "CrawlState": "SUCCEEDED"}])

    def test_noisy_generator_does_not_interfere(self):
        proc, result = self.run_runner("myblueprint.layout.noisy")
        self.assertEqual(proc.returncode, 0, proc.stderr[-2000:])
        self.assertIn("noise line 19999", proc.stdout)
        self.assertIn("err 19999", proc.stderr)
        self.assertTrue(result["ok"])
        self.assertEqual(result["layout"]["Jobs"][0]["Name"], "wf_job_abc123")

    def test_generator_raises(self):
        proc, result = self.run_runner("myblueprint.layout.broken")
        self.assertEqual(proc.returncode, 1)
        self.assertIn("about to fail", proc.stdout)
        self.assertFalse(result["ok"])
        self.assertEqual(result["error"],
                         "ValueError: InputDataLocation is same as OutputDataLocation.")
        self.assertIn("Traceback", result["traceback"])
        self.assertIn("layout.py", result["traceback"])

    def test_shim_validation_error_reported(self):
        params = {"WorkflowName": "wf", "Role": ROLE, "InputPath": "s3://in/", "NumberOfWorkers": "5"}
        proc, result = self.run_runner("myblueprint.layout.generate_layout", user_params=params)
        self.assertEqual(proc.returncode, 1)
        self.assertTrue(result["error"].startswith("TypeError: "), result["error"])
        self.assertIn("NumberOfWorkers", result["error"])

    def test_not_a_workflow(self):
        proc, result = self.run_runner("myblueprint.layout.not_a_workflow")
        self.assertEqual(proc.returncode, 1)
        self.assertTrue(result["error"].startswith("TypeError: "), result["error"])
        self.assertIn("Workflow", result["error"])

    def test_generator_calling_sys_exit(self):
        proc, result = self.run_runner("myblueprint.layout.exits")
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(result["error"], "SystemExit: 3")

    def test_missing_module_and_function(self):
        proc, result = self.run_runner("myblueprint.nope.generate_layout")
        self.assertEqual(proc.returncode, 1)
        self.assertTrue(result["error"].startswith("ModuleNotFoundError: "), result["error"])
        proc, result = self.run_runner("myblueprint.layout.nope")
        self.assertEqual(proc.returncode, 1)
        self.assertTrue(result["error"].startswith("AttributeError: "), result["error"])

    def test_empty_suffix(self):
        proc, result = self.run_runner("myblueprint.layout.generate_layout", name_suffix="")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(result["layout"]["Jobs"][0]["Name"], "wf_job_")


if __name__ == "__main__":
    unittest.main()
