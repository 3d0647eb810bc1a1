#!/usr/bin/env bash
# Job output through the CloudWatch Logs API, read with the AWS CLI v1, the
# AWS CLI v2 (Debian's awscli package at /usr/bin/aws, which .ci/run
# installs: `aws logs tail` and `aws logs tail --follow` exist only in v2)
# and boto3.
#
# Runs a pythonshell job that prints three lines to stdout and one to
# stderr, then checks: GetJobRun's LogGroupName is /aws-glue/python-jobs;
# describe-log-groups lists /aws-glue/python-jobs/output and /error;
# describe-log-streams lists the job run id; get-log-events returns the
# printed lines in order, one event per line, with non-decreasing
# timestamps within the run's time; the error group holds the stderr line;
# filter-log-events with a quoted phrase returns only the matching line;
# boto3's filter_log_events paginator (limit 1) returns every line, and
# get_log_events a missing stream answers ResourceNotFoundException.
#
# Last line: "logs: N passed, M failed". Needs EPOXY_ENDPOINT (run.sh).

set -uo pipefail

: "${EPOXY_ENDPOINT:?EPOXY_ENDPOINT must be set (see compat/run.sh)}"

passed=0
failed=0
P="logs$$x${RANDOM}"
REGION=us-east-1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

glue() { aws --endpoint-url "$EPOXY_ENDPOINT" --region "$REGION" glue "$@"; }
logs() { aws --endpoint-url "$EPOXY_ENDPOINT" --region "$REGION" logs "$@"; }

# shellcheck source=compat/lib.sh
source "$(dirname "$0")/lib.sh"

cat >"$tmp/job.py" <<'PY'
import sys
print("hello from line 1")
print("hello from line 2")
print("goodbye from line 3")
print("warning: on stderr", file=sys.stderr)
PY

glue create-job --name "$P-job" --role arn:aws:iam::123456789012:role/GlueRole \
    --command "Name=pythonshell,ScriptLocation=$tmp/job.py" >/dev/null
run=$(glue start-job-run --job-name "$P-job" --query JobRunId --output text)
state=""
for _ in $(seq 600); do
    state=$(glue get-job-run --job-name "$P-job" --run-id "$run" --query JobRun.JobRunState --output text)
    case $state in SUCCEEDED | FAILED | ERROR | TIMEOUT | STOPPED) break ;; esac
    sleep 0.1
done
check_eq "the job run succeeded" SUCCEEDED echo "$state"
check_eq "GetJobRun LogGroupName is Glue's for pythonshell" /aws-glue/python-jobs \
    glue get-job-run --job-name "$P-job" --run-id "$run" --query JobRun.LogGroupName --output text

check_py "describe-log-groups lists the python-jobs groups" \
    '{"/aws-glue/python-jobs/output", "/aws-glue/python-jobs/error"} <= {g["logGroupName"] for g in d["logGroups"]}' \
    logs describe-log-groups --log-group-name-prefix /aws-glue/python-jobs
check_py "describe-log-streams lists the job run" \
    "'$run' in [s['logStreamName'] for s in d['logStreams']]" \
    logs describe-log-streams --log-group-name /aws-glue/python-jobs/output
started=$(glue get-job-run --job-name "$P-job" --run-id "$run" --query 'JobRun.StartedOn' --output text)
check_py "get-log-events returns the printed lines, one event each, in time order" \
    '[e["message"] for e in d["events"]] == ["hello from line 1", "hello from line 2", "goodbye from line 3"] and [e["timestamp"] for e in d["events"]] == sorted(e["timestamp"] for e in d["events"])' \
    logs get-log-events --log-group-name /aws-glue/python-jobs/output --log-stream-name "$run" --start-from-head
check_py "event timestamps are within the job run" \
    "all(e['timestamp'] >= int(float('$started') * 1000) - 1000 for e in d['events'])" \
    logs get-log-events --log-group-name /aws-glue/python-jobs/output --log-stream-name "$run"
check_py "the error group holds stderr" \
    '[e["message"] for e in d["events"]] == ["warning: on stderr"]' \
    logs get-log-events --log-group-name /aws-glue/python-jobs/error --log-stream-name "$run"
