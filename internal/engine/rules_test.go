package engine

import (
	"context"
	"testing"
	"time"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
	"github.com/stretchr/testify/require"
)

// Engine rules through the harness: each test is a few milliseconds, with a
// fake clock and processes ended by hand.

// Ensure a chain runs in order: B starts only once A has succeeded, and the
// run completes with exact statistics.
func TestRules_Chain(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.job("a")
	h.job("b")
	h.workflow("chain", jobs("a"), when("after-a", "", glue.JobRunSucceeded, []string{"a"}, "b"))
	id := h.startRun("chain")
	h.requireState("a", glue.JobRunStarting)
	h.pass()
	h.requireState("a", glue.JobRunRunning)
	require.Empty(t, h.runsOf("b"))
	h.exit(h.only("a").ID, 0)
	h.pass()
	h.requireState("a", glue.JobRunSucceeded)
	h.requireState("b", glue.JobRunRunning, "a pass records ends and launches what they fired")
	h.exit(h.only("b").ID, 0)
	h.pass()
	r := h.requireStatus("chain", id, glue.WorkflowRunCompleted)
	require.Equal(t, glue.WorkflowRunStatistics{TotalActions: 2, SucceededActions: 2}, *r.Statistics)
	require.Equal(t, []glue.Predecessor{{JobName: "a", RunID: h.only("a").ID}}, h.only("b").PredecessorRuns)

	// The log tells the story at info level, each line with its ids.
	logs := h.logs.String()
	for _, want := range []string{
		`msg="workflow run started" workflow=chain workflow_run=` + id,
		`msg="trigger fired" trigger=chain-start type=ON_DEMAND workflow=chain workflow_run=` + id,
		`msg="job run started" job_run=` + h.only("a").ID + ` job=a attempt=0 workflow_run=` + id,
		`msg="job run ended" job_run=` + h.only("b").ID + ` job=b state=SUCCEEDED attempt=0 workflow_run=` + id,
		`msg="workflow run ended" workflow=chain workflow_run=` + id + ` status=COMPLETED`,
		`total=2 succeeded=2 failed=0`,
	} {
		require.Contains(t, logs, want)
	}
}

// Ensure AND fan-in waits for every watched job and ANY fan-in fires on the
// first, once.
func TestRules_FanIn(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, j := range []string{"a", "b", "all", "any"} {
		h.job(j)
	}
	h.workflow("fan", jobs("a", "b"),
		when("and", glue.LogicalAnd, glue.JobRunSucceeded, []string{"a", "b"}, "all"),
		when("or", glue.LogicalAny, glue.JobRunSucceeded, []string{"a", "b"}, "any"))
	id := h.startRun("fan")
	h.pass()
	h.exit(h.only("a").ID, 0)
	h.pass()
	require.Empty(t, h.runsOf("all"), "AND waits for b")
	h.requireState("any", glue.JobRunRunning)
	h.exit(h.only("b").ID, 0)
	h.pass()
	h.requireState("all", glue.JobRunRunning)
	require.Len(t, h.runsOf("any"), 1, "ANY fires once per run")
	h.pass()
	h.exit(h.only("all").ID, 0)
	h.exit(h.only("any").ID, 0)
	h.pass()
	r := h.requireStatus("fan", id, glue.WorkflowRunCompleted)
	require.Equal(t, int32(4), r.Statistics.SucceededActions)
}

// Ensure a FAILED job is retried per MaxRetries as a new attempt, only the
// final attempt counts for conditions, and a job failing for good fires the
// FAILED branch once.
func TestRules_Retries(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.job("flaky", func(j *glue.Job) { j.MaxRetries = 2 })
	h.job("on-ok")
	h.job("on-fail")
	h.workflow("retry", jobs("flaky"),
		when("ok", "", glue.JobRunSucceeded, []string{"flaky"}, "on-ok"),
		when("failed", "", glue.JobRunFailed, []string{"flaky"}, "on-fail"))
	id := h.startRun("retry")
	h.pass()
	h.exit(h.runsOf("flaky")[0].ID, 1)
	h.pass()
	require.Empty(t, h.runsOf("on-fail"), "a retried attempt is not final")
	runs := h.runsOf("flaky")
	require.Len(t, runs, 2)
	require.Equal(t, int32(1), runs[1].Attempt)
	require.Equal(t, runs[0].ID, runs[1].PreviousRunID)
	h.pass()
	h.exit(runs[1].ID, 0)
	h.pass()
	h.requireState("flaky", glue.JobRunFailed, glue.JobRunSucceeded)
	h.requireState("on-ok", glue.JobRunRunning)
	require.Empty(t, h.runsOf("on-fail"))
	h.pass()
	h.exit(h.only("on-ok").ID, 0)
	h.pass()
	r := h.requireStatus("retry", id, glue.WorkflowRunCompleted)
	require.Equal(t, glue.WorkflowRunStatistics{TotalActions: 3, SucceededActions: 2, FailedActions: 1}, *r.Statistics)
}

