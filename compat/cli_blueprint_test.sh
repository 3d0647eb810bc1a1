#!/usr/bin/env bash
# AWS CLI compatibility checks for Epoxy's blueprint operations.
#
# Builds a small blueprint archive (python3's zipfile; no `zip` binary
# needed) and drives `aws --endpoint-url "$EPOXY_ENDPOINT" glue <op>`:
#   create-blueprint --blueprint-location <absolute path>, get-blueprint
#   (polled until ACTIVE; --include-parameter-spec, --include-blueprint),
#   start-blueprint-run (polled with get-blueprint-run until SUCCEEDED),
#   get-blueprint-runs, get-workflow (BlueprintDetails, graph), a run of the
#   created workflow to COMPLETED, list-blueprints (--tags), batch-get-blueprints
#   (MissingBlueprints), start-blueprint-run refusals (InvalidInputException,
#   ValidationException, EntityNotFoundException), update-blueprint (to a new version, then to a
#   broken one: FAILED, LastActiveDefinition kept), delete-blueprint.
#
# Protocol (as cli_test.sh): one line per check, "ok - <desc>" or
# "not ok - <desc>" (followed by "#"-prefixed diagnostics), and as the very
# last line "cli-blueprint: N passed, M failed". Exit status is 0 only when
# nothing failed.
#
# Needs EPOXY_ENDPOINT and AWS credentials/region in the environment (run.sh
# sets them), python3 and the AWS CLI. Names carry a per-run prefix.
# CLI_BLUEPRINT_WAIT_SECONDS (default 30) bounds each wait for a state.

set -uo pipefail

: "${EPOXY_ENDPOINT:?EPOXY_ENDPOINT must be set (see compat/run.sh)}"

passed=0
failed=0
P="clibp$$x${RANDOM}"
REGION=us-east-1
ROLE="arn:aws:iam::123456789012:role/x"
WAIT_SECONDS=${CLI_BLUEPRINT_WAIT_SECONDS:-30}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/epoxy-cli-blueprint.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

glue() { aws --endpoint-url "$EPOXY_ENDPOINT" --region "$REGION" glue "$@"; }

# shellcheck source=compat/lib.sh
source "$(dirname "$0")/lib.sh"

# wait_for DESC WANT STOP CMD...: runs CMD (which prints one word) every
# 0.2 s until it prints WANT (ok), prints STOP (not ok at once), or
# WAIT_SECONDS pass (not ok). Extra diagnostics come from $WAIT_DIAG, a
# command run on failure.
wait_for() {
    local desc=$1 want=$2 stop=$3 out="" deadline
    shift 3
    deadline=$(($(date +%s) + WAIT_SECONDS))
    while :; do
        out=$("$@" 2>&1)
        if [ "$out" = "$want" ]; then
            ok "$desc"
            return 0
        fi
        if [ "$out" = "$stop" ] || [ "$(date +%s)" -ge "$deadline" ]; then
            not_ok "$desc" "last answer: $out"$'\n'"$(${WAIT_DIAG:-true} 2>&1)"
            return 1
        fi
        sleep 0.2
    done
}

# make_blueprint ZIP VERSION CFG: writes a blueprint archive (folder clibp/
# with blueprint.cfg and layout.py) whose generator builds the workflow
# WorkflowName with jobs extract -> load running the Script parameter, and
# the workflow Description VERSION.
make_blueprint() {
    python3 - "$1" "$2" "$3" <<'PY'
import sys, zipfile
path, version, cfg = sys.argv[1:4]
layout = '''from awsglue.blueprint.workflow import *
from awsglue.blueprint.job import *


def generate_layout(user_params, system_params):
    command = {"Name": "pythonshell", "ScriptLocation": user_params["Script"]}
    extract = Job(Name="extract", Role=user_params["Role"], Command=command)
    load = Job(Name="load", Role=user_params["Role"], Command=command, DependsOn={extract: "SUCCEEDED"})
    return Workflow(Name=user_params["WorkflowName"], Description="%s",
                    Entities=Entities(Jobs=[extract, load]))
''' % version
with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("clibp/", "")
    z.writestr("clibp/blueprint.cfg", cfg)
    z.writestr("clibp/layout.py", layout)
PY
}

