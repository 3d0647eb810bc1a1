package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/gluetest"
)

// Ensure a chain a → b → c through conditional triggers runs every job once,
// in order, and ends COMPLETED with statistics, a run graph carrying the job
// runs (trigger names, predecessors, times) and the workflow's LastRun.
func TestRunWorkflow_Chain(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	dir := t.TempDir()
	ok := pyScript(t, dir, "ok", "print('ok')\n")
	slow := pyScript(t, dir, "slow", "import time\ntime.sleep(1.2)\n")
	mustWorkflow(t, b, "chain")
	scriptJob(t, b, "a", ok)
	scriptJob(t, b, "b", slow)
	scriptJob(t, b, "c", ok)
	mustTrigger(t, b, startTrigger("chain", "start", jobAction("a")))
	mustTrigger(t, b, condTrigger("chain", "after-a", "", []types.Condition{jobCond("a", types.JobRunStateSucceeded)}, jobAction("b")))
	mustTrigger(t, b, condTrigger("chain", "after-b", "", []types.Condition{jobCond("b", types.JobRunStateSucceeded)}, jobAction("c")))

	before := time.Now().Add(-time.Second)
	runID := startRun(t, b, "chain", nil)
	run := waitRunStatus(t, b, "chain", runID, types.WorkflowRunStatusCompleted, runWait)
	after := time.Now().Add(time.Second)

	require.Equal(t, "chain", aws.ToString(run.Name))
	require.Equal(t, runID, aws.ToString(run.WorkflowRunId))
	require.Empty(t, aws.ToString(run.PreviousRunId))
	require.NotNil(t, run.StartedOn)
	require.NotNil(t, run.CompletedOn)
	require.WithinRange(t, *run.StartedOn, before, after)
	requireNotBefore(t, run.CompletedOn, run.StartedOn, "run CompletedOn")
	requireStats(t, types.WorkflowRunStatistics{TotalActions: 3, SucceededActions: 3}, run)

	// Every counter is on the wire, zeros included.
	raw := post(t, b, "AWSGlue.GetWorkflowRun", fmt.Sprintf(`{"Name":"chain","RunId":%q}`, runID))
	require.Equal(t, 200, raw.status)
	stats, _ := raw.body["Run"].(map[string]any)["Statistics"].(map[string]any)
	for _, k := range []string{"TotalActions", "TimeoutActions", "FailedActions", "StoppedActions", "SucceededActions",
		"RunningActions", "ErroredActions", "WaitingActions"} {
		require.Contains(t, stats, k, "Statistics.%s is always sent", k)
	}

	ra, rb, rc := onlyJobRun(t, run, "a"), onlyJobRun(t, run, "b"), onlyJobRun(t, run, "c")
	for _, r := range []types.JobRun{ra, rb, rc} {
		require.Equal(t, types.JobRunStateSucceeded, r.JobRunState, "job %s", aws.ToString(r.JobName))
		require.Regexp(t, jobRunIDPattern, aws.ToString(r.Id))
		require.Equal(t, int32(0), r.Attempt)
		require.Empty(t, aws.ToString(r.ErrorMessage))
		require.NotNil(t, r.StartedOn)
		require.NotNil(t, r.CompletedOn)
		require.NotNil(t, r.LastModifiedOn)
		requireNotBefore(t, r.CompletedOn, r.StartedOn, "job run CompletedOn")
		require.WithinRange(t, *r.StartedOn, before, after)
	}
	require.Equal(t, "start", aws.ToString(ra.TriggerName))
	require.Equal(t, "after-a", aws.ToString(rb.TriggerName))
	require.Equal(t, "after-b", aws.ToString(rc.TriggerName))
	require.GreaterOrEqual(t, rb.ExecutionTime, int32(1), "b slept 1.2s: ExecutionTime is in seconds")
	require.Empty(t, ra.PredecessorRuns, "a was started by the start trigger")
	require.Equal(t, []types.Predecessor{{JobName: aws.String("a"), RunId: ra.Id}}, rb.PredecessorRuns)
	require.Equal(t, []types.Predecessor{{JobName: aws.String("b"), RunId: rb.Id}}, rc.PredecessorRuns)
	requireNotBefore(t, rb.StartedOn, ra.CompletedOn, "b starts after a ends")
	requireNotBefore(t, rc.StartedOn, rb.CompletedOn, "c starts after b ends")
	requireNotBefore(t, run.CompletedOn, rc.CompletedOn, "the run ends after its last job")

	// The job runs are the same through GetJobRun.
	got := getJobRun(t, b, "b", aws.ToString(rb.Id))
	require.Equal(t, rb.Id, got.Id)
	require.Equal(t, types.JobRunStateSucceeded, got.JobRunState)
	require.Equal(t, "after-a", aws.ToString(got.TriggerName))
	require.Equal(t, rb.PredecessorRuns, got.PredecessorRuns)

	// Trigger nodes carry their trigger; every job ran exactly once.
	tn := graphNode(t, run.Graph, types.NodeTypeTrigger, "after-a")
	require.NotNil(t, tn.TriggerDetails)
	require.Equal(t, "after-a", aws.ToString(tn.TriggerDetails.Trigger.Name))
	for _, j := range []string{"a", "b", "c"} {
		require.Len(t, allJobRuns(t, b, j), 1, "job %s ran once", j)
	}

	mustWorkflow(t, b, "other")
	_, err := b.client.GetWorkflowRun(ctx, &glue.GetWorkflowRunInput{Name: aws.String("other"), RunId: aws.String(runID)})
	requireCode(t, err, "EntityNotFoundException")
	_, err = b.client.GetWorkflowRun(ctx, &glue.GetWorkflowRunInput{Name: aws.String("chain"), RunId: aws.String("wr_unknown")})
	requireCode(t, err, "EntityNotFoundException")
	_, err = b.client.StartWorkflowRun(ctx, &glue.StartWorkflowRunInput{Name: aws.String("missing")})
	requireCode(t, err, "EntityNotFoundException")

	wf, err := b.client.GetWorkflow(ctx, &glue.GetWorkflowInput{Name: aws.String("chain")})
	require.NoError(t, err)
	require.NotNil(t, wf.Workflow.LastRun, "GetWorkflow returns LastRun")
	require.Equal(t, runID, aws.ToString(wf.Workflow.LastRun.WorkflowRunId))
	require.Equal(t, types.WorkflowRunStatusCompleted, wf.Workflow.LastRun.Status)
	require.NotNil(t, wf.Workflow.LastRun.Statistics)
	require.Equal(t, int32(3), wf.Workflow.LastRun.Statistics.SucceededActions)
}