// Ensure a run past its Timeout is stopped at the fake clock's deadline,
// ends TIMEOUT (not retried), and fires the TIMEOUT branch.
func TestRules_Timeout(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	one := int32(1)
	h.job("slow", func(j *glue.Job) { j.Timeout = &one; j.MaxRetries = 3 })
	h.job("on-timeout")
	h.workflow("wf", jobs("slow"), when("t", "", glue.JobRunTimeout, []string{"slow"}, "on-timeout"))
	id := h.startRun("wf")
	h.pass()
	h.clock.Advance(59 * time.Second)
	h.pass()
	h.requireState("slow", glue.JobRunRunning)
	h.clock.Advance(time.Second)
	h.passUntil("slow ends", func() bool { return h.only("slow").JobRunState.Terminal() })
	jr := h.only("slow")
	require.Equal(t, glue.JobRunTimeout, jr.JobRunState)
	require.Equal(t, "job run timed out after 1 minutes", jr.ErrorMessage)
	h.requireState("on-timeout", glue.JobRunRunning)
	h.pass()
	h.exit(h.only("on-timeout").ID, 0)
	h.pass()
	h.requireStatus("wf", id, glue.WorkflowRunCompleted)
}

// Ensure a process that ended before a stop or timeout was acted on keeps
// its own outcome.
func TestRules_EndWinsOverLaterStop(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	one := int32(1)
	h.job("quick", func(j *glue.Job) { j.Timeout = &one })
	id, err := h.engine.StartJobRun(h.ctx, glue.JobRunRequest{JobName: "quick"})
	require.NoError(t, err)
	h.pass()
	h.exit(id, 0)
	h.clock.Advance(time.Hour) // the deadline passes before the end is recorded
	h.pass()
	h.requireState("quick", glue.JobRunSucceeded)
}

// Ensure StopWorkflowRun stops running and not yet started job runs, nothing
// more fires, and the run ends STOPPED.
func TestRules_StopWorkflowRun(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.job("running")
	h.job("queued")
	h.job("after")
	h.workflow("wf", jobs("running"), when("next", "", glue.JobRunStopped, []string{"running"}, "after"))
	id := h.startRun("wf")
	h.pass()
	_, err := h.engine.StartJobRun(h.ctx, glue.JobRunRequest{JobName: "queued"})
	require.NoError(t, err)
	require.NoError(t, h.engine.StopWorkflowRun(h.ctx, "wf", id))
	h.requireStatus("wf", id, glue.WorkflowRunStopping)
	h.passUntil("the run stops", func() bool { return h.run("wf", id).Status == glue.WorkflowRunStopped })
	h.requireState("running", glue.JobRunStopped)
	require.Empty(t, h.runsOf("after"), "nothing fires in a stopping run")
	require.True(t, h.exec.proc(h.only("running").ID).stopped)
}

// Ensure a job at MaxConcurrentRuns queues a run with queuing enabled and
// starts it when the first one ends, and refuses one without.
func TestRules_ConcurrencyQueue(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	yes := true
	h.job("single", func(j *glue.Job) { j.ExecutionProperty.MaxConcurrentRuns = 1; j.JobRunQueuingEnabled = &yes })
	first, err := h.engine.StartJobRun(h.ctx, glue.JobRunRequest{JobName: "single"})
	require.NoError(t, err)
	h.pass()
	second, err := h.engine.StartJobRun(h.ctx, glue.JobRunRequest{JobName: "single"})
	require.NoError(t, err)
	h.pass()
	h.requireState("single", glue.JobRunRunning, glue.JobRunWaiting)
	h.exit(first, 0)
	h.pass() // records the end and promotes the queued run
	h.pass() // launches it
	h.requireState("single", glue.JobRunSucceeded, glue.JobRunRunning)
	require.Equal(t, 1, h.exec.startCount(second))

	no := false
	_, err = h.engine.StartJobRun(h.ctx, glue.JobRunRequest{JobName: "single", JobRunQueuingEnabled: &no})
	require.True(t, glue.IsCode(err, glue.ConcurrentRunsExceeded), "%v", err)
}