CFG='{"layoutGenerator": "clibp.layout.generate_layout", "parameterSpec": {
  "WorkflowName": {"type": "String", "description": "workflow to create"},
  "Script": {"type": "String"},
  "Role": {"type": "IAMRoleArn", "defaultValue": "arn:aws:iam::123456789012:role/glue"}}}'

BP="${P}-bp"
WF="${P}-wf"
ZIP="$tmp/blueprint.zip"
ZIP2="$tmp/blueprint-v2.zip"
BROKEN="$tmp/broken.zip"
SCRIPT="$tmp/job.py"
printf 'print("ok")\n' >"$SCRIPT"

echo "# prefix $P, endpoint $EPOXY_ENDPOINT"

if ! make_blueprint "$ZIP" v1 "$CFG" || ! make_blueprint "$ZIP2" v2 "$CFG" \
    || ! make_blueprint "$BROKEN" broken '{"layoutGenerator": "clibp.layout.generate_layout",'; then
    not_ok "build the blueprint archives with python3 zipfile"
    echo "cli-blueprint: $passed passed, $failed failed"
    exit 1
fi

# --- registration ----------------------------------------------------------------
check_eq "create-blueprint --blueprint-location <absolute path> returns its Name" "$BP" \
    glue create-blueprint --name "$BP" --blueprint-location "$ZIP" --description "cli blueprint" \
    --tags "suite=${P}" --query Name --output text
WAIT_DIAG="glue get-blueprint --name $BP --output json"
wait_for "get-blueprint reaches ACTIVE" ACTIVE FAILED \
    glue get-blueprint --name "$BP" --query Blueprint.Status --output text
check_err "create-blueprint with the same name: AlreadyExistsException" AlreadyExistsException \
    glue create-blueprint --name "$BP" --blueprint-location "$ZIP"
check_py "get-blueprint: location, description, no ParameterSpec or service location by default" \
    "d['Blueprint']['BlueprintLocation'] == '$ZIP' and d['Blueprint']['Description'] == 'cli blueprint' and 'ParameterSpec' not in d['Blueprint'] and 'BlueprintServiceLocation' not in d['Blueprint'] and d['Blueprint']['LastActiveDefinition']['BlueprintLocation'] == '$ZIP'" \
    glue get-blueprint --name "$BP" --output json
check_py "get-blueprint --include-parameter-spec: ParameterSpec is a JSON string, five keys per parameter" \
    "(lambda s: list(s) == ['WorkflowName', 'Script', 'Role'] and all(list(p) == ['type', 'collection', 'description', 'defaultValue', 'allowedValues'] for p in s.values()) and s['WorkflowName']['description'] == 'workflow to create' and s['Role']['defaultValue'] == 'arn:aws:iam::123456789012:role/glue' and s['Script']['collection'] is False)(json.loads(d['Blueprint']['ParameterSpec']))" \
    glue get-blueprint --name "$BP" --include-parameter-spec --output json
check_py "get-blueprint --include-blueprint: BlueprintServiceLocation is the registered copy" \
    "d['Blueprint']['BlueprintServiceLocation'].startswith('file://') and 'ParameterSpec' not in d['Blueprint']" \
    glue get-blueprint --name "$BP" --include-blueprint --output json

# --- runs ------------------------------------------------------------------------
PARAMS="{\"WorkflowName\": \"$WF\", \"Script\": \"$SCRIPT\"}"
RUN=$(glue start-blueprint-run --blueprint-name "$BP" --parameters "$PARAMS" --role-arn "$ROLE" \
    --query RunId --output text 2>&1)
if [ $? -eq 0 ] && [ -n "$RUN" ]; then
    ok "start-blueprint-run returns a RunId"
else
    not_ok "start-blueprint-run returns a RunId" "$RUN"
    RUN=none
