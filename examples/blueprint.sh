#!/usr/bin/env bash
# Blueprints: zips examples/blueprint/nightly_bp, registers it, runs it to
# create a workflow, and runs that workflow with `epoxy run`.
#
# Usage: EPOXY=http://127.0.0.1:4747 bash examples/blueprint.sh [WORKFLOW]
set -euo pipefail

EPOXY=${EPOXY:-${EPOXY_ENDPOINT:-http://127.0.0.1:4747}}
WF=${1:-from-blueprint}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-test} AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-test}
export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-us-east-1}

eglue() { aws --endpoint-url "$EPOXY" glue "$@"; }

zip=$(mktemp -d)/nightly_bp.zip
(cd "$here/blueprint" && python3 -c 'import sys, zipfile, os
with zipfile.ZipFile(sys.argv[1], "w") as z:
    for f in sorted(os.listdir("nightly_bp")):
        z.write(os.path.join("nightly_bp", f))' "$zip")

eglue create-blueprint --name "$WF-bp" --blueprint-location "$zip"
for _ in $(seq 300); do
  status=$(eglue get-blueprint --name "$WF-bp" --query Blueprint.Status --output text)
  [ "$status" = ACTIVE ] && break
  [ "$status" = FAILED ] && { eglue get-blueprint --name "$WF-bp"; exit 1; }
  sleep 0.2
done
run=$(eglue start-blueprint-run --blueprint-name "$WF-bp" --role-arn arn:aws:iam::123456789012:role/glue \
  --parameters "{\"WorkflowName\":\"$WF\",\"ScriptDir\":\"$here/jobs\"}" --query RunId --output text)
for _ in $(seq 300); do
  state=$(eglue get-blueprint-run --blueprint-name "$WF-bp" --run-id "$run" --query BlueprintRun.State --output text)
  [ "$state" = SUCCEEDED ] && break
  [ "$state" = FAILED ] && { eglue get-blueprint-run --blueprint-name "$WF-bp" --run-id "$run"; exit 1; }
  sleep 0.2
done
epoxy run "$WF" --endpoint "$EPOXY" --run-properties day=2026-01-01 --wait --timeout 5m
