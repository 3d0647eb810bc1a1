#!/usr/bin/env bash
# Epoxy compatibility suite: real AWS clients against a real `epoxy serve`.
#
# Builds epoxy into a temporary directory, starts it on a free local port
# with a fresh data directory, then runs
#   compat/cli_test.sh    - the AWS CLI (`aws glue ...`)
#   compat/boto3_test.py  - boto3 (unittest)
#   compat/boto3_workflow_test.py - boto3: a multi-job workflow run to COMPLETED
#   compat/boto3_fidelity_test.py - boto3: where Epoxy answers as AWS Glue does
#                                   in detail (ValidationException, capacity,
#                                   job-run records, graphs, bookmarks, ...)
#   compat/auth_test.sh   - the JS SDK v3 against a second server run with
#                           --auth sigv4 (compat/js/auth_test.mjs)
#   compat/js/glue_test.mjs - the AWS SDK for JavaScript v3: exception classes
#                             (installed into compat/js with `npm ci` from the
#                             committed package-lock.json when missing)
#   compat/boto3_catalog_test.py - boto3: the Data Catalog's main flows
#   compat/cli_blueprint_test.sh - the AWS CLI: blueprints registered and run
#   compat/logs_test.sh   - the AWS CLI and boto3: job output through the Logs API
#   compat/examples_test.sh - every script in examples/ (the README's snippets)
#   compat/ui/ui.test.mjs - the web UI in headless chromium (playwright-core;
#                           `npm ci` installs it when compat/ui/node_modules is missing)
#   compat/s3_test.sh     - the AWS CLI: `aws s3` against the built-in S3
#   compat/boto3_s3_test.py - boto3: the built-in S3, multipart included
#   compat/boto3_definitions_test.py - boto3: classifiers, user-defined functions, ListCrawls filters
# and prints, as its last line, "compat: N passed, M failed" (test cases of
# both suites). Exits non-zero if anything failed, including a suite that
# crashed before reporting its counts. The server is stopped on exit.
#
# Usage, from the repository root:  bash compat/run.sh
# Requires: go, python3 with boto3, the AWS CLI (`aws`) on PATH, and for the
# UI suite node, npm and chromium (/usr/bin/chromium, or $CHROMIUM).

set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
compat="$repo/compat"
cd "$repo"

die() {
    echo "compat: FAIL: $*" >&2
    echo "compat: 0 passed, 1 failed"
    exit 1
}

command -v aws >/dev/null 2>&1 || die "the AWS CLI ('aws') is not on PATH; install awscli to run the compatibility suite"
command -v python3 >/dev/null 2>&1 || die "python3 is not on PATH"
python3 -c 'import boto3' >/dev/null 2>&1 || die "python3 cannot import boto3; install boto3 to run the compatibility suite"
command -v go >/dev/null 2>&1 || die "go is not on PATH; it is needed to build epoxy"
command -v node >/dev/null 2>&1 || die "node is not on PATH; it runs the JavaScript SDK check"
command -v npm >/dev/null 2>&1 || die "npm is not on PATH; it installs the JavaScript SDK (compat/js)"
if [ ! -d "$compat/js/node_modules/@aws-sdk/client-glue" ]; then
    echo "# installing the JavaScript SDK into compat/js (npm ci)"
    (cd "$compat/js" && npm ci --no-audit --no-fund) || die "npm ci in compat/js failed"
fi

start=$(date +%s)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/epoxy-compat.XXXXXX")
server_pid=""

cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "# building epoxy"
go build -o "$tmp/epoxy" ./cmd/epoxy || die "go build ./cmd/epoxy failed"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
"$tmp/epoxy" serve --addr "127.0.0.1:$port" --data "$tmp/data" >"$tmp/server.log" 2>&1 &
server_pid=$!

export EPOXY_ENDPOINT="http://127.0.0.1:$port"
export PATH="$tmp:$PATH" # the examples call `epoxy run` and `epoxy notify-event`
export AWS_ACCESS_KEY_ID=test
export AWS_SECRET_ACCESS_KEY=test
export AWS_DEFAULT_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true
export AWS_PAGER=
# Keep a developer's ~/.aws profile settings out of the way.
export AWS_CONFIG_FILE=/dev/null
export AWS_SHARED_CREDENTIALS_FILE=/dev/null
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_ENDPOINT_URL_GLUE || true