// Ensure a standalone CONDITIONAL trigger fires when a job a trigger started
// succeeds, but not for a job started by StartJobRun.
func TestRules_StandaloneTrigger(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.job("a")
	h.job("b")
	h.update(func(ctx context.Context, tx store.Tx) error {
		if err := tx.Triggers().Insert(ctx, "go", &glue.Trigger{Name: "go", Type: glue.TriggerOnDemand, State: glue.TriggerCreated, Actions: jobs("a")}); err != nil {
			return err
		}
		w := when("then", "", glue.JobRunSucceeded, []string{"a"}, "b")
		w.State = glue.TriggerActivated
		return tx.Triggers().Insert(ctx, "then", w)
	})
	byHand, err := h.engine.StartJobRun(h.ctx, glue.JobRunRequest{JobName: "a"})
	require.NoError(t, err)
	h.pass()
	h.exit(byHand, 0)
	h.pass()
	require.Empty(t, h.runsOf("b"), "a StartJobRun run fires no trigger")

	var on *glue.Trigger
	h.update(func(ctx context.Context, tx store.Tx) (err error) { on, err = tx.Triggers().Get(ctx, "go"); return err })
	require.NoError(t, h.engine.FireOnDemand(h.ctx, on))
	h.pass()
	runs := h.runsOf("a")
	h.exit(runs[len(runs)-1].ID, 0)
	h.pass()
	h.requireState("b", glue.JobRunRunning)
}

// Ensure a crawler node runs in a workflow and its success fires the next
// trigger.
func TestRules_CrawlerNode(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.crawler("c")
	h.job("after")
	h.workflow("wf", []glue.Action{{CrawlerName: "c"}}, &glue.Trigger{Name: "crawled", Type: glue.TriggerConditional,
		Predicate: &glue.Predicate{Conditions: []glue.Condition{{LogicalOperator: "EQUALS", CrawlerName: "c", CrawlState: string(glue.CrawlSucceeded)}}},
		Actions:   jobs("after")})
	id := h.startRun("wf")
	h.passUntil("the crawl ends and fires", func() bool { return len(h.runsOf("after")) == 1 })
	h.pass()
	h.exit(h.only("after").ID, 0)
	h.pass()
	r := h.requireStatus("wf", id, glue.WorkflowRunCompleted)
	require.Equal(t, glue.WorkflowRunStatistics{TotalActions: 2, SucceededActions: 2}, *r.Statistics)
}

// Ensure ResumeWorkflowRun restarts a failed node and what is downstream of
// it, in a new run that carries the rest.
func TestRules_Resume(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.job("a")
	h.job("b")
	h.job("c")
	h.workflow("wf", jobs("a"), when("ab", "", glue.JobRunSucceeded, []string{"a"}, "b"), when("bc", "", glue.JobRunSucceeded, []string{"b"}, "c"))
	id := h.startRun("wf")
	h.pass()
	h.exit(h.only("a").ID, 0)
	h.pass()
	h.pass()
	h.exit(h.only("b").ID, 1)
	h.pass()
	h.requireStatus("wf", id, glue.WorkflowRunCompleted)
	var bNode string
	for _, n := range h.run("wf", id).Graph.Nodes {
		if n.Type == glue.NodeJob && n.Name == "b" {
			bNode = n.UniqueID
		}
	}
	newID, restarted, err := h.engine.ResumeWorkflowRun(h.ctx, "wf", id, []string{bNode})
	require.NoError(t, err)
	require.Equal(t, []string{bNode}, restarted)
	h.pass()
	h.exit(h.runsOf("b")[1].ID, 0)
	h.pass()
	h.pass()
	h.exit(h.only("c").ID, 0)
	h.pass()
	r := h.requireStatus("wf", newID, glue.WorkflowRunCompleted)
	require.Equal(t, id, r.PreviousRunID)
	require.Len(t, h.runsOf("a"), 1, "a is carried, not run again")
}
