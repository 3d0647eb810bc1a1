"""Example Glue Python shell job: reads its workflow run's properties with boto3
(the job's environment points boto3's Glue client at Epoxy)."""
import sys

import boto3
from awsglue.utils import getResolvedOptions

args = getResolvedOptions(sys.argv, ["JOB_NAME", "WORKFLOW_NAME", "WORKFLOW_RUN_ID"])
glue = boto3.client("glue")
props = glue.get_workflow_run_properties(Name=args["WORKFLOW_NAME"], RunId=args["WORKFLOW_RUN_ID"])["RunProperties"]
print(f"load: job {args['JOB_NAME']} loading day {props.get('day', '?')} (env {props.get('env', '?')})")