fi
WAIT_DIAG="glue get-blueprint-run --blueprint-name $BP --run-id $RUN --output json"
wait_for "get-blueprint-run reaches SUCCEEDED" SUCCEEDED FAILED \
    glue get-blueprint-run --blueprint-name "$BP" --run-id "$RUN" --query BlueprintRun.State --output text
check_py "get-blueprint-run: WorkflowName, RoleArn, Parameters verbatim, times" \
    "(lambda r: r['WorkflowName'] == '$WF' and r['RoleArn'] == '$ROLE' and json.loads(r['Parameters']) == json.loads('''$PARAMS''') and r['CompletedOn'] >= r['StartedOn'])(d['BlueprintRun'])" \
    glue get-blueprint-run --blueprint-name "$BP" --run-id "$RUN" --output json
check_py "get-blueprint-runs lists the run" \
    "[(r['RunId'], r['State']) for r in d['BlueprintRuns']] == [('$RUN', 'SUCCEEDED')]" \
    glue get-blueprint-runs --blueprint-name "$BP" --output json
check_py "get-workflow shows BlueprintDetails of the run" \
    "d['Workflow']['BlueprintDetails'] == {'BlueprintName': '$BP', 'RunId': '$RUN'} and d['Workflow']['Description'] == 'v1'" \
    glue get-workflow --name "$WF" --output json
check_py "get-workflow --include-graph: suffixed jobs and the generated triggers" \
    "(lambda names: len(names) == 4 and any(n.startswith('extract_') for n in names) and '${WF}_starting_trigger' in names and any(n.startswith('${WF}_load_') and n.endswith('_trigger') for n in names))([n['Name'] for n in d['Workflow']['Graph']['Nodes']])" \
    glue get-workflow --name "$WF" --include-graph --output json

WR=$(glue start-workflow-run --name "$WF" --query RunId --output text 2>&1)
if [ $? -eq 0 ] && [ -n "$WR" ]; then
    ok "start-workflow-run on the created workflow"
else
    not_ok "start-workflow-run on the created workflow" "$WR"
    WR=none
fi
WAIT_DIAG="glue get-workflow-run --name $WF --run-id $WR --output json"
wait_for "the created workflow's run reaches COMPLETED" COMPLETED ERROR \
    glue get-workflow-run --name "$WF" --run-id "$WR" --query Run.Status --output text
check_eq "both jobs of the created workflow succeeded" "2" \
    glue get-workflow-run --name "$WF" --run-id "$WR" --query Run.Statistics.SucceededActions --output text

check_err "start-blueprint-run without a mandatory parameter: InvalidInputException" InvalidInputException \
    glue start-blueprint-run --blueprint-name "$BP" --parameters "{\"WorkflowName\": \"${P}-x\"}" --role-arn "$ROLE"
check_err "start-blueprint-run with an unknown parameter: InvalidInputException" InvalidInputException \
    glue start-blueprint-run --blueprint-name "$BP" --role-arn "$ROLE" \
    --parameters "{\"WorkflowName\": \"${P}-x\", \"Script\": \"/x.py\", \"Nope\": 1}"
check_err "start-blueprint-run with a bad role ARN: ValidationException (the model's pattern)" \
    "ValidationException) when calling the StartBlueprintRun operation: 1 validation error detected: Value 'not-a-role' at 'roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws[^:]*:iam::[0-9]*:role/.+" \
    glue start-blueprint-run --blueprint-name "$BP" --parameters "$PARAMS" --role-arn "not-a-role"
check_err "start-blueprint-run of a missing blueprint: EntityNotFoundException" EntityNotFoundException \
    glue start-blueprint-run --blueprint-name "${P}-none" --parameters "$PARAMS" --role-arn "$ROLE"

# --- listing -----------------------------------------------------------------------
check_py "list-blueprints includes the blueprint" "'$BP' in d['Blueprints']" \
    glue list-blueprints --output json