// Ensure fan-out and fan-in: an AND trigger waits for both branches and an
// ANY trigger fires once, as soon as the first branch ends.
func TestRunWorkflow_FanOutFanIn(t *testing.T) {
	t.Parallel()
	b := setup(t)
	dir := t.TempDir()
	ok := pyScript(t, dir, "ok", "print('ok')\n")
	slow := pyScript(t, dir, "slow", "import time\ntime.sleep(1.5)\n")
	mustWorkflow(t, b, "fan")
	for _, j := range []string{"a", "b", "d", "e"} {
		scriptJob(t, b, j, ok)
	}
	scriptJob(t, b, "c", slow)
	mustTrigger(t, b, startTrigger("fan", "start", jobAction("a")))
	mustTrigger(t, b, condTrigger("fan", "split", "", []types.Condition{jobCond("a", types.JobRunStateSucceeded)},
		jobAction("b"), jobAction("c")))
	mustTrigger(t, b, condTrigger("fan", "join-all", types.LogicalAnd, []types.Condition{
		jobCond("b", types.JobRunStateSucceeded), jobCond("c", types.JobRunStateSucceeded)}, jobAction("d")))
	mustTrigger(t, b, condTrigger("fan", "join-any", types.LogicalAny, []types.Condition{
		jobCond("b", types.JobRunStateSucceeded), jobCond("c", types.JobRunStateSucceeded)}, jobAction("e")))

	runID := startRun(t, b, "fan", nil)
	run := waitRunStatus(t, b, "fan", runID, types.WorkflowRunStatusCompleted, runWait)
	requireStats(t, types.WorkflowRunStatistics{TotalActions: 5, SucceededActions: 5}, run)

	rb, rc, rd, re := onlyJobRun(t, run, "b"), onlyJobRun(t, run, "c"), onlyJobRun(t, run, "d"), onlyJobRun(t, run, "e")
	require.Equal(t, "split", aws.ToString(rb.TriggerName))
	require.Equal(t, "split", aws.ToString(rc.TriggerName))
	require.Equal(t, "join-all", aws.ToString(rd.TriggerName))
	require.Equal(t, "join-any", aws.ToString(re.TriggerName))

	// AND: d starts only after both b and c ended, and names both.
	requireNotBefore(t, rd.StartedOn, rb.CompletedOn, "d after b")
	requireNotBefore(t, rd.StartedOn, rc.CompletedOn, "d after c")
	require.ElementsMatch(t, []types.Predecessor{{JobName: aws.String("b"), RunId: rb.Id}, {JobName: aws.String("c"), RunId: rc.Id}},
		rd.PredecessorRuns)

	// ANY: e starts when b (the quick branch) ends, before slow c ends.
	requireNotBefore(t, re.StartedOn, rb.CompletedOn, "e after b")
	require.True(t, re.StartedOn.Before(*rc.CompletedOn), "e started at %s, without waiting for c (ended %s)", re.StartedOn, rc.CompletedOn)
	require.Contains(t, re.PredecessorRuns, types.Predecessor{JobName: aws.String("b"), RunId: rb.Id})

	for _, j := range []string{"a", "b", "c", "d", "e"} {
		require.Len(t, allJobRuns(t, b, j), 1, "job %s ran exactly once", j)
	}
}

// Ensure a failed job fires the trigger watching FAILED and not the one
// watching SUCCEEDED, that its ErrorMessage names the exception, and that
// the run still ends COMPLETED.
func TestRunWorkflow_FailureBranch(t *testing.T) {
	t.Parallel()
	b := setup(t)
	dir := t.TempDir()
	boom := pyScript(t, dir, "boom", "def load():\n    raise ValueError('bad input row 42')\n\nload()\n")
	ok := pyScript(t, dir, "ok", "print('ok')\n")
	mustWorkflow(t, b, "failing")
	scriptJob(t, b, "a", boom)
	scriptJob(t, b, "on-failure", ok)
	scriptJob(t, b, "on-success", ok)
	mustTrigger(t, b, startTrigger("failing", "start", jobAction("a")))
	mustTrigger(t, b, condTrigger("failing", "if-failed", "", []types.Condition{jobCond("a", types.JobRunStateFailed)}, jobAction("on-failure")))
	mustTrigger(t, b, condTrigger("failing", "if-ok", "", []types.Condition{jobCond("a", types.JobRunStateSucceeded)}, jobAction("on-success")))

	runID := startRun(t, b, "failing", nil)
	run := waitRunStatus(t, b, "failing", runID, types.WorkflowRunStatusCompleted, runWait)
	requireStats(t, types.WorkflowRunStatistics{TotalActions: 2, FailedActions: 1, SucceededActions: 1}, run)

	ra := onlyJobRun(t, run, "a")
	require.Equal(t, types.JobRunStateFailed, ra.JobRunState)
	require.Contains(t, aws.ToString(ra.ErrorMessage), "ValueError")
	require.Contains(t, aws.ToString(ra.ErrorMessage), "bad input row 42")
	require.NotNil(t, ra.CompletedOn)

	rf := onlyJobRun(t, run, "on-failure")
	require.Equal(t, types.JobRunStateSucceeded, rf.JobRunState)
	require.Equal(t, "if-failed", aws.ToString(rf.TriggerName))
	require.Equal(t, []types.Predecessor{{JobName: aws.String("a"), RunId: ra.Id}}, rf.PredecessorRuns)

	details := graphNode(t, run.Graph, types.NodeTypeJob, "on-success").JobDetails
	require.NotNil(t, details, "JOB nodes carry JobDetails, as Glue returns them")
	require.Empty(t, details.JobRuns, "the SUCCEEDED branch never ran: no job runs")
	require.Empty(t, allJobRuns(t, b, "on-success"))
}

