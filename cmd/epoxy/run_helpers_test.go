package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/gluetest"
)

// Helpers shared by the run_*_test.go files: they drive real workflow runs,
// job runs and crawls through the SDK and poll for their outcome with a
// deadline, never with fixed sleeps.

const (
	runRole = "arn:aws:iam::123456789012:role/glue"
	// runWait bounds every wait for a run, job run or crawl to reach a
	// state. It only catches hangs: waits end as soon as their condition
	// holds, and python on a busy machine (other builds, -race) may take
	// many seconds to start.
	runWait = 2 * time.Minute
)

var (
	workflowRunIDPattern = regexp.MustCompile(`^wr_[0-9a-f]{64}$`)
	jobRunIDPattern      = regexp.MustCompile(`^jr_[0-9a-f]{64}$`)
)

// pyScript writes a Python job script named name.py into dir and returns its
// absolute path.
func pyScript(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name+".py")
	require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	return p
}

// scriptJob creates a pythonshell job that runs script; opts adjust the
// request first.
func scriptJob(t *testing.T, b *testBundle, name, script string, opts ...func(*glue.CreateJobInput)) {
	t.Helper()
	in := &glue.CreateJobInput{Name: aws.String(name), Role: aws.String(runRole),
		Command: &types.JobCommand{Name: aws.String("pythonshell"), ScriptLocation: aws.String(script)}}
	for _, o := range opts {
		o(in)
	}
	_, err := b.client.CreateJob(context.Background(), in)
	require.NoError(t, err)
}

// queuedAtLimit creates the job "queued" (JobRunQueuingEnabled, one run at
// a time, held by gate), runs it once standalone until RUNNING, and starts
// a run of the workflow "waits", whose start trigger queues a second run
// of it. It returns the gate, the first job run's id and the workflow
// run's id.
func queuedAtLimit(t *testing.T, b *testBundle) (gate, first, runID string) {
	t.Helper()
	dir := t.TempDir()
	gate = filepath.Join(dir, "gate")
	scriptJob(t, b, "queued", pyScript(t, dir, "blocked", gluetest.Gate(gate, "")), func(in *glue.CreateJobInput) {
		in.JobRunQueuingEnabled = aws.Bool(true)
	})
	first = startJobRun(t, b, &glue.StartJobRunInput{JobName: aws.String("queued")})
	waitJobRunState(t, b, "queued", first, types.JobRunStateRunning, runWait)
	mustWorkflow(t, b, "waits")
	mustTrigger(t, b, startTrigger("waits", "start", jobAction("queued")))
	return gate, first, startRun(t, b, "waits", nil)
}

// withMaxConcurrent sets a job's ExecutionProperty.MaxConcurrentRuns.
func withMaxConcurrent(n int32) func(*glue.CreateJobInput) {
	return func(in *glue.CreateJobInput) {
		in.ExecutionProperty = &types.ExecutionProperty{MaxConcurrentRuns: n}
	}
}

// jobAction is an action that starts a job.
func jobAction(job string) types.Action { return types.Action{JobName: aws.String(job)} }

// jobCond is a condition on a job run's final state.
func jobCond(job string, state types.JobRunState) types.Condition {
	return types.Condition{LogicalOperator: types.LogicalOperatorEquals, JobName: aws.String(job), State: state}
}

// crawlCond is a condition on a crawl's final state.
func crawlCond(crawler string, state types.CrawlState) types.Condition {
	return types.Condition{LogicalOperator: types.LogicalOperatorEquals, CrawlerName: aws.String(crawler), CrawlState: state}
}

// startTrigger is a workflow's ON_DEMAND start trigger.
func startTrigger(workflow, name string, actions ...types.Action) *glue.CreateTriggerInput {
	return &glue.CreateTriggerInput{Name: aws.String(name), WorkflowName: aws.String(workflow), Type: types.TriggerTypeOnDemand,
		Actions: actions}
}