check_py "filter-log-events matches a quoted phrase" \
    '[e["message"] for e in d["events"]] == ["hello from line 2"]' \
    logs filter-log-events --log-group-name /aws-glue/python-jobs/output --log-stream-names "$run" \
    --filter-pattern '"from line 2"'
check_eq "boto3 filter_log_events paginates through every line" \
    "hello from line 1|hello from line 2|goodbye from line 3" \
    python3 -c '
import sys, boto3
c = boto3.client("logs", endpoint_url=sys.argv[1], region_name="us-east-1")
pages = c.get_paginator("filter_log_events").paginate(logGroupName="/aws-glue/python-jobs/output",
    logStreamNames=[sys.argv[2]], PaginationConfig={"PageSize": 1})
print("|".join(e["message"] for p in pages for e in p["events"]))' "$EPOXY_ENDPOINT" "$run"
check_eq "boto3 filter_log_events with terms" "hello from line 1|hello from line 2" \
    python3 -c '
import sys, boto3
c = boto3.client("logs", endpoint_url=sys.argv[1], region_name="us-east-1")
r = c.filter_log_events(logGroupName="/aws-glue/python-jobs/output", logStreamNames=[sys.argv[2]], filterPattern="hello -goodbye")
print("|".join(e["message"] for e in r["events"]))' "$EPOXY_ENDPOINT" "$run"
check_eq "a missing stream is ResourceNotFoundException" ResourceNotFoundException \
    python3 -c '
import sys, boto3, botocore.exceptions
c = boto3.client("logs", endpoint_url=sys.argv[1], region_name="us-east-1")
try:
    c.get_log_events(logGroupName="/aws-glue/python-jobs/output", logStreamName="jr_missing")
    print("no error")
except botocore.exceptions.ClientError as e:
    print(e.response["Error"]["Code"])' "$EPOXY_ENDPOINT"

# AWS CLI v2: `aws logs tail`, once and with --follow.
AWS2=""
if [ -x /usr/bin/aws ] && /usr/bin/aws --version 2>&1 | grep -q '^aws-cli/2'; then
    AWS2=/usr/bin/aws
fi
if [ -z "$AWS2" ]; then
    not_ok "aws logs tail (AWS CLI v2)" "no AWS CLI v2 at /usr/bin/aws: install Debian's awscli package"
else
    logs2() { "$AWS2" --endpoint-url "$EPOXY_ENDPOINT" --region "$REGION" logs "$@"; }
    check_eq "aws logs tail (CLI v2) prints the job's lines in order" \
        "hello from line 1|hello from line 2|goodbye from line 3" \
        bash -c 'set -o pipefail; "$@" | sed -E "s/^[^ ]+ //" | paste -sd "|" -' _ \
        "$AWS2" --endpoint-url "$EPOXY_ENDPOINT" --region "$REGION" logs tail /aws-glue/python-jobs/output \
        --log-stream-names "$run" --since 1d --format short
    logs2 tail /aws-glue/python-jobs/output --follow --since 1m --format short >"$tmp/follow.out" 2>&1 &
    follow=$!
    cat >"$tmp/later.py" <<'PY'
print("a line written while aws logs tail follows")
PY
    glue create-job --name "$P-later" --role arn:aws:iam::123456789012:role/GlueRole \
        --command "Name=pythonshell,ScriptLocation=$tmp/later.py" >/dev/null
    glue start-job-run --job-name "$P-later" >/dev/null
    seen=""
    for _ in $(seq 1200); do # the CLI polls every 5 s; this bound only catches a hang
        grep -q "a line written while aws logs tail follows" "$tmp/follow.out" && { seen=1; break; }
        kill -0 "$follow" 2>/dev/null || break
        sleep 0.1
    done
    kill "$follow" 2>/dev/null
    wait "$follow" 2>/dev/null
    if [ -n "$seen" ]; then
        ok "aws logs tail --follow (CLI v2) shows a line a job writes later"
    else
        not_ok "aws logs tail --follow (CLI v2) shows a line a job writes later" "$(cat "$tmp/follow.out")"
    fi
    glue delete-job --job-name "$P-later" >/dev/null
fi

glue delete-job --job-name "$P-job" >/dev/null
echo "logs: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