// runPropsScript reads the run's properties through boto3, records them in
// dir/<JOB_NAME>-<WORKFLOW_RUN_ID>.json and, when put is set, adds
// put=<job name>. When expect is set, it fails unless that property is
// visible.
func runPropsScript(dir, put, expect string) string {
	return fmt.Sprintf(`import json, os, sys
import boto3
from awsglue.utils import getResolvedOptions

args = getResolvedOptions(sys.argv, ["JOB_NAME", "WORKFLOW_NAME", "WORKFLOW_RUN_ID"])
glue = boto3.client("glue")
props = glue.get_workflow_run_properties(Name=args["WORKFLOW_NAME"], RunId=args["WORKFLOW_RUN_ID"])["RunProperties"]
with open(os.path.join(%q, args["JOB_NAME"] + "-" + args["WORKFLOW_RUN_ID"] + ".json"), "w") as f:
    json.dump(props, f)
put, expect = %q, %q
if expect and props.get(expect) != "from-a":
    sys.exit("property %%s not visible: %%r" %% (expect, props))
if put:
    glue.put_workflow_run_properties(Name=args["WORKFLOW_NAME"], RunId=args["WORKFLOW_RUN_ID"], RunProperties={put: "from-a", "env": "set-by-a"})
`, dir, put, expect)
}

func readProps(t *testing.T, dir, job, runID string) map[string]string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, job+"-"+runID+".json"))
	require.NoError(t, err)
	var props map[string]string
	require.NoError(t, json.Unmarshal(raw, &props))
	return props
}

// Ensure run properties start as DefaultRunProperties overlaid by the
// start's RunProperties, that a job reads and adds to them through boto3,
// that a later job of the same run sees the addition, that Put merges key
// by key, and that other runs and the workflow's defaults are untouched.
func TestRunWorkflow_RunProperties(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	dir := t.TempDir()
	_, err := b.client.CreateWorkflow(ctx, &glue.CreateWorkflowInput{Name: aws.String("props"),
		DefaultRunProperties: map[string]string{"env": "dev", "region": "eu-west-1", "owner": "data"}})
	require.NoError(t, err)
	scriptJob(t, b, "a", pyScript(t, dir, "a", runPropsScript(dir, "handoff", "")))
	scriptJob(t, b, "b", pyScript(t, dir, "b", runPropsScript(dir, "", "handoff")))
	mustTrigger(t, b, startTrigger("props", "start", jobAction("a")))
	mustTrigger(t, b, condTrigger("props", "then-b", "", []types.Condition{jobCond("a", types.JobRunStateSucceeded)}, jobAction("b")))

	runID := startRun(t, b, "props", map[string]string{"env": "prod", "batch": "7"})
	run := waitRunStatus(t, b, "props", runID, types.WorkflowRunStatusCompleted, runWait)
	requireStats(t, types.WorkflowRunStatistics{TotalActions: 2, SucceededActions: 2}, run)

	start := map[string]string{"env": "prod", "region": "eu-west-1", "owner": "data", "batch": "7"}
	require.Equal(t, start, readProps(t, dir, "a", runID), "a sees the defaults overlaid by the start's properties")
	afterA := map[string]string{"env": "set-by-a", "region": "eu-west-1", "owner": "data", "batch": "7", "handoff": "from-a"}
	require.Equal(t, afterA, readProps(t, dir, "b", runID), "b sees what a put")
	require.Equal(t, afterA, run.WorkflowRunProperties)

	got, err := b.client.GetWorkflowRunProperties(ctx, &glue.GetWorkflowRunPropertiesInput{Name: aws.String("props"), RunId: aws.String(runID)})
	require.NoError(t, err)
	require.Equal(t, afterA, got.RunProperties)

	_, err = b.client.PutWorkflowRunProperties(ctx, &glue.PutWorkflowRunPropertiesInput{Name: aws.String("props"), RunId: aws.String(runID),
		RunProperties: map[string]string{"owner": "ops", "new": "1"}})
	require.NoError(t, err)
	got, err = b.client.GetWorkflowRunProperties(ctx, &glue.GetWorkflowRunPropertiesInput{Name: aws.String("props"), RunId: aws.String(runID)})
	require.NoError(t, err)
	require.Equal(t, map[string]string{"env": "set-by-a", "region": "eu-west-1", "owner": "ops", "batch": "7", "handoff": "from-a", "new": "1"},
		got.RunProperties, "Put merges key by key")

	wf, err := b.client.GetWorkflow(ctx, &glue.GetWorkflowInput{Name: aws.String("props")})
	require.NoError(t, err)
	require.Equal(t, map[string]string{"env": "dev", "region": "eu-west-1", "owner": "data"}, wf.Workflow.DefaultRunProperties,
		"DefaultRunProperties are untouched")

	// A second run starts from the defaults alone: properties are per run.
	second := startRun(t, b, "props", nil)
	waitRunStatus(t, b, "props", second, types.WorkflowRunStatusCompleted, runWait)
	require.Equal(t, map[string]string{"env": "dev", "region": "eu-west-1", "owner": "data"}, readProps(t, dir, "a", second))

	_, err = b.client.GetWorkflowRunProperties(ctx, &glue.GetWorkflowRunPropertiesInput{Name: aws.String("props"), RunId: aws.String("wr_nope")})
	requireCode(t, err, "EntityNotFoundException")
	_, err = b.client.PutWorkflowRunProperties(ctx, &glue.PutWorkflowRunPropertiesInput{Name: aws.String("props"), RunId: aws.String("wr_nope"),
		RunProperties: map[string]string{"k": "v"}})
	requireCode(t, err, "EntityNotFoundException")
}