check_py "list-blueprints --tags returns only the tagged blueprint" "d['Blueprints'] == ['$BP']" \
    glue list-blueprints --tags "suite=${P}" --output json
check_py "batch-get-blueprints splits found and MissingBlueprints" \
    "[b['Name'] for b in d['Blueprints']] == ['$BP'] and d['MissingBlueprints'] == ['${P}-missing']" \
    glue batch-get-blueprints --names "$BP" "${P}-missing" --output json

# --- updates ----------------------------------------------------------------------
check_eq "update-blueprint to a new version returns its Name" "$BP" \
    glue update-blueprint --name "$BP" --blueprint-location "$ZIP2" --query Name --output text
WAIT_DIAG="glue get-blueprint --name $BP --output json"
wait_for "get-blueprint reaches ACTIVE after update-blueprint" ACTIVE FAILED \
    glue get-blueprint --name "$BP" --query Blueprint.Status --output text
check_eq "LastActiveDefinition is the new version" "$ZIP2" \
    glue get-blueprint --name "$BP" --query Blueprint.LastActiveDefinition.BlueprintLocation --output text
check_ok "update-blueprint to a broken version is accepted" \
    glue update-blueprint --name "$BP" --blueprint-location "$BROKEN"
wait_for "get-blueprint reaches FAILED after the broken update" FAILED ACTIVE \
    glue get-blueprint --name "$BP" --query Blueprint.Status --output text
check_py "the broken version has an ErrorMessage and LastActiveDefinition keeps the good one" \
    "'invalid JSON' in d['Blueprint']['ErrorMessage'] and d['Blueprint']['LastActiveDefinition']['BlueprintLocation'] == '$ZIP2'" \
    glue get-blueprint --name "$BP" --output json
RUN2=$(glue start-blueprint-run --blueprint-name "$BP" --role-arn "$ROLE" \
    --parameters "{\"WorkflowName\": \"${WF}2\", \"Script\": \"$SCRIPT\"}" --query RunId --output text 2>&1)
if [ $? -eq 0 ] && [ -n "$RUN2" ]; then
    ok "start-blueprint-run after the broken update"
else
    not_ok "start-blueprint-run after the broken update" "$RUN2"
    RUN2=none
fi
WAIT_DIAG="glue get-blueprint-run --blueprint-name $BP --run-id $RUN2 --output json"
wait_for "a run after the broken update SUCCEEDS with the last good version" SUCCEEDED FAILED \
    glue get-blueprint-run --blueprint-name "$BP" --run-id "$RUN2" --query BlueprintRun.State --output text
check_eq "that run's workflow comes from the last good version" "v2" \
    glue get-workflow --name "${WF}2" --query Workflow.Description --output text
check_eq "get-blueprint-runs lists both runs, newest first" "$RUN2"$'\t'"$RUN" \
    glue get-blueprint-runs --blueprint-name "$BP" --query 'BlueprintRuns[].RunId' --output text

# --- deletes ----------------------------------------------------------------------
check_eq "delete-blueprint returns its Name" "$BP" \
    glue delete-blueprint --name "$BP" --query Name --output text
check_err "get-blueprint after delete-blueprint: EntityNotFoundException" EntityNotFoundException \
    glue get-blueprint --name "$BP"
check_eq "delete-blueprint of a deleted blueprint succeeds" "$BP" \
    glue delete-blueprint --name "$BP" --query Name --output text
check_eq "the workflow a run created outlives the blueprint" "$BP" \
    glue get-workflow --name "$WF" --query Workflow.BlueprintDetails.BlueprintName --output text

# Leave nothing behind: the created workflows and their jobs.
for wf in "$WF" "${WF}2"; do
    for job in $(glue get-workflow --name "$wf" --include-graph \
        --query "Workflow.Graph.Nodes[?Type=='JOB'].Name" --output text 2>/dev/null); do
        glue delete-job --job-name "$job" >/dev/null 2>&1 || true
    done
    glue delete-workflow --name "$wf" >/dev/null 2>&1 || true
done

echo "cli-blueprint: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
