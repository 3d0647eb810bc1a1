package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

func testRetention(t *testing.T, open OpenFunc) {
	t.Run("WorkflowRuns", func(t *testing.T) {
		t.Parallel()
		testExpireWorkflowRuns(t, open)
	})
	t.Run("Members", func(t *testing.T) {
		t.Parallel()
		testExpireMembers(t, open)
	})
	t.Run("BlueprintRuns", func(t *testing.T) {
		t.Parallel()
		testExpireBlueprintRuns(t, open)
	})
}

// cutoff is the retention cutoff of the tests: runs completed before it
// (at(time.Hour), or at(9h59m) in another time zone) are expired, runs
// completed after it (at(11h), in a time zone whose clock reads earlier
// than the cutoff's in UTC) are not.
var cutoff = at(10 * time.Hour)

// expireFunc is one of store.Retention's methods.
type expireFunc func(r store.Retention, ctx context.Context, cutoff time.Time, limit int) ([]string, error)

// expireAll calls expire with limit until it deletes nothing, checking that
// no call deletes more than limit, and returns every id deleted.
func expireAll(t *testing.T, b *bundle, expire expireFunc, limit int) []string {
	t.Helper()
	var all []string
	for {
		var ids []string
		b.update(t, func(tx store.Tx) error {
			var err error
			ids, err = expire(tx.Retention(), b.ctx, cutoff, limit)
			return err
		})
		require.LessOrEqual(t, len(ids), limit, "a call deletes at most limit")
		if len(ids) == 0 {
			return all
		}
		all = append(all, ids...)
		require.Less(t, len(all), 100, "expiry does not stop")
	}
}

// ended returns a workflow run ended with status at completed.
func endedWorkflowRun(workflow, id string, status glue.WorkflowRunStatus, completed time.Time) *glue.WorkflowRunRecord {
	r := workflowRuns.make(workflow, id)
	r.Run.Status, r.Run.CompletedOn = status, glue.At(completed)
	return r
}

func endedJobRun(job, id string, state glue.JobRunState, completed time.Time) *glue.JobRunRecord {
	r := jobRun(job, id, state)
	r.JobRun.CompletedOn = glue.At(completed)
	return r
}

func endedCrawl(crawler, id, workflow, runID string, completed time.Time) *glue.CrawlRecord {
	c := crawlIn(crawler, id, workflow, runID)
	c.State, c.CompletedOn = glue.CrawlSucceeded, glue.At(completed)
	return c
}

// exists reports whether get finds the entity (and fails on other errors).
func exists(t *testing.T, err error) bool {
	t.Helper()
	if glue.IsCode(err, glue.EntityNotFound) {
		return false
	}
	require.NoError(t, err)
	return true
}

