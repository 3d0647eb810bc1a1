package storetest

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

func testJobRuns(t *testing.T, open OpenFunc) {
	exerciseRuns(t, open, jobRuns)
	t.Run("ByID", func(t *testing.T) {
		t.Parallel()
		testJobRunByID(t, open)
	})
	t.Run("InStatesOfJob", func(t *testing.T) {
		t.Parallel()
		testJobRunInStatesOfJob(t, open)
	})
	t.Run("Retried", func(t *testing.T) {
		t.Parallel()
		testJobRunRetried(t, open)
	})
	t.Run("LatestTriggered", func(t *testing.T) {
		t.Parallel()
		testLatestTriggered(t, open)
	})
}

func jobRun(job, id string, state glue.JobRunState) *glue.JobRunRecord {
	r := jobRuns.make(job, id)
	r.JobRun.JobRunState = state
	return r
}

// triggered marks r as started by a trigger.
func triggered(r *glue.JobRunRecord, trigger string) *glue.JobRunRecord {
	r.JobRun.TriggerName = trigger
	return r
}

// Ensure ByID finds a job run by id alone, whatever its job, with its Seq
// and latest update, and reports an unknown id as EntityNotFound.
func testJobRunByID(t *testing.T, open OpenFunc) {
	b := setup(t, open)
	ctx := b.ctx
	x, y := jobRuns.make("x", "jr_x"), inWorkflowRun(jobRuns.make("y", "jr_y"), "w", "wr_1")
	mustInsertRuns(t, b, jobRuns, x, y)
	b.update(t, func(tx store.Tx) error {
		r, err := tx.JobRuns().ByID(ctx, "jr_y")
		require.NoError(t, err)
		jobRuns.finish(r, "updated")
		return tx.JobRuns().Update(ctx, r)
	})
	b.view(t, func(tx store.Tx) error {
		got, err := tx.JobRuns().ByID(ctx, "jr_x")
		require.NoError(t, err)
		require.Equal(t, "x", got.JobRun.JobName)
		require.Equal(t, x.Seq, got.Seq)
		got, err = tx.JobRuns().ByID(ctx, "jr_y")
		require.NoError(t, err)
		require.Equal(t, "y", got.JobRun.JobName)
		require.Equal(t, "wr_1", got.WorkflowRunID)
		require.Equal(t, y.Seq, got.Seq)
		require.Equal(t, glue.JobRunFailed, got.JobRun.JobRunState)
		require.Equal(t, "updated", got.JobRun.ErrorMessage)
		_, err = tx.JobRuns().ByID(ctx, "missing")
		requireCode(t, err, glue.EntityNotFound, "missing")
		return nil
	})
}

// Ensure InStates with a job keeps to that job's runs, oldest first, and
// with "" spans every job.
func testJobRunInStatesOfJob(t *testing.T, open OpenFunc) {
	b := setup(t, open)
	ctx := b.ctx
	mustInsertRuns(t, b, jobRuns,
		jobRun("x", "x9", glue.JobRunRunning),
		jobRun("y", "y1", glue.JobRunRunning),
		jobRun("x", "x2", glue.JobRunStarting),
		jobRun("x", "x3", glue.JobRunSucceeded),
		jobRun("y", "y2", glue.JobRunWaiting),
		inWorkflowRun(jobRun("x", "x0", glue.JobRunRunning), "w", "wr_1"),
		jobRun("xy", "xy1", glue.JobRunRunning),
	)
	inStates := func(job string, states ...glue.JobRunState) []string {
		t.Helper()
		var out []*glue.JobRunRecord
		b.view(t, func(tx store.Tx) error {
			var err error
			out, err = tx.JobRuns().InStates(ctx, job, states...)
			return err
		})
		return jobRuns.ids(out)
	}
	require.Equal(t, []string{"x9", "x2", "x0"}, inStates("x", glue.JobRunRunning, glue.JobRunStarting))
	require.Equal(t, []string{"x9", "y1", "x2", "x0", "xy1"}, inStates("", glue.JobRunStarting, glue.JobRunRunning))
	require.Equal(t, []string{"y1"}, inStates("y", glue.JobRunRunning))
	require.Equal(t, []string{"x3"}, inStates("x", glue.JobRunSucceeded))
	require.Empty(t, inStates("x", glue.JobRunWaiting))
	require.Equal(t, []string{"y2"}, inStates("", glue.JobRunWaiting))
	require.Empty(t, inStates("z", glue.JobRunRunning))
}