// argvScript writes the script's argv as JSON to dir/<JOB_RUN_ID>.argv.
func argvScript(dir string) string {
	return fmt.Sprintf(`import json, os, sys
run_id = sys.argv[sys.argv.index("--JOB_RUN_ID") + 1]
with open(os.path.join(%q, run_id + ".argv"), "w") as f:
    json.dump(sys.argv, f)
`, dir)
}

// readArgv returns the argv a run of argvScript recorded: the script path
// and the --KEY value pairs.
func readArgv(t *testing.T, dir, runID string) (string, map[string]string) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, runID+".argv"))
	require.NoError(t, err)
	var argv []string
	require.NoError(t, json.Unmarshal(raw, &argv))
	require.NotEmpty(t, argv)
	require.Equal(t, 1, len(argv)%2, "argv is the script and --KEY value pairs: %q", argv)
	args := map[string]string{}
	for i := 1; i < len(argv); i += 2 {
		require.True(t, strings.HasPrefix(argv[i], "--"), "argv[%d] = %q is a --KEY", i, argv[i])
		_, dup := args[argv[i]]
		require.False(t, dup, "%s passed once: %q", argv[i], argv)
		args[argv[i]] = argv[i+1]
	}
	return argv[0], args
}

// Ensure a job's script gets Glue's arguments: --JOB_ID, --JOB_RUN_ID,
// --JOB_NAME, in a workflow --WORKFLOW_NAME and --WORKFLOW_RUN_ID, then the
// job's DefaultArguments overlaid by the action's (or StartJobRun's)
// Arguments, with NonOverridableArguments winning.
func TestRunWorkflow_Arguments(t *testing.T) {
	t.Parallel()
	b := setup(t)
	dir := t.TempDir()
	script := pyScript(t, dir, "argv", argvScript(dir))
	mustWorkflow(t, b, "args")
	scriptJob(t, b, "argv", script, func(in *glue.CreateJobInput) {
		in.DefaultArguments = map[string]string{"--source": "default-src", "--mode": "default-mode", "--enable-metrics": ""}
		in.NonOverridableArguments = map[string]string{"--locked": "fixed"}
		in.ExecutionProperty = &types.ExecutionProperty{MaxConcurrentRuns: 2}
	})
	mustTrigger(t, b, startTrigger("args", "start", types.Action{JobName: aws.String("argv"),
		Arguments: map[string]string{"--mode": "action-mode", "--extra": "action-extra", "--locked": "overridden?"}}))

	runID := startRun(t, b, "args", nil)
	run := waitRunStatus(t, b, "args", runID, types.WorkflowRunStatusCompleted, runWait)
	jr := onlyJobRun(t, run, "argv")
	require.Equal(t, types.JobRunStateSucceeded, jr.JobRunState, aws.ToString(jr.ErrorMessage))
	require.Equal(t, map[string]string{"--mode": "action-mode", "--extra": "action-extra", "--locked": "fixed"}, jr.Arguments,
		"the job run records the action's arguments as the script got them: NonOverridableArguments win")

	path, args := readArgv(t, dir, aws.ToString(jr.Id))
	require.Equal(t, script, path, "argv[0] is the script")
	require.Regexp(t, `^j_[0-9a-f]{64}$`, args["--JOB_ID"])
	jobID := args["--JOB_ID"]
	require.Equal(t, map[string]string{
		"--JOB_ID": jobID, "--JOB_RUN_ID": aws.ToString(jr.Id), "--JOB_NAME": "argv",
		"--WORKFLOW_NAME": "args", "--WORKFLOW_RUN_ID": runID,
		"--source": "default-src", "--mode": "action-mode", "--enable-metrics": "", "--extra": "action-extra", "--locked": "fixed",
		"--job-bookmark-option": "job-bookmark-disable", // Glue passes the option when nothing sets it
	}, args)

	// Outside a workflow: no workflow arguments; StartJobRun's Arguments
	// overlay the defaults the same way; the job id is stable per job.
	id := startJobRun(t, b, &glue.StartJobRunInput{JobName: aws.String("argv"),
		Arguments: map[string]string{"--source": "run-src", "--locked": "nope"}})
	standalone := waitJobRunState(t, b, "argv", id, types.JobRunStateSucceeded, runWait)
	require.Equal(t, map[string]string{"--source": "run-src", "--locked": "fixed"}, standalone.Arguments)
	_, args = readArgv(t, dir, id)
	require.Equal(t, map[string]string{
		"--JOB_ID": jobID, "--JOB_RUN_ID": id, "--JOB_NAME": "argv",
		"--source": "run-src", "--mode": "default-mode", "--enable-metrics": "", "--locked": "fixed",
		"--job-bookmark-option": "job-bookmark-disable",
	}, args)
}

