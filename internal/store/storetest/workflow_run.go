package storetest

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

func testWorkflowRuns(t *testing.T, open OpenFunc) {
	exerciseRuns(t, open, workflowRuns)
	t.Run("Active", func(t *testing.T) {
		t.Parallel()
		testWorkflowRunsActive(t, open)
	})
}

func workflowRun(workflow, id string, status glue.WorkflowRunStatus) *glue.WorkflowRunRecord {
	r := workflowRuns.make(workflow, id)
	r.Run.Status = status
	return r
}

// Ensure Active returns the RUNNING and STOPPING runs of a workflow, or of
// every workflow for "", and follows Update.
func testWorkflowRunsActive(t *testing.T, open OpenFunc) {
	b := setup(t, open)
	ctx := b.ctx
	mustInsertRuns(t, b, workflowRuns,
		workflowRun("A", "a-running", glue.WorkflowRunRunning),
		workflowRun("A", "a-completed", glue.WorkflowRunCompleted),
		workflowRun("A", "a-stopping", glue.WorkflowRunStopping),
		workflowRun("A", "a-stopped", glue.WorkflowRunStopped),
		workflowRun("A", "a-error", glue.WorkflowRunError),
		workflowRun("B", "b-running", glue.WorkflowRunRunning),
		workflowRun("B", "b-stopping", glue.WorkflowRunStopping),
		workflowRun("B", "b-completed", glue.WorkflowRunCompleted),
		workflowRun("C", "c-completed", glue.WorkflowRunCompleted),
		workflowRun("AB", "ab-running", glue.WorkflowRunRunning),
	)
	active := func(workflow string) []string {
		t.Helper()
		var out []*glue.WorkflowRunRecord
		b.view(t, func(tx store.Tx) error {
			var err error
			out, err = tx.WorkflowRuns().Active(ctx, workflow)
			return err
		})
		for _, r := range out {
			require.True(t, r.Active(), "%s is %s", r.Run.WorkflowRunID, r.Run.Status)
			require.Positive(t, r.Seq)
			require.Len(t, r.Triggers, 1, "Active returns whole records")
		}
		return workflowRuns.ids(out)
	}

	require.ElementsMatch(t, []string{"a-running", "a-stopping"}, active("A"))
	require.ElementsMatch(t, []string{"b-running", "b-stopping"}, active("B"))
	require.ElementsMatch(t, []string{"ab-running"}, active("AB"))
	require.Empty(t, active("C"))
	require.Empty(t, active("none"))
	require.ElementsMatch(t, []string{"a-running", "a-stopping", "b-running", "b-stopping", "ab-running"}, active(""))

	b.update(t, func(tx store.Tx) error {
		for _, u := range []struct {
			workflow, id string
			status       glue.WorkflowRunStatus
		}{
			{"A", "a-running", glue.WorkflowRunStopping},
			{"A", "a-stopping", glue.WorkflowRunStopped},
			{"A", "a-error", glue.WorkflowRunRunning},
			{"B", "b-running", glue.WorkflowRunCompleted},
		} {
			r, err := tx.WorkflowRuns().Get(ctx, u.workflow, u.id)
			require.NoError(t, err)
			r.Run.Status = u.status
			if err := tx.WorkflowRuns().Update(ctx, r); err != nil {
				return err
			}
		}
		return nil
	})
	require.ElementsMatch(t, []string{"a-running", "a-error"}, active("A"))
	require.ElementsMatch(t, []string{"b-stopping"}, active("B"))
	require.ElementsMatch(t, []string{"a-running", "a-error", "b-stopping", "ab-running"}, active(""))
}

func inWorkflowRun(r *glue.JobRunRecord, workflow, runID string) *glue.JobRunRecord {
	r.WorkflowName, r.WorkflowRunID = workflow, runID
	return r
}

func crawlIn(crawler, id, workflow, runID string) *glue.CrawlRecord {
	c := crawls.make(crawler, id)
	c.WorkflowName, c.WorkflowRunID = workflow, runID
	return c
}

// Ensure OfWorkflowRun returns the job runs and the crawls a workflow run
// started, oldest first across jobs and crawlers (ids sort otherwise), and
// nothing of other runs or of runs outside workflows.
func testOfWorkflowRun(t *testing.T, open OpenFunc) {
	b := setup(t, open)
	ctx := b.ctx
	mustInsertRuns(t, b, jobRuns,
		inWorkflowRun(jobRuns.make("x", "jz"), "w", "wr_1"),
		inWorkflowRun(jobRuns.make("y", "j2"), "w", "wr_2"),
		inWorkflowRun(jobRuns.make("y", "jb"), "w", "wr_1"),
		jobRuns.make("x", "j4"),
		inWorkflowRun(jobRuns.make("a", "ja"), "w", "wr_1"),
		inWorkflowRun(jobRuns.make("x", "j6"), "w", "wr_10"),
	)
	mustInsertRuns(t, b, crawls,
		crawlIn("c", "cz", "w", "wr_1"),
		crawlIn("d", "c2", "w", "wr_2"),
		crawlIn("d", "cb", "w", "wr_1"),
		crawls.make("c", "c4"),
		crawlIn("a", "c5", "w", "wr_10"),
	)
	// An update leaves a run where it was.
	b.update(t, func(tx store.Tx) error {
		r, err := tx.JobRuns().Get(ctx, "x", "jz")
		require.NoError(t, err)
		jobRuns.finish(r, "")
		if err := tx.JobRuns().Update(ctx, r); err != nil {
			return err
		}
		c, err := tx.Crawls().Get(ctx, "cz")
		require.NoError(t, err)
		crawls.finish(c, "")
		return tx.Crawls().Update(ctx, c)
	})

	b.view(t, func(tx store.Tx) error {
		for runID, want := range map[string][2][]string{
			"wr_1":  {{"jz", "jb", "ja"}, {"cz", "cb"}},
			"wr_2":  {{"j2"}, {"c2"}},
			"wr_10": {{"j6"}, {"c5"}},
			"wr_9":  {{}, {}},
		} {
			js, err := tx.JobRuns().OfWorkflowRun(ctx, runID)
			require.NoError(t, err)
			require.Equal(t, want[0], jobRuns.ids(js), "job runs of %s", runID)
			for _, r := range js {
				require.Equal(t, runID, r.WorkflowRunID)
				require.Positive(t, r.Seq)
			}
			cs, err := tx.Crawls().OfWorkflowRun(ctx, runID)
			require.NoError(t, err)
			require.Equal(t, want[1], crawls.ids(cs), "crawls of %s", runID)
			for _, c := range cs {
				require.Equal(t, runID, c.WorkflowRunID)
				require.Positive(t, c.Seq)
			}
		}
		return nil
	})
}
