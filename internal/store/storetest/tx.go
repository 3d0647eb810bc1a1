package storetest

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

func testTransactions(t *testing.T, open OpenFunc) {
	t.Run("RollbackOnError", func(t *testing.T) {
		t.Parallel()
		testRollback(t, open)
	})
	t.Run("RollbackRuns", func(t *testing.T) {
		t.Parallel()
		testRollbackRuns(t, open)
	})
	t.Run("UsableAfterDomainError", func(t *testing.T) {
		t.Parallel()
		testUsableAfterDomainError(t, open)
	})
	t.Run("ViewSeesCommitted", func(t *testing.T) {
		t.Parallel()
		testViewSeesCommitted(t, open)
	})
	t.Run("ViewSnapshot", func(t *testing.T) {
		t.Parallel()
		testViewSnapshot(t, open)
	})
	t.Run("ViewRejectsWrites", func(t *testing.T) {
		t.Parallel()
		testViewRejectsWrites(t, open)
	})
	t.Run("ConcurrentUpdates", func(t *testing.T) {
		t.Parallel()
		testConcurrentUpdates(t, open)
	})
	t.Run("ConcurrentSettle", func(t *testing.T) {
		t.Parallel()
		testConcurrentSettle(t, open)
	})
}

// Ensure an Update whose fn fails writes nothing: inserts, replaces,
// deletes and tag changes are all rolled back, and fn's error is returned
// as it was.
func testRollback(t *testing.T, open OpenFunc) {
	b := setup(t, open)
	ctx := b.ctx
	mustInsert(t, b, workflows, workflows.make("keep", "original"), workflows.make("doomed", "original"))
	mustInsert(t, b, jobs, jobs.make("j", "original"))
	b.update(t, func(tx store.Tx) error {
		return tx.AddTags(ctx, glue.Resource{Kind: glue.KindWorkflow, Name: "keep"}, map[string]string{"a": "1"})
	})

	boom := errors.New("boom")
	err := b.store.Update(ctx, func(tx store.Tx) error {
		require.NoError(t, tx.Workflows().Insert(ctx, "new", workflows.make("new", "")))
		require.NoError(t, tx.Workflows().Replace(ctx, "keep", workflows.make("keep", "changed")))
		existed, err := tx.Workflows().Delete(ctx, "doomed")
		require.NoError(t, err)
		require.True(t, existed)
		require.NoError(t, tx.Jobs().Insert(ctx, "j2", jobs.make("j2", "")))
		require.NoError(t, tx.Triggers().Insert(ctx, "t", triggers.make("t", "")))
		require.NoError(t, tx.Crawlers().Insert(ctx, "c", crawlers.make("c", "")))
		r := glue.Resource{Kind: glue.KindWorkflow, Name: "keep"}
		require.NoError(t, tx.AddTags(ctx, r, map[string]string{"b": "2"}))
		require.NoError(t, tx.RemoveTags(ctx, r, []string{"a"}))
		return fmt.Errorf("while updating: %w", boom)
	})
	require.ErrorIs(t, err, boom)

	b.view(t, func(tx store.Tx) error {
		all, err := tx.Workflows().List(ctx, glue.ListOptions{})
		require.NoError(t, err)
		require.Equal(t, []string{"doomed", "keep"}, names(workflows, all))
		require.Equal(t, "original", *all[1].Description)
		js, err := tx.Jobs().List(ctx, glue.ListOptions{})
		require.NoError(t, err)
		require.Equal(t, []string{"j"}, names(jobs, js))
		ts, err := tx.Triggers().List(ctx, glue.ListOptions{})
		require.NoError(t, err)
		require.Empty(t, ts)
		cs, err := tx.Crawlers().List(ctx, glue.ListOptions{})
		require.NoError(t, err)
		require.Empty(t, cs)
		tags, err := tx.Tags(ctx, glue.Resource{Kind: glue.KindWorkflow, Name: "keep"})
		require.NoError(t, err)
		require.Equal(t, map[string]string{"a": "1"}, tags)
		return nil
	})

	// A glue error returned by fn comes back with its code.
	err = b.store.Update(ctx, func(tx store.Tx) error {
		require.NoError(t, tx.Workflows().Insert(ctx, "other", workflows.make("other", "")))
		return tx.Workflows().Insert(ctx, "keep", workflows.make("keep", "dup"))
	})
	requireCode(t, err, glue.AlreadyExists)
	b.view(t, func(tx store.Tx) error {
		_, err := tx.Workflows().Get(ctx, "other")
		requireCode(t, err, glue.EntityNotFound) // rolled back with the failed insert
		return nil
	})

	// A View's error is returned too.
	require.ErrorIs(t, b.store.View(ctx, func(store.Tx) error { return boom }), boom)
}