// stopScript ignores SIGTERM (so the stop has to escalate to SIGKILL after
// the grace period), starts a child that ignores SIGTERM too, writes
// "<pid> <child pid>" to dir/<JOB_RUN_ID>.pid and sleeps a minute.
func stopScript(dir string) string {
	return fmt.Sprintf(`import os, signal, subprocess, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
run_id = sys.argv[sys.argv.index("--JOB_RUN_ID") + 1]
child = subprocess.Popen([sys.executable, "-c", "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)"])
path = os.path.join(%q, run_id + ".pid")
with open(path + ".tmp", "w") as f:
    f.write("%%d %%d" %% (os.getpid(), child.pid))
os.replace(path + ".tmp", path)
time.sleep(60)
`, dir)
}

// Ensure StopWorkflowRun stops a run while a job sleeps: the run goes
// STOPPING then STOPPED, the job run ends STOPPED, its whole process group
// is killed, nothing downstream starts (not even a trigger watching
// STOPPED), and stopping or resuming a run that is not RUNNING or COMPLETED
// is an IllegalWorkflowStateException.
func TestRunWorkflow_Stop(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	dir := t.TempDir()
	mustWorkflow(t, b, "stoppable")
	scriptJob(t, b, "sleeper", pyScript(t, dir, "sleeper", stopScript(dir)))
	ok := pyScript(t, dir, "ok", "print('ok')\n")
	scriptJob(t, b, "next", ok)
	scriptJob(t, b, "on-stop", ok)
	mustTrigger(t, b, startTrigger("stoppable", "start", jobAction("sleeper")))
	mustTrigger(t, b, condTrigger("stoppable", "after", "", []types.Condition{jobCond("sleeper", types.JobRunStateSucceeded)}, jobAction("next")))
	mustTrigger(t, b, condTrigger("stoppable", "if-stopped", "", []types.Condition{jobCond("sleeper", types.JobRunStateStopped)}, jobAction("on-stop")))

	runID := startRun(t, b, "stoppable", nil)
	var jobRunID string
	gluetest.Eventually(t, runWait, func() bool {
		runs := nodeJobRuns(t, getRun(t, b, "stoppable", runID), "sleeper")
		if len(runs) == 1 && runs[0].JobRunState == types.JobRunStateRunning {
			jobRunID = aws.ToString(runs[0].Id)
			return true
		}
		return false
	}, "sleeper never ran")
	var pid, child int
	pidFile := filepath.Join(dir, jobRunID+".pid")
	gluetest.Eventually(t, runWait, func() bool {
		raw, err := os.ReadFile(pidFile)
		return err == nil && len(raw) > 0
	}, "no pid file")
	raw, err := os.ReadFile(pidFile)
	require.NoError(t, err)
	_, err = fmt.Sscanf(string(raw), "%d %d", &pid, &child)
	require.NoError(t, err)
	require.False(t, gluetest.ProcessGone(pid))
	require.False(t, gluetest.ProcessGone(child))

	// A RUNNING run cannot be resumed.
	sleeperNode := graphNode(t, getRun(t, b, "stoppable", runID).Graph, types.NodeTypeJob, "sleeper")
	_, err = b.client.ResumeWorkflowRun(ctx, &glue.ResumeWorkflowRunInput{Name: aws.String("stoppable"), RunId: aws.String(runID),
		NodeIds: []string{aws.ToString(sleeperNode.UniqueId)}})
	requireCode(t, err, "IllegalWorkflowStateException")

	_, err = b.client.StopWorkflowRun(ctx, &glue.StopWorkflowRunInput{Name: aws.String("stoppable"), RunId: aws.String(runID)})
	require.NoError(t, err)
	// The process ignores SIGTERM, so the run stays STOPPING through the
	// grace period.
	stopping := getRun(t, b, "stoppable", runID)
	require.Equal(t, types.WorkflowRunStatusStopping, stopping.Status)
	require.Equal(t, types.JobRunStateStopping, getJobRun(t, b, "sleeper", jobRunID).JobRunState)
	_, err = b.client.StopWorkflowRun(ctx, &glue.StopWorkflowRunInput{Name: aws.String("stoppable"), RunId: aws.String(runID)})
	requireCode(t, err, "IllegalWorkflowStateException")

	run := waitRunStatus(t, b, "stoppable", runID, types.WorkflowRunStatusStopped, runWait)
	require.NotNil(t, run.CompletedOn)
	requireStats(t, types.WorkflowRunStatistics{TotalActions: 1, StoppedActions: 1}, run)
	jr := onlyJobRun(t, run, "sleeper")
	require.Equal(t, types.JobRunStateStopped, jr.JobRunState)
	require.NotNil(t, jr.CompletedOn)
	gluetest.Eventually(t, runWait, func() bool { return gluetest.ProcessGone(pid) && gluetest.ProcessGone(child) },
		"processes %d and %d still run after the stop", pid, child)

	require.Empty(t, allJobRuns(t, b, "next"), "nothing downstream starts")
	require.Empty(t, allJobRuns(t, b, "on-stop"), "a stop-induced STOPPED fires nothing")
	require.Len(t, allJobRuns(t, b, "sleeper"), 1, "a stopped run is not retried")

	_, err = b.client.StopWorkflowRun(ctx, &glue.StopWorkflowRunInput{Name: aws.String("stoppable"), RunId: aws.String(runID)})
	requireCode(t, err, "IllegalWorkflowStateException")
	_, err = b.client.ResumeWorkflowRun(ctx, &glue.ResumeWorkflowRunInput{Name: aws.String("stoppable"), RunId: aws.String(runID),
		NodeIds: []string{aws.ToString(sleeperNode.UniqueId)}})
	requireCode(t, err, "IllegalWorkflowStateException")
	_, err = b.client.StopWorkflowRun(ctx, &glue.StopWorkflowRunInput{Name: aws.String("stoppable"), RunId: aws.String("wr_unknown")})
	requireCode(t, err, "EntityNotFoundException")

	// A COMPLETED run cannot be stopped.
	mustWorkflow(t, b, "quick")
	scriptJob(t, b, "quick-job", ok)
	mustTrigger(t, b, startTrigger("quick", "quick-start", jobAction("quick-job")))
	done := startRun(t, b, "quick", nil)
	waitRunStatus(t, b, "quick", done, types.WorkflowRunStatusCompleted, runWait)
	_, err = b.client.StopWorkflowRun(ctx, &glue.StopWorkflowRunInput{Name: aws.String("quick"), RunId: aws.String(done)})
	requireCode(t, err, "IllegalWorkflowStateException")
}