// Ensure Update persists Retried both ways, for every reader.
func testJobRunRetried(t *testing.T, open OpenFunc) {
	b := setup(t, open)
	ctx := b.ctx
	r := triggered(jobRun("j", "attempt0", glue.JobRunFailed), "t")
	mustInsertRuns(t, b, jobRuns, r)
	retried := func() bool {
		t.Helper()
		var flags []bool
		b.view(t, func(tx store.Tx) error {
			got, err := tx.JobRuns().Get(ctx, "j", "attempt0")
			require.NoError(t, err)
			flags = append(flags, got.Retried)
			got, err = tx.JobRuns().ByID(ctx, "attempt0")
			require.NoError(t, err)
			flags = append(flags, got.Retried)
			all, err := tx.JobRuns().List(ctx, "j", 0, 0)
			require.NoError(t, err)
			require.Len(t, all, 1)
			flags = append(flags, all[0].Retried)
			all, err = tx.JobRuns().InStates(ctx, "j", glue.JobRunFailed)
			require.NoError(t, err)
			require.Len(t, all, 1)
			flags = append(flags, all[0].Retried)
			return nil
		})
		require.Equal(t, []bool{flags[0], flags[0], flags[0], flags[0]}, flags, "every reader agrees")
		return flags[0]
	}
	require.False(t, retried())

	r.Retried = true
	b.update(t, func(tx store.Tx) error { return tx.JobRuns().Update(ctx, r) })
	require.True(t, retried())
	require.Equal(t, "", latestTriggered(t, b, "j"), "a Retried attempt is no final attempt")

	r.Retried = false
	b.update(t, func(tx store.Tx) error { return tx.JobRuns().Update(ctx, r) })
	require.False(t, retried())
	require.Equal(t, "attempt0", latestTriggered(t, b, "j"))
}

// latestTriggered returns the id of LatestTriggered(job), "" for nil.
func latestTriggered(t *testing.T, b *bundle, job string) string {
	t.Helper()
	var id string
	b.view(t, func(tx store.Tx) error {
		r, err := tx.JobRuns().LatestTriggered(b.ctx, job)
		if err != nil || r == nil {
			return err
		}
		require.Equal(t, job, r.JobRun.JobName)
		require.Positive(t, r.Seq)
		id = r.JobRun.ID
		return nil
	})
	return id
}

// Ensure LatestTriggered picks the newest final attempt of a job that a
// trigger started outside any workflow: runs of workflow runs, runs
// StartJobRun started (no TriggerName) and attempts marked Retried never
// count, and a job without such a run has none.
func testLatestTriggered(t *testing.T, open OpenFunc) {
	b := setup(t, open)
	ctx := b.ctx
	require.Equal(t, "", latestTriggered(t, b, "j"), "no runs at all")

	mustInsertRuns(t, b, jobRuns,
		jobRuns.make("j", "manual"),
		triggered(inWorkflowRun(jobRuns.make("j", "in-workflow"), "w", "wr_1"), "t"),
	)
	require.Equal(t, "", latestTriggered(t, b, "j"), "neither a StartJobRun run nor a workflow's run counts")

	mustInsertRuns(t, b, jobRuns, triggered(jobRun("j", "first", glue.JobRunSucceeded), "t1"))
	require.Equal(t, "first", latestTriggered(t, b, "j"))

	mustInsertRuns(t, b, jobRuns,
		triggered(jobRuns.make("o", "other-job"), "t1"),
		jobRuns.make("j", "manual-later"),
		triggered(inWorkflowRun(jobRuns.make("j", "in-workflow-later"), "w", "wr_2"), "t"),
	)
	require.Equal(t, "first", latestTriggered(t, b, "j"), "later runs that do not count change nothing")
	require.Equal(t, "other-job", latestTriggered(t, b, "o"))

	failed := triggered(jobRun("j", "attempt0", glue.JobRunFailed), "t2")
	mustInsertRuns(t, b, jobRuns, failed)
	require.Equal(t, "attempt0", latestTriggered(t, b, "j"), "a failed final attempt counts")

	// A retry marks the failed attempt Retried, then inserts the next one.
	failed.Retried = true
	b.update(t, func(tx store.Tx) error { return tx.JobRuns().Update(ctx, failed) })
	require.Equal(t, "first", latestTriggered(t, b, "j"), "the Retried attempt no longer counts")
	retry := triggered(jobRuns.make("j", "attempt1"), "t2")
	retry.JobRun.Attempt, retry.JobRun.PreviousRunID = 1, "attempt0"
	mustInsertRuns(t, b, jobRuns, retry)
	require.Equal(t, "attempt1", latestTriggered(t, b, "j"), "a running final attempt counts")

	stale := triggered(jobRun("j", "inserted-retried", glue.JobRunFailed), "t3")
	stale.Retried = true
	mustInsertRuns(t, b, jobRuns, stale)
	require.Equal(t, "attempt1", latestTriggered(t, b, "j"), "Retried set at insert counts too")

	require.Equal(t, "", latestTriggered(t, b, "none"))
	b.update(t, func(tx store.Tx) error { return tx.JobRuns().DeleteJob(ctx, "j") })
	require.Equal(t, "", latestTriggered(t, b, "j"), "deleted with the job's runs")
	require.Equal(t, "other-job", latestTriggered(t, b, "o"))
}