// Ensure an Update that fails leaves no trace among runs, firings,
// schedules and events: nothing it inserted, updated or deleted shows
// afterwards, and the keys it claimed are new again.
func testRollbackRuns(t *testing.T, open OpenFunc) {
	b := setup(t, open)
	ctx := b.ctx
	keptRun := workflowRuns.make("A", "wr_kept")
	keptJobRun := triggered(jobRuns.make("j", "jr_kept"), "t")
	keptCrawl := crawls.make("c", "cr_kept")
	keptBlueprintRun := blueprintRuns.make("bp", "br_kept")
	mustInsertRuns(t, b, workflowRuns, keptRun)
	mustInsertRuns(t, b, jobRuns, keptJobRun)
	mustInsertRuns(t, b, crawls, keptCrawl)
	mustInsertRuns(t, b, blueprintRuns, keptBlueprintRun)
	s1 := &glue.ScheduleRecord{Key: "trigger/s1", Expression: "cron(0 * * * ? *)", LastFire: ms}
	s3 := &glue.ScheduleRecord{Key: "trigger/s3", Expression: "cron(5 * * * ? *)", LastFire: ms}
	eA, eB := event("A", "e1", 0), event("B", "e9", time.Second)
	b.update(t, func(tx store.Tx) error {
		if _, err := tx.Firings().Insert(ctx, "wr_kept", "t"); err != nil {
			return err
		}
		if err := tx.Schedules().Put(ctx, s1); err != nil {
			return err
		}
		if err := tx.Schedules().Put(ctx, s3); err != nil {
			return err
		}
		if _, err := tx.Schedules().Fired(ctx, s1.Key, ms); err != nil {
			return err
		}
		for _, ev := range []*glue.Event{eA, eB} {
			if _, err := tx.Events().Insert(ctx, ev); err != nil {
				return err
			}
		}
		return nil
	})

	boom := errors.New("boom")
	err := b.store.Update(ctx, func(tx store.Tx) error {
		require.NoError(t, tx.WorkflowRuns().Insert(ctx, workflowRuns.make("A", "wr_new")))
		require.NoError(t, tx.JobRuns().Insert(ctx, triggered(jobRuns.make("j", "jr_new"), "t")))
		require.NoError(t, tx.Crawls().Insert(ctx, crawls.make("c", "cr_new")))
		require.NoError(t, tx.BlueprintRuns().Insert(ctx, blueprintRuns.make("bp", "br_new")))

		run, err := tx.WorkflowRuns().Get(ctx, "A", "wr_kept")
		require.NoError(t, err)
		workflowRuns.finish(run, "rolled back")
		require.NoError(t, tx.WorkflowRuns().Update(ctx, run))
		jr, err := tx.JobRuns().Get(ctx, "j", "jr_kept")
		require.NoError(t, err)
		jobRuns.finish(jr, "rolled back")
		jr.Retried = true
		require.NoError(t, tx.JobRuns().Update(ctx, jr))
		require.NoError(t, tx.Crawls().DeleteCrawler(ctx, "c"))
		require.NoError(t, tx.BlueprintRuns().DeleteBlueprint(ctx, "bp"))

		for _, f := range [][2]string{{"wr_kept", "t2"}, {"wr_new", "t"}} {
			fresh, err := tx.Firings().Insert(ctx, f[0], f[1])
			require.NoError(t, err)
			require.True(t, fresh)
		}
		require.NoError(t, tx.Schedules().Put(ctx, &glue.ScheduleRecord{Key: "trigger/s2", Expression: "cron(1 * * * ? *)", LastFire: ms}))
		require.NoError(t, tx.Schedules().Put(ctx, &glue.ScheduleRecord{Key: s1.Key, Expression: "changed", LastFire: at(time.Hour)}))
		require.NoError(t, tx.Schedules().Delete(ctx, s3.Key))
		fresh, err := tx.Schedules().Fired(ctx, s1.Key, at(time.Minute))
		require.NoError(t, err)
		require.True(t, fresh)

		fresh, err = tx.Events().Insert(ctx, event("A", "e2", time.Minute))
		require.NoError(t, err)
		require.True(t, fresh)
		require.NoError(t, tx.Events().Assign(ctx, []int64{eA.Seq}, "wr_new"))
		require.NoError(t, tx.Events().DeleteWorkflow(ctx, "B"))
		return boom
	})
	require.ErrorIs(t, err, boom)

	b.view(t, func(tx store.Tx) error {
		runs, err := tx.WorkflowRuns().List(ctx, "A", 0, 0)
		require.NoError(t, err)
		require.Equal(t, []string{"wr_kept"}, workflowRuns.ids(runs))
		require.Equal(t, glue.WorkflowRunRunning, runs[0].Run.Status)
		require.Empty(t, runs[0].Run.ErrorMessage)
		active, err := tx.WorkflowRuns().Active(ctx, "")
		require.NoError(t, err)
		require.Equal(t, []string{"wr_kept"}, workflowRuns.ids(active))

		jrs, err := tx.JobRuns().List(ctx, "j", 0, 0)
		require.NoError(t, err)
		require.Equal(t, []string{"jr_kept"}, jobRuns.ids(jrs))
		require.Equal(t, glue.JobRunRunning, jrs[0].JobRun.JobRunState)
		require.False(t, jrs[0].Retried)
		_, err = tx.JobRuns().ByID(ctx, "jr_new")
		requireCode(t, err, glue.EntityNotFound)
		latest, err := tx.JobRuns().LatestTriggered(ctx, "j")
		require.NoError(t, err)
		require.NotNil(t, latest)
		require.Equal(t, "jr_kept", latest.JobRun.ID)

		cs, err := tx.Crawls().List(ctx, "c", 0, 0)
		require.NoError(t, err)
		require.Equal(t, []string{"cr_kept"}, crawls.ids(cs))
		_, err = tx.Crawls().Get(ctx, "cr_new")
		requireCode(t, err, glue.EntityNotFound)
		brs, err := tx.BlueprintRuns().List(ctx, "bp", 0, 0)
		require.NoError(t, err)
		require.Equal(t, []string{"br_kept"}, blueprintRuns.ids(brs))

		fired, err := tx.Firings().List(ctx, "wr_kept")
		require.NoError(t, err)
		require.Equal(t, []string{"t"}, fired)
		fired, err = tx.Firings().List(ctx, "wr_new")
		require.NoError(t, err)
		require.Empty(t, fired)

		schedules, err := tx.Schedules().List(ctx)
		require.NoError(t, err)
		require.Len(t, schedules, 2)
		got, err := tx.Schedules().Get(ctx, s1.Key)
		require.NoError(t, err)
		require.Equal(t, s1.Expression, got.Expression)
		requireInstant(t, s1.LastFire, got.LastFire)
		got, err = tx.Schedules().Get(ctx, s3.Key)
		require.NoError(t, err)
		require.NotNil(t, got)
		got, err = tx.Schedules().Get(ctx, "trigger/s2")
		require.NoError(t, err)
		require.Nil(t, got)

		evs, err := tx.Events().Pending(ctx, "A")
		require.NoError(t, err)
		require.Equal(t, []string{"e1"}, eventIDs(evs))
		evs, err = tx.Events().Pending(ctx, "B")
		require.NoError(t, err)
		require.Equal(t, []string{"e9"}, eventIDs(evs))
		workflows, err := tx.Events().PendingWorkflows(ctx)
		require.NoError(t, err)
		require.ElementsMatch(t, []string{"A", "B"}, workflows)
		return nil
	})

	// What the failed transaction claimed is free again; what was committed
	// before it is not.
	b.update(t, func(tx store.Tx) error {
		fresh, err := tx.Firings().Insert(ctx, "wr_kept", "t2")
		require.NoError(t, err)
		require.True(t, fresh)
		fresh, err = tx.Firings().Insert(ctx, "wr_kept", "t")
		require.NoError(t, err)
		require.False(t, fresh)
		fresh, err = tx.Schedules().Fired(ctx, s1.Key, at(time.Minute))
		require.NoError(t, err)
		require.True(t, fresh)
		fresh, err = tx.Schedules().Fired(ctx, s1.Key, ms)
		require.NoError(t, err)
		require.False(t, fresh)
		fresh, err = tx.Events().Insert(ctx, event("A", "e2", time.Hour))
		require.NoError(t, err)
		require.True(t, fresh)
		fresh, err = tx.Events().Insert(ctx, event("B", "e9", time.Hour))
		require.NoError(t, err)
		require.False(t, fresh)
		return tx.WorkflowRuns().Insert(ctx, workflowRuns.make("A", "wr_new"))
	})
}