# Wait (at most ~10 s) for /healthz.
ready=""
for _ in $(seq 100); do
    if ! kill -0 "$server_pid" 2>/dev/null; then
        sed 's/^/# server: /' "$tmp/server.log" >&2
        die "epoxy serve exited during startup"
    fi
    if python3 -c 'import sys, urllib.request; sys.exit(0 if urllib.request.urlopen(sys.argv[1], timeout=1).status == 200 else 1)' \
        "$EPOXY_ENDPOINT/healthz" >/dev/null 2>&1; then
        ready=1
        break
    fi
    sleep 0.1
done
if [ -z "$ready" ]; then
    sed 's/^/# server: /' "$tmp/server.log" >&2
    die "epoxy did not answer $EPOXY_ENDPOINT/healthz within 10 s"
fi
echo "# epoxy listening on $EPOXY_ENDPOINT"

# run_suite LABEL CMD...: runs one suite, echoing its output and its time,
# and appends "PASSED FAILED" to $tmp/counts from its last "LABEL: N passed,
# M failed" line. A suite that exits non-zero without reporting failures, or
# reports nothing, counts one failure.
run_suite() {
    local label=$1 rc=0 line p f t0=$SECONDS
    shift
    echo "# ---- $label ----"
    "$@" 2>&1 | tee "$tmp/$label.out" || rc=$?
    echo "# $label took $((SECONDS - t0)) s"
    line=$(grep -E "^$label: [0-9]+ passed, [0-9]+ failed$" "$tmp/$label.out" | tail -n 1 || true)
    if [ -z "$line" ]; then
        echo "# $label: suite did not report its counts (exit $rc)"
        echo "0 1" >>"$tmp/counts"
        return
    fi
    p=$(sed -E 's/^.*: ([0-9]+) passed, ([0-9]+) failed$/\1/' <<<"$line")
    f=$(sed -E 's/^.*: ([0-9]+) passed, ([0-9]+) failed$/\2/' <<<"$line")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "# $label: exited $rc although it reported no failures"
        f=1
    fi
    echo "$p $f" >>"$tmp/counts"
}

# The suites run in two lanes side by side against the one server (each
# suite names what it creates after itself, so they do not meet); a lane's
# output is printed whole once both are done.
lane_api() {
    run_suite cli bash "$compat/cli_test.sh"
    run_suite boto3 python3 "$compat/boto3_test.py"
    run_suite boto3 python3 "$compat/boto3_workflow_test.py"
    run_suite boto3-fidelity python3 "$compat/boto3_fidelity_test.py"
    run_suite js env NODE_NO_WARNINGS=1 node "$compat/js/glue_test.mjs"
    run_suite auth bash "$compat/auth_test.sh"
    run_suite boto3-catalog python3 "$compat/boto3_catalog_test.py"
    run_suite boto3-definitions python3 "$compat/boto3_definitions_test.py"
    run_suite s3 bash "$compat/s3_test.sh"
    run_suite boto3-s3 python3 "$compat/boto3_s3_test.py"
}
lane_runs() {
    run_suite cli-blueprint bash "$compat/cli_blueprint_test.sh"
    run_suite logs bash "$compat/logs_test.sh"
    run_suite examples bash "$compat/examples_test.sh"
    if [ ! -d "$compat/ui/node_modules/playwright-core" ]; then
        (cd "$compat/ui" && npm ci --no-audit --no-fund >/dev/null) || echo "# ui: npm ci failed"
    fi
    run_suite ui node "$compat/ui/ui.test.mjs"
}
: >"$tmp/counts"
lane_api >"$tmp/lane-api.log" 2>&1 &
api_lane=$!
lane_runs >"$tmp/lane-runs.log" 2>&1 &
runs_lane=$!
wait "$api_lane" || true
wait "$runs_lane" || true
cat "$tmp/lane-api.log" "$tmp/lane-runs.log"
total_pass=$(awk '{s += $1} END {print s + 0}' "$tmp/counts")
total_fail=$(awk '{s += $2} END {print s + 0}' "$tmp/counts")
suite_failed=0
[ "$total_fail" -eq 0 ] || suite_failed=1

if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "# epoxy serve died during the run"
    suite_failed=1
    total_fail=$((total_fail + 1))
fi
if [ "$total_fail" -ne 0 ]; then
    echo "# last lines of the server log:"
    tail -n 30 "$tmp/server.log" | sed 's/^/#   /'
fi

echo "# took $(($(date +%s) - start)) s"
echo "compat: $total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ] && [ "$suite_failed" -eq 0 ]