// Ensure ResumeWorkflowRun restarts a failed node and what lies downstream
// of it in a new run that points to the old one and carries the details of
// the nodes it does not restart, and that it refuses trigger nodes, unknown
// nodes and nodes that never ran.
func TestRunWorkflow_Resume(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	dir := t.TempDir()
	ok := pyScript(t, dir, "ok", "print('ok')\n")
	marker := filepath.Join(dir, "fixed")
	flaky := pyScript(t, dir, "flaky", gluetest.FailsFirstRun(marker))
	mustWorkflow(t, b, "resumable")
	scriptJob(t, b, "a", ok)
	scriptJob(t, b, "b", flaky)
	scriptJob(t, b, "c", ok)
	mustTrigger(t, b, startTrigger("resumable", "start", jobAction("a")))
	mustTrigger(t, b, condTrigger("resumable", "after-a", "", []types.Condition{jobCond("a", types.JobRunStateSucceeded)}, jobAction("b")))
	mustTrigger(t, b, condTrigger("resumable", "after-b", "", []types.Condition{jobCond("b", types.JobRunStateSucceeded)}, jobAction("c")))

	first := startRun(t, b, "resumable", map[string]string{"batch": "42"})
	old := waitRunStatus(t, b, "resumable", first, types.WorkflowRunStatusCompleted, runWait)
	requireStats(t, types.WorkflowRunStatistics{TotalActions: 2, SucceededActions: 1, FailedActions: 1}, old)
	oldA := onlyJobRun(t, old, "a")
	require.Equal(t, types.JobRunStateFailed, onlyJobRun(t, old, "b").JobRunState)
	require.Empty(t, nodeJobRuns(t, old, "c"))
	nodeA := aws.ToString(graphNode(t, old.Graph, types.NodeTypeJob, "a").UniqueId)
	nodeB := aws.ToString(graphNode(t, old.Graph, types.NodeTypeJob, "b").UniqueId)
	nodeC := aws.ToString(graphNode(t, old.Graph, types.NodeTypeJob, "c").UniqueId)
	nodeT := aws.ToString(graphNode(t, old.Graph, types.NodeTypeTrigger, "after-a").UniqueId)

	resume := func(nodes ...string) (*glue.ResumeWorkflowRunOutput, error) {
		return b.client.ResumeWorkflowRun(ctx, &glue.ResumeWorkflowRunInput{Name: aws.String("resumable"), RunId: aws.String(first), NodeIds: nodes})
	}
	_, err := resume(nodeT)
	requireCode(t, err, "InvalidInputException")
	_, err = resume("wnode_" + strings.Repeat("0", 64))
	requireCode(t, err, "InvalidInputException")
	_, err = resume(nodeC)
	requireCode(t, err, "InvalidInputException")
	_, err = b.client.ResumeWorkflowRun(ctx, &glue.ResumeWorkflowRunInput{Name: aws.String("resumable"), RunId: aws.String("wr_unknown"),
		NodeIds: []string{nodeB}})
	requireCode(t, err, "EntityNotFoundException")

	out, err := resume(nodeB)
	require.NoError(t, err)
	second := aws.ToString(out.RunId)
	require.Regexp(t, workflowRunIDPattern, second)
	require.NotEqual(t, first, second)
	require.Equal(t, []string{nodeB}, out.NodeIds)

	run := waitRunStatus(t, b, "resumable", second, types.WorkflowRunStatusCompleted, runWait)
	require.Equal(t, first, aws.ToString(run.PreviousRunId))
	require.Equal(t, map[string]string{"batch": "42"}, run.WorkflowRunProperties, "a resumed run keeps the old run's properties")
	carried := onlyJobRun(t, run, "a")
	require.Equal(t, oldA.Id, carried.Id, "a is not re-run: the new graph carries its old job run")
	require.Equal(t, types.JobRunStateSucceeded, carried.JobRunState)
	nb := onlyJobRun(t, run, "b")
	require.Equal(t, types.JobRunStateSucceeded, nb.JobRunState)
	require.Equal(t, "after-a", aws.ToString(nb.TriggerName))
	nc := onlyJobRun(t, run, "c")
	require.Equal(t, types.JobRunStateSucceeded, nc.JobRunState, "what is downstream of b runs too")
	require.Equal(t, []types.Predecessor{{JobName: aws.String("b"), RunId: nb.Id}}, nc.PredecessorRuns)
	require.Equal(t, nodeB, aws.ToString(graphNode(t, run.Graph, types.NodeTypeJob, "b").UniqueId), "node ids are stable")
	require.Len(t, allJobRuns(t, b, "a"), 1, "a ran once")
	require.Len(t, allJobRuns(t, b, "b"), 2)
	require.Len(t, allJobRuns(t, b, "c"), 1)

	// The old run is unchanged.
	again := getRun(t, b, "resumable", first)
	require.Equal(t, types.WorkflowRunStatusCompleted, again.Status)
	require.Equal(t, types.JobRunStateFailed, onlyJobRun(t, again, "b").JobRunState)

	// Selecting a node and one downstream of it restarts the upstream one
	// only; a run can be resumed again.
	out, err = resume(nodeA, nodeB)
	require.NoError(t, err)
	require.Equal(t, []string{nodeA}, out.NodeIds)
	third := waitRunStatus(t, b, "resumable", aws.ToString(out.RunId), types.WorkflowRunStatusCompleted, runWait)
	require.Equal(t, first, aws.ToString(third.PreviousRunId))
	for _, j := range []string{"a", "b", "c"} {
		require.Equal(t, types.JobRunStateSucceeded, onlyJobRun(t, third, j).JobRunState, "job %s", j)
	}
	require.NotEqual(t, oldA.Id, onlyJobRun(t, third, "a").Id, "a re-ran")
	require.Len(t, allJobRuns(t, b, "a"), 2)
}