// Ensure a transaction stays usable after an operation reports
// EntityNotFound or AlreadyExists: callers such as batch gets carry on, and
// the rest of the transaction commits.
func testUsableAfterDomainError(t *testing.T, open OpenFunc) {
	b := setup(t, open)
	ctx := b.ctx
	mustInsert(t, b, workflows, workflows.make("a", "a"))
	b.update(t, func(tx store.Tx) error {
		_, err := tx.Workflows().Get(ctx, "missing")
		requireCode(t, err, glue.EntityNotFound)
		requireCode(t, tx.Workflows().Insert(ctx, "a", workflows.make("a", "dup")), glue.AlreadyExists)
		requireCode(t, tx.Workflows().Replace(ctx, "missing", workflows.make("missing", "")), glue.EntityNotFound)
		return tx.Workflows().Insert(ctx, "b", workflows.make("b", "b"))
	})
	b.view(t, func(tx store.Tx) error {
		_, err := tx.Workflows().Get(ctx, "missing")
		requireCode(t, err, glue.EntityNotFound)
		all, err := tx.Workflows().List(ctx, glue.ListOptions{})
		require.NoError(t, err)
		require.Equal(t, []string{"a", "b"}, names(workflows, all))
		require.Equal(t, "a", *all[0].Description, "the failed insert did not overwrite")
		return nil
	})
}

