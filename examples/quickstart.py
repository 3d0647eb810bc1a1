"""The README's quickstart with boto3: creates the workflow (default "nightly":
extract -> load), starts a run and waits until it COMPLETED with every job
SUCCEEDED (exit status 1 otherwise).

Usage: EPOXY=http://127.0.0.1:4747 python3 examples/quickstart.py [WORKFLOW]
"""
import json
import os
import sys
import time

import boto3

endpoint = os.environ.get("EPOXY") or os.environ.get("EPOXY_ENDPOINT") or "http://127.0.0.1:4747"
wf = sys.argv[1] if len(sys.argv) > 1 else "nightly"
here = os.path.dirname(os.path.abspath(__file__))
role = "arn:aws:iam::123456789012:role/glue"
glue = boto3.client("glue", endpoint_url=endpoint, region_name=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
                    aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "test"),
                    aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "test"))

glue.create_workflow(Name=wf, DefaultRunProperties={"env": "dev"})
glue.create_job(Name=f"{wf}-extract", Role=role,
                Command={"Name": "pythonshell", "ScriptLocation": f"file://{here}/jobs/extract.py"})
glue.create_job(Name=f"{wf}-load", Role=role, Command={"Name": "pythonshell", "ScriptLocation": f"{here}/jobs/load.py"})
glue.create_trigger(Name=f"{wf}-start", WorkflowName=wf, Type="ON_DEMAND", Actions=[{"JobName": f"{wf}-extract"}])
glue.create_trigger(Name=f"{wf}-after-extract", WorkflowName=wf, Type="CONDITIONAL", StartOnCreation=True,
                    Predicate={"Conditions": [{"LogicalOperator": "EQUALS", "JobName": f"{wf}-extract",
                                               "State": "SUCCEEDED"}]},
                    Actions=[{"JobName": f"{wf}-load"}])

run_id = glue.start_workflow_run(Name=wf, RunProperties={"day": "2026-01-01"})["RunId"]
deadline = time.time() + 300
while True:
    run = glue.get_workflow_run(Name=wf, RunId=run_id, IncludeGraph=True)["Run"]
    if run["Status"] in ("COMPLETED", "STOPPED", "ERROR") or time.time() > deadline:
        break
    time.sleep(0.5)

states = {n["Name"]: n["JobDetails"]["JobRuns"][-1]["JobRunState"]
          for n in run["Graph"]["Nodes"] if n["Type"] == "JOB" and n.get("JobDetails", {}).get("JobRuns")}
print(json.dumps({"RunId": run_id, "Status": run["Status"], "Jobs": states}, indent=2))
sys.exit(0 if run["Status"] == "COMPLETED" and states and all(s == "SUCCEEDED" for s in states.values()) else 1)
