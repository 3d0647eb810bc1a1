package storetest

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
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
