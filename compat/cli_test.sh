#!/usr/bin/env bash
# AWS CLI compatibility checks for Epoxy's Glue API.
#
# Drives `aws --endpoint-url "$EPOXY_ENDPOINT" glue <op>` against a running
# Epoxy and checks each answer. Covers:
#   workflows: create, update, get (--include-graph: nodes and edges), list,
#              batch-get (MissingWorkflows), delete (existing and missing)
#   jobs:      create, update, get, get-jobs, list-jobs --tags, batch-get, delete
#   triggers:  create (ON_DEMAND in a workflow, CONDITIONAL --start-on-creation
#              with a predicate, SCHEDULED cron(...)), update, get,
#              get-triggers --dependent-job-name, list, batch-get,
#              start/stop (ACTIVATED/DEACTIVATED), delete
#   crawlers:  create (S3 target), update, get, get-crawlers, list, batch-get,
#              delete
#   tags:      tag-resource, untag-resource, get-tags on workflow and job ARNs
#   errors:    exit status 254/255 with EntityNotFoundException (get-workflow of
#              a missing name) and ValidationException (256-character name, AWS's
#              exact message)
#
# Protocol: one line per check, "ok - <desc>" or "not ok - <desc>" (followed
# by "#"-prefixed diagnostics), and as the very last line
# "cli: N passed, M failed". Exit status is 0 only when nothing failed.
#
# Needs EPOXY_ENDPOINT and AWS credentials/region in the environment (run.sh
# sets them). Every name carries a per-run prefix so reruns do not collide.

set -uo pipefail

: "${EPOXY_ENDPOINT:?EPOXY_ENDPOINT must be set (see compat/run.sh)}"

passed=0
failed=0
P="cli$$x${RANDOM}"                      # unique prefix for this run
ACCOUNT=123456789012
REGION=us-east-1
ROLE="arn:aws:iam::${ACCOUNT}:role/GlueRole"

glue() { aws --endpoint-url "$EPOXY_ENDPOINT" --region "$REGION" glue "$@"; }

# shellcheck source=compat/lib.sh
source "$(dirname "$0")/lib.sh"

WF="${P}-wf"
J1="${P}-job1"
J2="${P}-job2"
T_OD="${P}-ondemand"
T_COND="${P}-cond"
T_SCHED="${P}-sched"
CR="${P}-crawler"
WF_ARN="arn:aws:glue:${REGION}:${ACCOUNT}:workflow/${WF}"
J1_ARN="arn:aws:glue:${REGION}:${ACCOUNT}:job/${J1}"

echo "# prefix $P, endpoint $EPOXY_ENDPOINT"

# --- workflows -------------------------------------------------------------
check_eq "create-workflow returns its Name" "$WF" \
    glue create-workflow --name "$WF" --description "first" --tags "owner=cli" \
    --query Name --output text
check_ok "update-workflow succeeds" \
    glue update-workflow --name "$WF" --description "second" --max-concurrent-runs 3
check_eq "get-workflow shows the update" $'second\t3' \
    glue get-workflow --name "$WF" --query '[Workflow.Description, Workflow.MaxConcurrentRuns]' --output text
check_py "list-workflows lists the workflow" "'$WF' in d['Workflows']" \
    glue list-workflows --output json

# --- jobs --------------------------------------------------------------------
check_eq "create-job (pythonshell, tagged) returns its Name" "$J1" \
    glue create-job --name "$J1" --role "$ROLE" \
    --command "Name=pythonshell,ScriptLocation=s3://bucket/job1.py,PythonVersion=3.9" \
    --tags "team=${P}" --query Name --output text
check_eq "create-job (glueetl) returns its Name" "$J2" \
    glue create-job --name "$J2" --role "$ROLE" \
    --command "Name=glueetl,ScriptLocation=s3://bucket/job2.py" --glue-version 4.0 \
    --query Name --output text