// Ensure a View sees everything committed before it started.
func testViewSeesCommitted(t *testing.T, open OpenFunc) {
	b := setup(t, open)
	ctx := b.ctx
	for i := range 5 {
		name := fmt.Sprintf("w%d", i)
		mustInsert(t, b, workflows, workflows.make(name, ""))
		b.view(t, func(tx store.Tx) error {
			got, err := tx.Workflows().Get(ctx, name)
			require.NoError(t, err)
			require.Equal(t, name, got.Name)
			all, err := tx.Workflows().List(ctx, glue.ListOptions{})
			require.NoError(t, err)
			require.Len(t, all, i+1)
			return nil
		})
	}
}

// Ensure a View reads one snapshot: an Update committed while the View is
// open does not show up half way through it.
func testViewSnapshot(t *testing.T, open OpenFunc) {
	b := setup(t, open)
	ctx := b.ctx
	mustInsert(t, b, workflows, workflows.make("a", "before"))
	done := make(chan error, 1)
	committed := false
	b.view(t, func(tx store.Tx) error {
		first, err := tx.Workflows().List(ctx, glue.ListOptions{})
		require.NoError(t, err)
		go func() {
			done <- b.store.Update(ctx, func(tx store.Tx) error {
				if err := tx.Workflows().Insert(ctx, "b", workflows.make("b", "")); err != nil {
					return err
				}
				return tx.Workflows().Replace(ctx, "a", workflows.make("a", "after"))
			})
		}()
		// A backend may hold writers back while a reader is open; then
		// there is nothing to observe here.
		select {
		case err := <-done:
			require.NoError(t, err)
			committed = true
		case <-time.After(2 * time.Second):
		}
		second, err := tx.Workflows().List(ctx, glue.ListOptions{})
		require.NoError(t, err)
		require.Equal(t, names(workflows, first), names(workflows, second))
		got, err := tx.Workflows().Get(ctx, "a")
		require.NoError(t, err)
		require.Equal(t, "before", *got.Description)
		return nil
	})
	if !committed {
		require.NoError(t, <-done)
	}
	b.view(t, func(tx store.Tx) error {
		got, err := tx.Workflows().Get(ctx, "a")
		require.NoError(t, err)
		require.Equal(t, "after", *got.Description, "a new View sees the commit")
		return nil
	})
}

// Ensure a View is read-only: writes in it fail and nothing is stored.
func testViewRejectsWrites(t *testing.T, open OpenFunc) {
	b := setup(t, open)
	ctx := b.ctx
	err := b.store.View(ctx, func(tx store.Tx) error {
		return tx.Workflows().Insert(ctx, "sneaky", workflows.make("sneaky", ""))
	})
	require.Error(t, err, "Insert inside View must fail")
	b.view(t, func(tx store.Tx) error {
		_, err := tx.Workflows().Get(ctx, "sneaky")
		requireCode(t, err, glue.EntityNotFound)
		return nil
	})
}