// Ensure a workflow's MaxConcurrentRuns refuses StartWorkflowRun and
// ResumeWorkflowRun with ConcurrentRunsExceededException while a run is
// active, and allows them again once it ends.
func TestRunWorkflow_MaxConcurrentRuns(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	dir := t.TempDir()
	gate := filepath.Join(dir, "gate")
	_, err := b.client.CreateWorkflow(ctx, &glue.CreateWorkflowInput{Name: aws.String("single"), MaxConcurrentRuns: aws.Int32(1)})
	require.NoError(t, err)
	scriptJob(t, b, "blocked", pyScript(t, dir, "blocked", gluetest.Gate(gate, "")))
	mustTrigger(t, b, startTrigger("single", "start", jobAction("blocked")))

	first := startRun(t, b, "single", nil)
	_, err = b.client.StartWorkflowRun(ctx, &glue.StartWorkflowRunInput{Name: aws.String("single")})
	requireCode(t, err, "ConcurrentRunsExceededException")
	gluetest.OpenGate(t, gate)
	done := waitRunStatus(t, b, "single", first, types.WorkflowRunStatusCompleted, runWait)
	node := aws.ToString(graphNode(t, done.Graph, types.NodeTypeJob, "blocked").UniqueId)

	require.NoError(t, os.Remove(gate))
	second := startRun(t, b, "single", nil)
	_, err = b.client.ResumeWorkflowRun(ctx, &glue.ResumeWorkflowRunInput{Name: aws.String("single"), RunId: aws.String(first), NodeIds: []string{node}})
	requireCode(t, err, "ConcurrentRunsExceededException")
	gluetest.OpenGate(t, gate)
	waitRunStatus(t, b, "single", second, types.WorkflowRunStatusCompleted, runWait)
	out, err := b.client.ResumeWorkflowRun(ctx, &glue.ResumeWorkflowRunInput{Name: aws.String("single"), RunId: aws.String(first), NodeIds: []string{node}})
	require.NoError(t, err)
	waitRunStatus(t, b, "single", aws.ToString(out.RunId), types.WorkflowRunStatusCompleted, runWait)
}

// Ensure a trigger whose action names a job deleted after the trigger was
// created produces a job run in ERROR, counted in ErroredActions, and the
// run still ends COMPLETED.
func TestRunWorkflow_DeletedJob(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	dir := t.TempDir()
	ok := pyScript(t, dir, "ok", "print('ok')\n")
	mustWorkflow(t, b, "dangling")
	scriptJob(t, b, "a", ok)
	scriptJob(t, b, "gone", ok)
	mustTrigger(t, b, startTrigger("dangling", "start", jobAction("a")))
	mustTrigger(t, b, condTrigger("dangling", "then-gone", "", []types.Condition{jobCond("a", types.JobRunStateSucceeded)}, jobAction("gone")))
	_, err := b.client.DeleteJob(ctx, &glue.DeleteJobInput{JobName: aws.String("gone")})
	require.NoError(t, err)

	runID := startRun(t, b, "dangling", nil)
	run := waitRunStatus(t, b, "dangling", runID, types.WorkflowRunStatusCompleted, runWait)
	requireStats(t, types.WorkflowRunStatistics{TotalActions: 2, SucceededActions: 1, ErroredActions: 1}, run)
	jr := onlyJobRun(t, run, "gone")
	require.Equal(t, types.JobRunStateError, jr.JobRunState)
	require.Equal(t, "then-gone", aws.ToString(jr.TriggerName))
	require.Contains(t, aws.ToString(jr.ErrorMessage), "gone")
}