check_eq "update-job returns JobName" "$J2" \
    glue update-job --job-name "$J2" --job-update \
    "{\"Role\":\"$ROLE\",\"Description\":\"updated\",\"Command\":{\"Name\":\"glueetl\",\"ScriptLocation\":\"s3://bucket/job2-v2.py\"},\"MaxRetries\":2}" \
    --query JobName --output text
check_py "get-job shows the update (and Glue's defaults)" \
    "d['Job']['Description'] == 'updated' and d['Job']['Command']['ScriptLocation'] == 's3://bucket/job2-v2.py' and d['Job']['MaxRetries'] == 2 and d['Job']['ExecutionProperty']['MaxConcurrentRuns'] == 1 and d['Job']['Timeout'] == 2880" \
    glue get-job --job-name "$J2" --output json
check_py "get-job of a pythonshell job defaults MaxCapacity to 0.0625" \
    "d['Job']['Name'] == '$J1' and d['Job']['Command']['Name'] == 'pythonshell' and d['Job']['MaxCapacity'] == 0.0625" \
    glue get-job --job-name "$J1" --output json
check_py "get-jobs returns both jobs" \
    "{'$J1', '$J2'} <= {j['Name'] for j in d['Jobs']}" \
    glue get-jobs --output json
check_py "list-jobs --tags returns only the tagged job" \
    "d['JobNames'] == ['$J1']" \
    glue list-jobs --tags "team=${P}" --output json
check_py "batch-get-jobs splits found and JobsNotFound" \
    "[j['Name'] for j in d['Jobs']] == ['$J1'] and d['JobsNotFound'] == ['${P}-nojob']" \
    glue batch-get-jobs --job-names "$J1" "${P}-nojob" --output json

# --- triggers ----------------------------------------------------------------
check_eq "create-trigger ON_DEMAND in a workflow" "$T_OD" \
    glue create-trigger --name "$T_OD" --workflow-name "$WF" --type ON_DEMAND \
    --actions "JobName=$J1" --query Name --output text
check_eq "create-trigger CONDITIONAL --start-on-creation with a predicate" "$T_COND" \
    glue create-trigger --name "$T_COND" --workflow-name "$WF" --type CONDITIONAL \
    --start-on-creation \
    --predicate "{\"Logical\":\"AND\",\"Conditions\":[{\"LogicalOperator\":\"EQUALS\",\"JobName\":\"$J1\",\"State\":\"SUCCEEDED\"}]}" \
    --actions "JobName=$J2" --query Name --output text
check_eq "create-trigger SCHEDULED with a cron schedule" "$T_SCHED" \
    glue create-trigger --name "$T_SCHED" --type SCHEDULED \
    --schedule "cron(15 12 * * ? *)" --actions "JobName=$J2" --query Name --output text
check_py "get-trigger of the CONDITIONAL trigger: ACTIVATED, predicate kept" \
    "d['Type'] == 'CONDITIONAL' and d['State'] == 'ACTIVATED' and d['WorkflowName'] == '$WF' and d['Predicate']['Conditions'][0]['JobName'] == '$J1' and d['Actions'] == [{'JobName': '$J2'}]" \
    glue get-trigger --name "$T_COND" --output json --query Trigger
check_py "get-trigger of the SCHEDULED trigger: CREATED with its schedule" \
    "d['Trigger']['State'] == 'CREATED' and d['Trigger']['Schedule'] == 'cron(15 12 * * ? *)'" \
    glue get-trigger --name "$T_SCHED" --output json
check_py "update-trigger changes schedule and description" \
    "d['Trigger']['Schedule'] == 'cron(30 6 * * ? *)' and d['Trigger']['Description'] == 'nightly' and d['Trigger']['Name'] == '$T_SCHED'" \
    glue update-trigger --name "$T_SCHED" --trigger-update \
    "{\"Schedule\":\"cron(30 6 * * ? *)\",\"Description\":\"nightly\",\"Actions\":[{\"JobName\":\"$J2\"}]}" \
    --output json
