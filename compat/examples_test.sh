#!/usr/bin/env bash
# Runs every example in examples/ against a running Epoxy, so the README's
# snippets cannot rot: quickstart.sh (AWS CLI + `epoxy run`), quickstart.py
# (boto3), events.sh (EVENT trigger + `epoxy notify-event`) and blueprint.sh
# (blueprint registered, run, its workflow run with `epoxy run`). Each must
# exit 0. Workflow names carry a per-run prefix so reruns do not collide.
#
# Protocol as the other suites: "ok - ..." / "not ok - ..." lines, then
# "examples: N passed, M failed". Needs EPOXY_ENDPOINT, the AWS CLI, python3
# with boto3, and `epoxy` on PATH (run.sh puts the built one there).

set -uo pipefail

: "${EPOXY_ENDPOINT:?EPOXY_ENDPOINT must be set (see compat/run.sh)}"
export EPOXY="$EPOXY_ENDPOINT"
passed=0
failed=0
P="ex$$x${RANDOM}"
examples="$(cd "$(dirname "$0")/../examples" && pwd)"

# shellcheck source=compat/lib.sh
source "$(dirname "$0")/lib.sh"

check_example() {
    local desc=$1 out rc
    shift
    out=$("$@" 2>&1)
    rc=$?
    if [ $rc -eq 0 ]; then
        ok "$desc"
    else
        not_ok "$desc" "exit $rc: $out"
    fi
}

check_example "examples/quickstart.sh creates and runs the quickstart workflow" bash "$examples/quickstart.sh" "${P}-nightly"
check_example "examples/quickstart.py (boto3) creates and runs the quickstart workflow" python3 "$examples/quickstart.py" "${P}-nightly-py"
check_example "examples/events.sh: an event starts a run through the EVENT trigger" bash "$examples/events.sh" "${P}-on-upload"
check_example "examples/blueprint.sh: the blueprint's workflow runs" bash "$examples/blueprint.sh" "${P}-from-bp"

echo "examples: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