// Ensure ExpireWorkflowRuns deletes ended workflow runs completed before
// the cutoff (whatever the time zone they were recorded in), at most limit
// a call, with their firings and consumed events, and keeps running runs,
// runs completed after the cutoff, and ended runs with a member still
// running. Their job runs and crawls are left to the member expiry.
func testExpireWorkflowRuns(t *testing.T, open OpenFunc) {
	b := setup(t, open)
	ctx := b.ctx
	old := endedWorkflowRun("w", "wr_old", glue.WorkflowRunCompleted, at(time.Hour))
	zoned := endedWorkflowRun("w", "wr_zoned", glue.WorkflowRunError, at(10*time.Hour-time.Minute).In(elsewhere))
	stopped := endedWorkflowRun("w", "wr_stopped", glue.WorkflowRunStopped, at(time.Hour))
	waiting := endedWorkflowRun("w", "wr_waiting", glue.WorkflowRunStopped, at(time.Hour))
	recent := endedWorkflowRun("w", "wr_recent", glue.WorkflowRunCompleted, at(11*time.Hour).In(elsewhere))
	running := workflowRuns.make("w", "wr_running")
	mustInsertRuns(t, b, workflowRuns, old, zoned, stopped, waiting, recent, running)
	mustInsertRuns(t, b, jobRuns, inWorkflowRun(endedJobRun("j", "jr_old", glue.JobRunSucceeded, at(time.Hour)), "w", "wr_old"),
		inWorkflowRun(jobRun("j", "jr_stopping", glue.JobRunStopping), "w", "wr_stopped"))
	mustInsertRuns(t, b, crawls, crawlIn("c", "cr_running", "w", "wr_waiting"))
	evs := []*glue.Event{event("w", "e_old", 0), event("w", "e_recent", 0), event("w", "e_pending", 0)}
	insertEvents(t, b, evs...)
	b.update(t, func(tx store.Tx) error {
		for _, key := range []string{"wr_old", "wr_recent", "wr_zoned"} {
			if _, err := tx.Firings().Insert(ctx, key, "t"); err != nil {
				return err
			}
		}
		if err := tx.Events().Assign(ctx, []int64{evs[0].Seq}, "wr_old"); err != nil {
			return err
		}
		return tx.Events().Assign(ctx, []int64{evs[1].Seq}, "wr_recent")
	})

	got := expireAll(t, b, store.Retention.ExpireWorkflowRuns, 1)
	require.ElementsMatch(t, []string{"wr_old", "wr_zoned"}, got)

	b.view(t, func(tx store.Tx) error {
		for _, r := range []*glue.WorkflowRunRecord{old, zoned, stopped, waiting, recent, running} {
			_, err := tx.WorkflowRuns().Get(ctx, "w", r.Run.WorkflowRunID)
			require.Equal(t, !slices.Contains(got, r.Run.WorkflowRunID), exists(t, err), r.Run.WorkflowRunID)
		}
		for key, want := range map[string][]string{"wr_old": nil, "wr_zoned": nil, "wr_recent": {"t"}} {
			fired, err := tx.Firings().List(ctx, key)
			require.NoError(t, err)
			if len(want) == 0 {
				require.Empty(t, fired, "firings of %s", key)
				continue
			}
			require.Equal(t, want, fired, "firings of %s", key)
		}
		_, err := tx.JobRuns().ByID(ctx, "jr_old")
		require.NoError(t, err, "job runs are expired on their own")
		return nil
	})
	require.Equal(t, []bool{true, false, false}, insertEvents(t, b, event("w", "e_old", time.Hour), event("w", "e_recent", time.Hour),
		event("w", "e_pending", time.Hour)), "only the expired run's events are forgotten")
}