check_eq "get-trigger shows the update" "cron(30 6 * * ? *)" \
    glue get-trigger --name "$T_SCHED" --query Trigger.Schedule --output text
check_py "get-triggers --dependent-job-name lists the triggers that start the job" \
    "sorted(t['Name'] for t in d['Triggers']) == sorted(['$T_COND', '$T_SCHED'])" \
    glue get-triggers --dependent-job-name "$J2" --output json
check_py "list-triggers lists all three triggers" \
    "{'$T_OD', '$T_COND', '$T_SCHED'} <= set(d['TriggerNames'])" \
    glue list-triggers --output json
check_py "batch-get-triggers splits found and TriggersNotFound" \
    "sorted(t['Name'] for t in d['Triggers']) == sorted(['$T_OD', '$T_SCHED']) and d['TriggersNotFound'] == ['${P}-notrigger']" \
    glue batch-get-triggers --trigger-names "$T_OD" "$T_SCHED" "${P}-notrigger" --output json
check_eq "start-trigger on the SCHEDULED trigger returns its Name" "$T_SCHED" \
    glue start-trigger --name "$T_SCHED" --query Name --output text
check_eq "SCHEDULED trigger is ACTIVATED after start-trigger" "ACTIVATED" \
    glue get-trigger --name "$T_SCHED" --query Trigger.State --output text
check_eq "stop-trigger on the SCHEDULED trigger returns its Name" "$T_SCHED" \
    glue stop-trigger --name "$T_SCHED" --query Name --output text
check_eq "SCHEDULED trigger is DEACTIVATED after stop-trigger" "DEACTIVATED" \
    glue get-trigger --name "$T_SCHED" --query Trigger.State --output text

# --- workflow graph ------------------------------------------------------------
# Expected graph: ON_DEMAND -> job1 -> CONDITIONAL -> job2, as names.
check_py "get-workflow --include-graph has the expected nodes and edges" "$(cat <<PY
(lambda g: (lambda ids: sorted((n['Type'], n['Name']) for n in g['Nodes']) == sorted([
    ('TRIGGER', '$T_OD'), ('TRIGGER', '$T_COND'), ('JOB', '$J1'), ('JOB', '$J2')])
  and len(ids) == 4
  and sorted((ids[e['SourceId']], ids[e['DestinationId']]) for e in g['Edges']) == sorted([
    ('$T_OD', '$J1'), ('$J1', '$T_COND'), ('$T_COND', '$J2')]))
 ({n['UniqueId']: n['Name'] for n in g['Nodes']}))(d['Workflow']['Graph'])
PY
)" glue get-workflow --name "$WF" --include-graph --output json
check_py "batch-get-workflows reports MissingWorkflows" \
    "[w['Name'] for w in d['Workflows']] == ['$WF'] and d['MissingWorkflows'] == ['${P}-nowf']" \
    glue batch-get-workflows --names "$WF" "${P}-nowf" --output json

# --- crawlers ------------------------------------------------------------------
check_ok "create-crawler with an S3 target" \
    glue create-crawler --name "$CR" --role "$ROLE" --database-name "${P}_db" \
    --targets '{"S3Targets":[{"Path":"s3://bucket/data/"}]}'
check_ok "update-crawler (description, table prefix, schedule)" \
    glue update-crawler --name "$CR" --description "crawls data" --table-prefix "raw_" \
    --schedule "cron(0 3 * * ? *)"
check_py "get-crawler shows target, update and READY state" \
    "d['Targets']['S3Targets'][0]['Path'] == 's3://bucket/data/' and d['Description'] == 'crawls data' and d['TablePrefix'] == 'raw_' and d['State'] == 'READY' and d['Schedule']['ScheduleExpression'] == 'cron(0 3 * * ? *)' and d['DatabaseName'] == '${P}_db'" \
    glue get-crawler --name "$CR" --output json --query Crawler
