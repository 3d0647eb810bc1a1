#!/usr/bin/env bash
# Events: creates a workflow whose EVENT trigger starts a job, delivers an
# event with `epoxy notify-event`, and waits for the run it starts.
#
# Usage: EPOXY=http://127.0.0.1:4747 bash examples/events.sh [WORKFLOW]
set -euo pipefail

EPOXY=${EPOXY:-${EPOXY_ENDPOINT:-http://127.0.0.1:4747}}
WF=${1:-on-upload}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-test} AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-test}
export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-us-east-1}

eglue() { aws --endpoint-url "$EPOXY" glue "$@"; }

eglue create-workflow --name "$WF"
eglue create-job --name "$WF-extract" --role arn:aws:iam::123456789012:role/glue \
  --command "Name=pythonshell,ScriptLocation=$here/jobs/extract.py"
# Every event starts a run (BatchSize 1); the trigger must be ACTIVATED.
eglue create-trigger --name "$WF-on-event" --workflow-name "$WF" --type EVENT \
  --event-batching-condition BatchSize=1 --start-on-creation --actions "JobName=$WF-extract"

epoxy notify-event --endpoint "$EPOXY" --workflow "$WF" --event-id upload-1

for _ in $(seq 300); do
  status=$(eglue get-workflow-runs --name "$WF" --query 'Runs[0].Status' --output text)
  if [ "$status" = COMPLETED ]; then
    eglue get-workflow-runs --name "$WF" --query 'Runs[0].[WorkflowRunId,Status,WorkflowRunProperties."aws:eventIds"]' --output text
    exit 0
  fi
  sleep 0.5
done
echo "the event's run did not complete (last status: $status)" >&2
exit 1