// Ensure concurrent Update transactions are serialised: many goroutines
// doing read-modify-write on one counter lose no increment, and concurrent
// Views only ever see committed, increasing values.
func testConcurrentUpdates(t *testing.T, open OpenFunc) {
	const writers, increments = 16, 20
	b := setup(t, open)
	ctx := b.ctx
	mustInsert(t, b, workflows, workflows.make("counter", "0"))

	errs := make(chan error, writers+4)
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			for range increments {
				err := b.store.Update(ctx, func(tx store.Tx) error {
					w, err := tx.Workflows().Get(ctx, "counter")
					if err != nil {
						return err
					}
					n, err := strconv.Atoi(*w.Description)
					if err != nil {
						return err
					}
					w.Description = describe(strconv.Itoa(n + 1))
					return tx.Workflows().Replace(ctx, "counter", w)
				})
				if err != nil {
					errs <- fmt.Errorf("update: %w", err)
					return
				}
			}
		})
	}
	stop := make(chan struct{})
	var readers sync.WaitGroup
	for range 4 {
		readers.Go(func() {
			last := 0
			for {
				select {
				case <-stop:
					return
				default:
				}
				err := b.store.View(ctx, func(tx store.Tx) error {
					w, err := tx.Workflows().Get(ctx, "counter")
					if err != nil {
						return err
					}
					n, err := strconv.Atoi(*w.Description)
					if err != nil {
						return err
					}
					if n < last || n > writers*increments {
						return fmt.Errorf("counter went from %d to %d", last, n)
					}
					last = n
					return nil
				})
				if err != nil {
					errs <- fmt.Errorf("view: %w", err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	readers.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	b.view(t, func(tx store.Tx) error {
		w, err := tx.Workflows().Get(ctx, "counter")
		require.NoError(t, err)
		require.Equal(t, strconv.Itoa(writers*increments), *w.Description)
		return nil
	})
}

// Ensure two Update transactions settling two job runs of one workflow run
// at once fire the run's trigger exactly once. Each marks its job run
// SUCCEEDED, reads the run's job runs, and when every one has succeeded
// inserts the firing, as the engine's transitions do. Serialised, the
// second sees both job runs succeeded and finds the firing taken; a store
// whose concurrent writers miss each other's writes fires the trigger
// never (each sees only its own job run succeeded) or, without the firing
// key, twice.
func testConcurrentSettle(t *testing.T, open OpenFunc) {
	const rounds = 20
	b := setup(t, open)
	ctx := b.ctx
	settle := func(runID, jobRunID string) (bool, error) {
		fired := false
		err := b.store.Update(ctx, func(tx store.Tx) error {
			fired = false
			r, err := tx.JobRuns().ByID(ctx, jobRunID)
			if err != nil {
				return err
			}
			r.JobRun.JobRunState = glue.JobRunSucceeded
			if err := tx.JobRuns().Update(ctx, r); err != nil {
				return err
			}
			members, err := tx.JobRuns().Summaries(ctx, runID)
			if err != nil {
				return err
			}
			for _, m := range members {
				if m.State != string(glue.JobRunSucceeded) {
					return nil
				}
			}
			fired, err = tx.Firings().Insert(ctx, runID, "after-both")
			return err
		})
		return fired, err
	}
	for i := range rounds {
		runID := fmt.Sprintf("wr_%d", i)
		mustInsertRuns(t, b, workflowRuns, workflowRuns.make("w", runID))
		mustInsertRuns(t, b, jobRuns, inWorkflowRun(jobRuns.make("a", runID+"_a"), "w", runID),
			inWorkflowRun(jobRuns.make("b", runID+"_b"), "w", runID))

		start := make(chan struct{})
		results := make(chan error, 2)
		var fresh sync.WaitGroup
		var count atomic.Int32
		for _, jr := range []string{runID + "_a", runID + "_b"} {
			fresh.Go(func() {
				<-start
				fired, err := settle(runID, jr)
				if fired {
					count.Add(1)
				}
				results <- err
			})
		}
		close(start)
		fresh.Wait()
		close(results)
		for err := range results {
			require.NoError(t, err)
		}
		require.Equal(t, int32(1), count.Load(), "round %d: the trigger fired once", i)
		b.view(t, func(tx store.Tx) error {
			fired, err := tx.Firings().List(ctx, runID)
			require.NoError(t, err)
			require.Equal(t, []string{"after-both"}, fired)
			return nil
		})
	}
}