check_py "get-crawlers includes the crawler" \
    "'$CR' in [c['Name'] for c in d['Crawlers']]" \
    glue get-crawlers --output json
check_py "list-crawlers includes the crawler" \
    "'$CR' in d['CrawlerNames']" \
    glue list-crawlers --output json
check_py "batch-get-crawlers splits found and CrawlersNotFound" \
    "[c['Name'] for c in d['Crawlers']] == ['$CR'] and d['CrawlersNotFound'] == ['${P}-nocrawler']" \
    glue batch-get-crawlers --crawler-names "$CR" "${P}-nocrawler" --output json
check_ok "delete-crawler" glue delete-crawler --name "$CR"
check_err "get-crawler after delete-crawler: EntityNotFoundException" EntityNotFoundException \
    glue get-crawler --name "$CR"

# --- tags ----------------------------------------------------------------------
check_ok "tag-resource on a workflow ARN" \
    glue tag-resource --resource-arn "$WF_ARN" --tags-to-add "env=test,tier=gold"
check_py "get-tags on the workflow shows creation and added tags" \
    "d['Tags'] == {'owner': 'cli', 'env': 'test', 'tier': 'gold'}" \
    glue get-tags --resource-arn "$WF_ARN" --output json
check_ok "untag-resource on the workflow ARN" \
    glue untag-resource --resource-arn "$WF_ARN" --tags-to-remove owner tier
check_py "get-tags on the workflow after untag-resource" \
    "d['Tags'] == {'env': 'test'}" \
    glue get-tags --resource-arn "$WF_ARN" --output json
check_ok "tag-resource on a job ARN" \
    glue tag-resource --resource-arn "$J1_ARN" --tags-to-add "cost=42"
check_ok "untag-resource on the job ARN" \
    glue untag-resource --resource-arn "$J1_ARN" --tags-to-remove team
check_py "get-tags on the job ARN" \
    "d['Tags'] == {'cost': '42'}" \
    glue get-tags --resource-arn "$J1_ARN" --output json

# --- deletes -------------------------------------------------------------------
check_eq "delete-trigger returns its Name" "$T_SCHED" \
    glue delete-trigger --name "$T_SCHED" --query Name --output text
check_err "get-trigger after delete-trigger: EntityNotFoundException" EntityNotFoundException \
    glue get-trigger --name "$T_SCHED"
check_eq "delete-job returns JobName" "$J2" \
    glue delete-job --job-name "$J2" --query JobName --output text
check_err "get-job after delete-job: EntityNotFoundException" EntityNotFoundException \
    glue get-job --job-name "$J2"
check_eq "delete-workflow returns its Name" "$WF" \
    glue delete-workflow --name "$WF" --query Name --output text
check_err "get-workflow after delete-workflow: EntityNotFoundException" EntityNotFoundException \
    glue get-workflow --name "$WF"
check_err "delete-workflow also deleted the workflow's triggers" EntityNotFoundException \
    glue get-trigger --name "$T_OD"
check_eq "delete-workflow of a missing name succeeds" "${P}-never" \
    glue delete-workflow --name "${P}-never" --query Name --output text
glue delete-job --job-name "$J1" >/dev/null 2>&1 || true

# --- error paths ---------------------------------------------------------------
check_err "get-workflow of a missing name: exit 254/255, EntityNotFoundException" \
    EntityNotFoundException glue get-workflow --name "${P}-missing"
check_err "create-workflow with a 256-character name: ValidationException" \
    "ValidationException) when calling the CreateWorkflow operation: 1 validation error detected: Value '$(printf 'w%.0s' $(seq 256))' at 'name' failed to satisfy constraint: Member must have length less than or equal to 255" \
    glue create-workflow --name "$(printf 'w%.0s' $(seq 256))"

echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