// Ensure ExpireJobRuns and ExpireCrawls delete ended members completed
// before the cutoff outside any stored workflow run, with the firings
// recorded under them, and keep members of stored workflow runs, members
// a stored (resumed) run carries, members still running, and members
// completed after the cutoff.
func testExpireMembers(t *testing.T, open OpenFunc) {
	b := setup(t, open)
	ctx := b.ctx
	resumed := endedWorkflowRun("w", "wr_resumed", glue.WorkflowRunCompleted, at(11*time.Hour))
	resumed.CarriedJobRuns, resumed.CarriedCrawls = []string{"jr_carried"}, []string{"cr_carried"}
	mustInsertRuns(t, b, workflowRuns, workflowRuns.make("w", "wr_running"), resumed)
	mustInsertRuns(t, b, jobRuns,
		endedJobRun("j", "jr_old", glue.JobRunFailed, at(time.Hour)),
		endedJobRun("j", "jr_zoned", glue.JobRunTimeout, at(10*time.Hour-time.Minute).In(elsewhere)),
		inWorkflowRun(endedJobRun("j", "jr_orphan", glue.JobRunSucceeded, at(time.Hour)), "w", "wr_gone"),
		inWorkflowRun(endedJobRun("j", "jr_carried", glue.JobRunSucceeded, at(time.Hour)), "w", "wr_gone"),
		inWorkflowRun(endedJobRun("j", "jr_member", glue.JobRunSucceeded, at(time.Hour)), "w", "wr_running"),
		endedJobRun("j", "jr_recent", glue.JobRunSucceeded, at(11*time.Hour).In(elsewhere)),
		jobRun("j", "jr_running", glue.JobRunRunning))
	mustInsertRuns(t, b, crawls,
		endedCrawl("c", "cr_old", "", "", at(time.Hour)),
		endedCrawl("c", "cr_orphan", "w", "wr_gone", at(time.Hour)),
		endedCrawl("c", "cr_carried", "w", "wr_gone", at(time.Hour)),
		endedCrawl("c", "cr_member", "w", "wr_running", at(time.Hour)),
		endedCrawl("c", "cr_recent", "", "", at(11*time.Hour).In(elsewhere)),
		crawls.make("c", "cr_running"))
	b.update(t, func(tx store.Tx) error {
		for _, key := range []string{"jr_old", "jr_recent", "cr_old", "cr_recent"} {
			if _, err := tx.Firings().Insert(ctx, key, "t"); err != nil {
				return err
			}
		}
		return nil
	})

	gotJobRuns := expireAll(t, b, store.Retention.ExpireJobRuns, 2)
	require.ElementsMatch(t, []string{"jr_old", "jr_zoned", "jr_orphan"}, gotJobRuns)
	gotCrawls := expireAll(t, b, store.Retention.ExpireCrawls, 1)
	require.ElementsMatch(t, []string{"cr_old", "cr_orphan"}, gotCrawls)

	b.view(t, func(tx store.Tx) error {
		for _, id := range []string{"jr_old", "jr_zoned", "jr_orphan", "jr_carried", "jr_member", "jr_recent", "jr_running"} {
			_, err := tx.JobRuns().ByID(ctx, id)
			require.Equal(t, !slices.Contains(gotJobRuns, id), exists(t, err), id)
		}
		for _, id := range []string{"cr_old", "cr_orphan", "cr_carried", "cr_member", "cr_recent", "cr_running"} {
			_, err := tx.Crawls().Get(ctx, id)
			require.Equal(t, !slices.Contains(gotCrawls, id), exists(t, err), id)
		}
		for key, want := range map[string][]string{"jr_old": nil, "cr_old": nil, "jr_recent": {"t"}, "cr_recent": {"t"}} {
			fired, err := tx.Firings().List(ctx, key)
			require.NoError(t, err)
			if len(want) == 0 {
				require.Empty(t, fired, "firings of %s", key)
				continue
			}
			require.Equal(t, want, fired, "firings of %s", key)
		}
		return nil
	})
}

// Ensure ExpireBlueprintRuns deletes SUCCEEDED and FAILED blueprint runs
// completed before the cutoff, and keeps running and rolling-back runs and
// runs completed after it.
func testExpireBlueprintRuns(t *testing.T, open OpenFunc) {
	b := setup(t, open)
	ctx := b.ctx
	run := func(id string, state glue.BlueprintRunState, completed time.Time) *glue.BlueprintRunRecord {
		r := blueprintRuns.make("bp", id)
		r.Run.State, r.Run.CompletedOn = state, glue.At(completed)
		return r
	}
	runs := []*glue.BlueprintRunRecord{run("br_ok", glue.BlueprintRunSucceeded, at(time.Hour)),
		run("br_failed", glue.BlueprintRunFailed, at(time.Hour).In(elsewhere)),
		run("br_rolling", glue.BlueprintRunRollingBack, at(time.Hour)),
		run("br_running", glue.BlueprintRunRunning, time.Time{}),
		run("br_recent", glue.BlueprintRunSucceeded, at(11*time.Hour).In(elsewhere))}
	mustInsertRuns(t, b, blueprintRuns, runs...)

	got := expireAll(t, b, store.Retention.ExpireBlueprintRuns, 500)
	require.ElementsMatch(t, []string{"br_ok", "br_failed"}, got)
	b.view(t, func(tx store.Tx) error {
		for _, r := range runs {
			_, err := tx.BlueprintRuns().Get(ctx, "bp", r.Run.RunID)
			require.Equal(t, !slices.Contains(got, r.Run.RunID), exists(t, err), r.Run.RunID)
		}
		return nil
	})
}