// condTrigger is an activated CONDITIONAL trigger of a workflow (none when
// workflow is empty).
func condTrigger(workflow, name string, logical types.Logical, conds []types.Condition, actions ...types.Action) *glue.CreateTriggerInput {
	in := &glue.CreateTriggerInput{Name: aws.String(name), Type: types.TriggerTypeConditional, StartOnCreation: true,
		Predicate: &types.Predicate{Logical: logical, Conditions: conds}, Actions: actions}
	if workflow != "" {
		in.WorkflowName = aws.String(workflow)
	}
	return in
}

// startRun starts a workflow run and returns its id.
func startRun(t *testing.T, b *testBundle, workflow string, props map[string]string) string {
	t.Helper()
	out, err := b.client.StartWorkflowRun(context.Background(), &glue.StartWorkflowRunInput{Name: aws.String(workflow), RunProperties: props})
	require.NoError(t, err)
	require.Regexp(t, workflowRunIDPattern, aws.ToString(out.RunId))
	return aws.ToString(out.RunId)
}

// getRun returns a workflow run with its graph.
func getRun(t *testing.T, b *testBundle, workflow, runID string) *types.WorkflowRun {
	t.Helper()
	out, err := b.client.GetWorkflowRun(context.Background(), &glue.GetWorkflowRunInput{Name: aws.String(workflow),
		RunId: aws.String(runID), IncludeGraph: aws.Bool(true)})
	require.NoError(t, err)
	require.NotNil(t, out.Run)
	return out.Run
}

func terminalRunStatus(s types.WorkflowRunStatus) bool {
	return s == types.WorkflowRunStatusCompleted || s == types.WorkflowRunStatusStopped || s == types.WorkflowRunStatusError
}

// waitRunStatus polls GetWorkflowRun until the run has the status and
// returns it with its graph. It fails at once when the run ends in another
// status, and when timeout passes.
func waitRunStatus(t *testing.T, b *testBundle, workflow, runID string, status types.WorkflowRunStatus, timeout time.Duration) *types.WorkflowRun {
	t.Helper()
	var run *types.WorkflowRun
	gluetest.Eventually(t, timeout, func() bool {
		run = getRun(t, b, workflow, runID)
		if run.Status != status && terminalRunStatus(run.Status) {
			require.FailNowf(t, "workflow run ended in another status", "want %s, got %s; %s", status, run.Status, describeRun(run))
		}
		return run.Status == status
	}, "workflow %s run %s reaches %s; last seen %s", workflow, runID, status, gluetest.Lazy(func() string { return describeRun(run) }))
	return run
}

// describeRun summarises a run's job runs and crawls for failure messages.
func describeRun(run *types.WorkflowRun) string {
	var parts []string
	if run.Graph != nil {
		for _, n := range run.Graph.Nodes {
			if n.JobDetails != nil {
				for _, r := range n.JobDetails.JobRuns {
					parts = append(parts, fmt.Sprintf("%s#%d=%s(%s)", aws.ToString(r.JobName), r.Attempt, r.JobRunState, aws.ToString(r.ErrorMessage)))
				}
			}
			if n.CrawlerDetails != nil {
				for _, c := range n.CrawlerDetails.Crawls {
					parts = append(parts, fmt.Sprintf("crawl %s=%s(%s)", aws.ToString(n.Name), c.State, aws.ToString(c.ErrorMessage)))
				}
			}
		}
	}
	return fmt.Sprintf("statistics %+v; runs: %s", run.Statistics, strings.Join(parts, ", "))
}

func terminalJobRunState(s types.JobRunState) bool {
	switch s {
	case types.JobRunStateSucceeded, types.JobRunStateFailed, types.JobRunStateStopped, types.JobRunStateTimeout,
		types.JobRunStateError, types.JobRunStateExpired:
		return true
	}
	return false
}