// Ensure GetWorkflowRuns pages through every run of a workflow, newest
// first, with the SDK paginator.
func TestRunWorkflow_GetWorkflowRunsPagination(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	dir := t.TempDir()
	mustWorkflow(t, b, "many")
	scriptJob(t, b, "quick", pyScript(t, dir, "quick", "pass\n"), withMaxConcurrent(10))
	mustTrigger(t, b, startTrigger("many", "start", jobAction("quick")))
	var ids []string
	for range 5 {
		ids = append(ids, startRun(t, b, "many", nil))
	}
	for _, id := range ids {
		run := waitRunStatus(t, b, "many", id, types.WorkflowRunStatusCompleted, runWait)
		requireStats(t, types.WorkflowRunStatistics{TotalActions: 1, SucceededActions: 1}, run)
	}

	var got []string
	pages := 0
	p := glue.NewGetWorkflowRunsPaginator(b.client, &glue.GetWorkflowRunsInput{Name: aws.String("many"), MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		require.NoError(t, err)
		require.LessOrEqual(t, len(page.Runs), 2)
		pages++
		for _, r := range page.Runs {
			got = append(got, aws.ToString(r.WorkflowRunId))
			require.Equal(t, types.WorkflowRunStatusCompleted, r.Status)
			require.NotNil(t, r.Statistics)
			require.Nil(t, r.Graph, "no graph unless IncludeGraph")
		}
	}
	require.Equal(t, 3, pages)
	want := []string{ids[4], ids[3], ids[2], ids[1], ids[0]}
	require.Equal(t, want, got, "every run once, newest first")

	withGraph, err := b.client.GetWorkflowRuns(ctx, &glue.GetWorkflowRunsInput{Name: aws.String("many"), IncludeGraph: aws.Bool(true), MaxResults: aws.Int32(1)})
	require.NoError(t, err)
	require.Len(t, withGraph.Runs, 1)
	require.NotNil(t, withGraph.Runs[0].Graph)
	require.NotNil(t, withGraph.NextToken)

	_, err = b.client.GetWorkflowRuns(ctx, &glue.GetWorkflowRunsInput{Name: aws.String("missing")})
	requireCode(t, err, "EntityNotFoundException")
}

// Ensure resuming the failed branch of an AND fan-in completes it: the
// restarted node's success, together with the carried outcome of the other
// branch, fires the join, whose job names both predecessors.
func TestRunWorkflow_ResumeFanIn(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	dir := t.TempDir()
	ok := pyScript(t, dir, "ok", "print('ok')\n")
	marker := filepath.Join(dir, "fixed")
	mustWorkflow(t, b, "join")
	scriptJob(t, b, "a", ok)
	scriptJob(t, b, "b", ok)
	scriptJob(t, b, "c", pyScript(t, dir, "flaky", gluetest.FailsFirstRun(marker)))
	scriptJob(t, b, "d", ok)
	mustTrigger(t, b, startTrigger("join", "start", jobAction("a")))
	mustTrigger(t, b, condTrigger("join", "split", "", []types.Condition{jobCond("a", types.JobRunStateSucceeded)}, jobAction("b"), jobAction("c")))
	mustTrigger(t, b, condTrigger("join", "join-all", types.LogicalAnd, []types.Condition{
		jobCond("b", types.JobRunStateSucceeded), jobCond("c", types.JobRunStateSucceeded)}, jobAction("d")))

	first := startRun(t, b, "join", nil)
	old := waitRunStatus(t, b, "join", first, types.WorkflowRunStatusCompleted, runWait)
	require.Equal(t, types.JobRunStateFailed, onlyJobRun(t, old, "c").JobRunState)
	require.Empty(t, nodeJobRuns(t, old, "d"))
	oldB := onlyJobRun(t, old, "b")

	out, err := b.client.ResumeWorkflowRun(ctx, &glue.ResumeWorkflowRunInput{Name: aws.String("join"), RunId: aws.String(first),
		NodeIds: []string{aws.ToString(graphNode(t, old.Graph, types.NodeTypeJob, "c").UniqueId)}})
	require.NoError(t, err)
	run := waitRunStatus(t, b, "join", aws.ToString(out.RunId), types.WorkflowRunStatusCompleted, runWait)
	require.Equal(t, oldB.Id, onlyJobRun(t, run, "b").Id, "b is carried, not re-run")
	nc := onlyJobRun(t, run, "c")
	require.Equal(t, types.JobRunStateSucceeded, nc.JobRunState)
	d := onlyJobRun(t, run, "d")
	require.Equal(t, types.JobRunStateSucceeded, d.JobRunState)
	require.ElementsMatch(t, []types.Predecessor{{JobName: aws.String("b"), RunId: oldB.Id}, {JobName: aws.String("c"), RunId: nc.Id}},
		d.PredecessorRuns)
	for job, n := range map[string]int{"a": 1, "b": 1, "c": 2, "d": 1} {
		require.Len(t, allJobRuns(t, b, job), n, "runs of %s", job)
	}
}

// Ensure StartWorkflowRun fires the workflow's start trigger whatever its
// type (Epoxy's decision in engine.StartWorkflowRun): a SCHEDULED start
// trigger's actions run at once, as Glue's "Run workflow" does.
func TestRunWorkflow_ScheduledStartTrigger(t *testing.T) {
	t.Parallel()
	b := setup(t)
	dir := t.TempDir()
	mustWorkflow(t, b, "nightly")
	scriptJob(t, b, "job", pyScript(t, dir, "ok", "print('ok')\n"))
	mustTrigger(t, b, &glue.CreateTriggerInput{Name: aws.String("at-noon"), WorkflowName: aws.String("nightly"), Type: types.TriggerTypeScheduled,
		Schedule: aws.String("cron(0 12 * * ? *)"), Actions: []types.Action{jobAction("job")}})
	runID := startRun(t, b, "nightly", nil)
	run := waitRunStatus(t, b, "nightly", runID, types.WorkflowRunStatusCompleted, runWait)
	jr := onlyJobRun(t, run, "job")
	require.Equal(t, types.JobRunStateSucceeded, jr.JobRunState)
	require.Equal(t, "at-noon", aws.ToString(jr.TriggerName))
}
