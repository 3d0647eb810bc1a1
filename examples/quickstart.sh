#!/usr/bin/env bash
# The README's quickstart with the AWS CLI: creates the workflow (default
# "nightly": extract -> load), runs it with run properties, and waits for it
# with `epoxy run`, which exits non-zero if a job fails.
#
# Usage: EPOXY=http://127.0.0.1:4747 bash examples/quickstart.sh [WORKFLOW]
# Needs the AWS CLI and `epoxy` on PATH, and `epoxy serve` running.
set -euo pipefail

EPOXY=${EPOXY:-${EPOXY_ENDPOINT:-http://127.0.0.1:4747}}
WF=${1:-nightly}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-test} AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-test}
export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-us-east-1}
ROLE=arn:aws:iam::123456789012:role/glue

eglue() { aws --endpoint-url "$EPOXY" glue "$@"; }

eglue create-workflow --name "$WF" --default-run-properties env=dev
eglue create-job --name "$WF-extract" --role "$ROLE" \
  --command "Name=pythonshell,ScriptLocation=file://$here/jobs/extract.py"
eglue create-job --name "$WF-load" --role "$ROLE" \
  --command "Name=pythonshell,ScriptLocation=$here/jobs/load.py"
eglue create-trigger --name "$WF-start" --workflow-name "$WF" --type ON_DEMAND \
  --actions "JobName=$WF-extract"
eglue create-trigger --name "$WF-after-extract" --workflow-name "$WF" --type CONDITIONAL \
  --start-on-creation \
  --predicate "{\"Conditions\":[{\"LogicalOperator\":\"EQUALS\",\"JobName\":\"$WF-extract\",\"State\":\"SUCCEEDED\"}]}" \
  --actions "JobName=$WF-load"
eglue get-workflow --name "$WF" --include-graph --query 'Workflow.Graph.Nodes[].Name' --output text

# Start a run and follow it to its end (exit 0 only if every job SUCCEEDED).
epoxy run "$WF" --endpoint "$EPOXY" --run-properties day=2026-01-01 --wait --timeout 5m