// waitJobRunState polls GetJobRun until the job run has the state. It fails
// at once when the run ends in another state, and when timeout passes.
func waitJobRunState(t *testing.T, b *testBundle, job, id string, state types.JobRunState, timeout time.Duration) *types.JobRun {
	t.Helper()
	var r *types.JobRun
	gluetest.Eventually(t, timeout, func() bool {
		r = getJobRun(t, b, job, id)
		if r.JobRunState != state && terminalJobRunState(r.JobRunState) {
			require.FailNowf(t, "job run ended in another state", "job %s run %s: want %s, got %s (%s)",
				job, id, state, r.JobRunState, aws.ToString(r.ErrorMessage))
		}
		return r.JobRunState == state
	}, "job %s run %s reaches %s; last seen %s", job, id, state, gluetest.Lazy(func() string { return string(r.JobRunState) }))
	return r
}

func getJobRun(t *testing.T, b *testBundle, job, id string) *types.JobRun {
	t.Helper()
	out, err := b.client.GetJobRun(context.Background(), &glue.GetJobRunInput{JobName: aws.String(job), RunId: aws.String(id)})
	require.NoError(t, err)
	require.NotNil(t, out.JobRun)
	return out.JobRun
}

// startJobRun starts a run of a job outside any workflow.
func startJobRun(t *testing.T, b *testBundle, in *glue.StartJobRunInput) string {
	t.Helper()
	out, err := b.client.StartJobRun(context.Background(), in)
	require.NoError(t, err)
	require.Regexp(t, jobRunIDPattern, aws.ToString(out.JobRunId))
	return aws.ToString(out.JobRunId)
}

// allJobRuns returns every run of a job, newest first, walking GetJobRuns
// with the SDK paginator.
func allJobRuns(t *testing.T, b *testBundle, job string) []types.JobRun {
	t.Helper()
	var out []types.JobRun
	p := glue.NewGetJobRunsPaginator(b.client, &glue.GetJobRunsInput{JobName: aws.String(job)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		require.NoError(t, err)
		out = append(out, page.JobRuns...)
	}
	return out
}

// graphNode returns the node of the given type and name.
func graphNode(t *testing.T, g *types.WorkflowGraph, typ types.NodeType, name string) *types.Node {
	t.Helper()
	require.NotNil(t, g, "the run has a graph")
	for i := range g.Nodes {
		if g.Nodes[i].Type == typ && aws.ToString(g.Nodes[i].Name) == name {
			return &g.Nodes[i]
		}
	}
	require.FailNowf(t, "no such node", "%s %s not in the graph", typ, name)
	return nil
}

// nodeJobRuns returns the job runs a run's graph shows for a job node (none
// when the node has no details).
func nodeJobRuns(t *testing.T, run *types.WorkflowRun, job string) []types.JobRun {
	t.Helper()
	n := graphNode(t, run.Graph, types.NodeTypeJob, job)
	if n.JobDetails == nil {
		return nil
	}
	return n.JobDetails.JobRuns
}

// onlyJobRun returns the single job run a run's graph shows for a job node.
func onlyJobRun(t *testing.T, run *types.WorkflowRun, job string) types.JobRun {
	t.Helper()
	runs := nodeJobRuns(t, run, job)
	require.Len(t, runs, 1, "job %s has exactly one job run in the run's graph", job)
	return runs[0]
}

// requireStats compares a run's statistics with the expected counters.
func requireStats(t *testing.T, want types.WorkflowRunStatistics, run *types.WorkflowRun) {
	t.Helper()
	require.NotNil(t, run.Statistics)
	require.Equal(t, want, *run.Statistics, "statistics; %s", describeRun(run))
}

// readPID waits for a script to write its pid into path and returns it.
func readPID(t *testing.T, path string) int {
	t.Helper()
	var pid int
	gluetest.Eventually(t, runWait, func() bool {
		b, err := os.ReadFile(path)
		if err != nil {
			return false
		}
		_, err = fmt.Sscanf(string(b), "%d", &pid)
		return err == nil && pid > 0
	}, "no pid in %s", path)
	return pid
}

// requireNotBefore asserts that later is not before earlier.
func requireNotBefore(t *testing.T, later, earlier *time.Time, msg string) {
	t.Helper()
	require.NotNil(t, later, msg)
	require.NotNil(t, earlier, msg)
	require.False(t, later.Before(*earlier), "%s: %s is before %s", msg, later, earlier)
}
