package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// runKind describes one kind of run (workflow runs, job runs, crawls,
// blueprint runs) to the generic run tests: how to reach its methods in a
// transaction and how to build a run of an owner, the workflow, job,
// crawler or blueprint it belongs to.
type runKind[T any] struct {
	// ownerGet says Get takes the owner and must not find a run under
	// another; crawls are got by id alone.
	ownerGet bool
	// make builds a run of owner in the running state.
	make  func(owner, id string) *T
	owner func(*T) string
	id    func(*T) string
	seq   func(*T) int64
	state func(*T) string
	// finish moves a run to the final state with an error message.
	finish  func(r *T, message string)
	message func(*T) string
	// running and final are the states make and finish set.
	running, final string

	insert func(ctx context.Context, tx store.Tx, r *T) error
	get    func(ctx context.Context, tx store.Tx, owner, id string) (*T, error)
	update func(ctx context.Context, tx store.Tx, r *T) error
	list   func(ctx context.Context, tx store.Tx, owner string, beforeSeq int64, limit int) ([]*T, error)
	// inStates is InStates across owners; nil for workflow runs, which
	// have Active instead.
	inStates    func(ctx context.Context, tx store.Tx, states ...string) ([]*T, error)
	deleteOwner func(ctx context.Context, tx store.Tx, owner string) error
}

// typed converts state names to a kind's state type.
func typed[S ~string](states []string) []S {
	out := make([]S, len(states))
	for i, s := range states {
		out[i] = S(s)
	}
	return out
}

var workflowRuns = runKind[glue.WorkflowRunRecord]{
	ownerGet: true,
	make: func(owner, id string) *glue.WorkflowRunRecord {
		return &glue.WorkflowRunRecord{
			Run:      glue.WorkflowRun{Name: owner, WorkflowRunID: id, Status: glue.WorkflowRunRunning, StartedOn: glue.At(ms)},
			Triggers: []*glue.Trigger{trigger("start", owner, glue.Action{JobName: "j"})},
		}
	},
	owner: func(r *glue.WorkflowRunRecord) string { return r.Run.Name },
	id:    func(r *glue.WorkflowRunRecord) string { return r.Run.WorkflowRunID },
	seq:   func(r *glue.WorkflowRunRecord) int64 { return r.Seq },
	state: func(r *glue.WorkflowRunRecord) string { return string(r.Run.Status) },
	finish: func(r *glue.WorkflowRunRecord, m string) {
		r.Run.Status, r.Run.ErrorMessage, r.Run.CompletedOn = glue.WorkflowRunCompleted, m, glue.At(at(time.Hour))
	},
	message: func(r *glue.WorkflowRunRecord) string { return r.Run.ErrorMessage },
	running: string(glue.WorkflowRunRunning),
	final:   string(glue.WorkflowRunCompleted),
	insert: func(ctx context.Context, tx store.Tx, r *glue.WorkflowRunRecord) error {
		return tx.WorkflowRuns().Insert(ctx, r)
	},
	get: func(ctx context.Context, tx store.Tx, owner, id string) (*glue.WorkflowRunRecord, error) {
		return tx.WorkflowRuns().Get(ctx, owner, id)
	},
	update: func(ctx context.Context, tx store.Tx, r *glue.WorkflowRunRecord) error {
		return tx.WorkflowRuns().Update(ctx, r)
	},
	list: func(ctx context.Context, tx store.Tx, owner string, before int64, limit int) ([]*glue.WorkflowRunRecord, error) {
		return tx.WorkflowRuns().List(ctx, owner, before, limit)
	},
	deleteOwner: func(ctx context.Context, tx store.Tx, owner string) error {
		return tx.WorkflowRuns().DeleteWorkflow(ctx, owner)
	},
}

var jobRuns = runKind[glue.JobRunRecord]{
	ownerGet: true,
	make: func(owner, id string) *glue.JobRunRecord {
		return &glue.JobRunRecord{JobRun: glue.JobRun{ID: id, JobName: owner, JobRunState: glue.JobRunRunning, StartedOn: glue.At(ms)},
			Action: glue.Action{JobName: owner}}
	},
	owner: func(r *glue.JobRunRecord) string { return r.JobRun.JobName },
	id:    func(r *glue.JobRunRecord) string { return r.JobRun.ID },
	seq:   func(r *glue.JobRunRecord) int64 { return r.Seq },
	state: func(r *glue.JobRunRecord) string { return string(r.JobRun.JobRunState) },
	finish: func(r *glue.JobRunRecord, m string) {
		r.JobRun.JobRunState, r.JobRun.ErrorMessage, r.JobRun.CompletedOn = glue.JobRunFailed, m, glue.At(at(time.Hour))
	},
	message: func(r *glue.JobRunRecord) string { return r.JobRun.ErrorMessage },
	running: string(glue.JobRunRunning),
	final:   string(glue.JobRunFailed),
	insert:  func(ctx context.Context, tx store.Tx, r *glue.JobRunRecord) error { return tx.JobRuns().Insert(ctx, r) },
	get: func(ctx context.Context, tx store.Tx, owner, id string) (*glue.JobRunRecord, error) {
		return tx.JobRuns().Get(ctx, owner, id)
	},
	update: func(ctx context.Context, tx store.Tx, r *glue.JobRunRecord) error { return tx.JobRuns().Update(ctx, r) },
	list: func(ctx context.Context, tx store.Tx, owner string, before int64, limit int) ([]*glue.JobRunRecord, error) {
		return tx.JobRuns().List(ctx, owner, before, limit)
	},
	inStates: func(ctx context.Context, tx store.Tx, states ...string) ([]*glue.JobRunRecord, error) {
		return tx.JobRuns().InStates(ctx, "", typed[glue.JobRunState](states)...)
	},
	deleteOwner: func(ctx context.Context, tx store.Tx, owner string) error { return tx.JobRuns().DeleteJob(ctx, owner) },
}

var crawls = runKind[glue.CrawlRecord]{
	make: func(owner, id string) *glue.CrawlRecord {
		return &glue.CrawlRecord{ID: id, CrawlerName: owner, State: glue.CrawlRunning, StartedOn: glue.At(ms)}
	},
	owner: func(c *glue.CrawlRecord) string { return c.CrawlerName },
	id:    func(c *glue.CrawlRecord) string { return c.ID },
	seq:   func(c *glue.CrawlRecord) int64 { return c.Seq },
	state: func(c *glue.CrawlRecord) string { return string(c.State) },
	finish: func(c *glue.CrawlRecord, m string) {
		c.State, c.ErrorMessage, c.CompletedOn = glue.CrawlFailed, m, glue.At(at(time.Hour))
	},
	message: func(c *glue.CrawlRecord) string { return c.ErrorMessage },
	running: string(glue.CrawlRunning),
	final:   string(glue.CrawlFailed),
	insert:  func(ctx context.Context, tx store.Tx, c *glue.CrawlRecord) error { return tx.Crawls().Insert(ctx, c) },
	get: func(ctx context.Context, tx store.Tx, _, id string) (*glue.CrawlRecord, error) {
		return tx.Crawls().Get(ctx, id)
	},
	update: func(ctx context.Context, tx store.Tx, c *glue.CrawlRecord) error { return tx.Crawls().Update(ctx, c) },
	list: func(ctx context.Context, tx store.Tx, owner string, before int64, limit int) ([]*glue.CrawlRecord, error) {
		return tx.Crawls().List(ctx, owner, before, limit)
	},
	inStates: func(ctx context.Context, tx store.Tx, states ...string) ([]*glue.CrawlRecord, error) {
		return tx.Crawls().InStates(ctx, typed[glue.CrawlState](states)...)
	},
	deleteOwner: func(ctx context.Context, tx store.Tx, owner string) error {
		return tx.Crawls().DeleteCrawler(ctx, owner)
	},
}

var blueprintRuns = runKind[glue.BlueprintRunRecord]{
	ownerGet: true,
	make: func(owner, id string) *glue.BlueprintRunRecord {
		return &glue.BlueprintRunRecord{Run: glue.BlueprintRun{BlueprintName: owner, RunID: id, State: glue.BlueprintRunRunning, StartedOn: glue.At(ms)}}
	},
	owner: func(r *glue.BlueprintRunRecord) string { return r.Run.BlueprintName },
	id:    func(r *glue.BlueprintRunRecord) string { return r.Run.RunID },
	seq:   func(r *glue.BlueprintRunRecord) int64 { return r.Seq },
	state: func(r *glue.BlueprintRunRecord) string { return string(r.Run.State) },
	finish: func(r *glue.BlueprintRunRecord, m string) {
		r.Run.State, r.Run.ErrorMessage, r.Run.CompletedOn = glue.BlueprintRunFailed, m, glue.At(at(time.Hour))
	},
	message: func(r *glue.BlueprintRunRecord) string { return r.Run.ErrorMessage },
	running: string(glue.BlueprintRunRunning),
	final:   string(glue.BlueprintRunFailed),
	insert: func(ctx context.Context, tx store.Tx, r *glue.BlueprintRunRecord) error {
		return tx.BlueprintRuns().Insert(ctx, r)
	},
	get: func(ctx context.Context, tx store.Tx, owner, id string) (*glue.BlueprintRunRecord, error) {
		return tx.BlueprintRuns().Get(ctx, owner, id)
	},
	update: func(ctx context.Context, tx store.Tx, r *glue.BlueprintRunRecord) error {
		return tx.BlueprintRuns().Update(ctx, r)
	},
	list: func(ctx context.Context, tx store.Tx, owner string, before int64, limit int) ([]*glue.BlueprintRunRecord, error) {
		return tx.BlueprintRuns().List(ctx, owner, before, limit)
	},
	inStates: func(ctx context.Context, tx store.Tx, states ...string) ([]*glue.BlueprintRunRecord, error) {
		return tx.BlueprintRuns().InStates(ctx, typed[glue.BlueprintRunState](states)...)
	},
	deleteOwner: func(ctx context.Context, tx store.Tx, owner string) error {
		return tx.BlueprintRuns().DeleteBlueprint(ctx, owner)
	},
}

// ids lists the ids of runs in order; never nil, so it compares equal to
// an empty literal.
func (k runKind[T]) ids(rs []*T) []string {
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		out = append(out, k.id(r))
	}
	return out
}

// mustInsertRuns inserts runs in one transaction.
func mustInsertRuns[T any](t *testing.T, b *bundle, k runKind[T], rs ...*T) {
	t.Helper()
	b.update(t, func(tx store.Tx) error {
		for _, r := range rs {
			if err := k.insert(b.ctx, tx, r); err != nil {
				return fmt.Errorf("insert %s: %w", k.id(r), err)
			}
		}
		return nil
	})
}

// listRuns reads one page of an owner's runs in a View.
func listRuns[T any](t *testing.T, b *bundle, k runKind[T], owner string, beforeSeq int64, limit int) []*T {
	t.Helper()
	var out []*T
	b.view(t, func(tx store.Tx) error {
		var err error
		out, err = k.list(b.ctx, tx, owner, beforeSeq, limit)
		return err
	})
	return out
}

// runsInStates reads InStates in a View.
func runsInStates[T any](t *testing.T, b *bundle, k runKind[T], states ...string) []string {
	t.Helper()
	var out []*T
	b.view(t, func(tx store.Tx) error {
		var err error
		out, err = k.inStates(b.ctx, tx, states...)
		return err
	})
	return k.ids(out)
}

func exerciseRuns[T any](t *testing.T, open OpenFunc, k runKind[T]) {
	t.Helper()
	t.Run("InsertGet", func(t *testing.T) {
		t.Parallel()
		testRunInsertGet(t, open, k)
	})
	t.Run("Update", func(t *testing.T) {
		t.Parallel()
		testRunUpdate(t, open, k)
	})
	t.Run("ListPages", func(t *testing.T) {
		t.Parallel()
		testRunListPages(t, open, k)
	})
	if k.inStates != nil {
		t.Run("InStates", func(t *testing.T) {
			t.Parallel()
			testRunInStates(t, open, k)
		})
	}
	t.Run("DeleteOwner", func(t *testing.T) {
		t.Parallel()
		testRunDeleteOwner(t, open, k)
	})
	t.Run("DuplicateID", func(t *testing.T) {
		t.Parallel()
		testRunDuplicateID(t, open, k)
	})
}

// Ensure Insert assigns each run a Seq larger than any before it, within a
// transaction and across transactions and owners, and Get finds a run
// with that Seq under its id (and owner) only.
func testRunInsertGet[T any](t *testing.T, open OpenFunc, k runKind[T]) {
	b := setup(t, open)
	ctx := b.ctx
	b.view(t, func(tx store.Tx) error {
		_, err := k.get(ctx, tx, "A", "r1")
		requireCode(t, err, glue.EntityNotFound, "r1")
		return nil
	})

	first := []*T{k.make("A", "r1"), k.make("B", "r2"), k.make("A", "r3")}
	b.update(t, func(tx store.Tx) error {
		for _, r := range first {
			if err := k.insert(ctx, tx, r); err != nil {
				return err
			}
			got, err := k.get(ctx, tx, k.owner(r), k.id(r))
			require.NoError(t, err, "a transaction sees its own insert")
			require.Equal(t, k.seq(r), k.seq(got))
		}
		return nil
	})
	later := k.make("B", "r4")
	mustInsertRuns(t, b, k, later)
	all := append(first, later)
	for i, r := range all {
		require.Positive(t, k.seq(r), "Insert sets the Seq of %s", k.id(r))
		if i > 0 {
			require.Greater(t, k.seq(r), k.seq(all[i-1]), "Seq increases with every insert")
		}
	}

	b.view(t, func(tx store.Tx) error {
		for _, r := range all {
			got, err := k.get(ctx, tx, k.owner(r), k.id(r))
			require.NoError(t, err)
			require.Equal(t, k.id(r), k.id(got))
			require.Equal(t, k.owner(r), k.owner(got))
			require.Equal(t, k.seq(r), k.seq(got), "Get returns the Seq Insert assigned")
			require.Equal(t, k.running, k.state(got))
		}
		_, err := k.get(ctx, tx, "A", "missing")
		requireCode(t, err, glue.EntityNotFound, "missing")
		if k.ownerGet {
			_, err = k.get(ctx, tx, "B", "r1")
			requireCode(t, err, glue.EntityNotFound, "r1")
			_, err = k.get(ctx, tx, "", "r1")
			requireCode(t, err, glue.EntityNotFound, "r1")
		}
		return nil
	})
}

// Ensure Update overwrites a stored run in place: readers see the new
// state and message under the same Seq, and other runs are untouched.
func testRunUpdate[T any](t *testing.T, open OpenFunc, k runKind[T]) {
	b := setup(t, open)
	ctx := b.ctx
	r1, r2 := k.make("A", "r1"), k.make("A", "r2")
	mustInsertRuns(t, b, k, r1, r2)

	b.update(t, func(tx store.Tx) error {
		got, err := k.get(ctx, tx, "A", "r1")
		require.NoError(t, err)
		k.finish(got, "first")
		if err := k.update(ctx, tx, got); err != nil {
			return err
		}
		got, err = k.get(ctx, tx, "A", "r1")
		require.NoError(t, err)
		require.Equal(t, "first", k.message(got), "a transaction sees its own update")
		return nil
	})
	check := func(message string) {
		t.Helper()
		b.view(t, func(tx store.Tx) error {
			got, err := k.get(ctx, tx, "A", "r1")
			require.NoError(t, err)
			require.Equal(t, k.final, k.state(got))
			require.Equal(t, message, k.message(got))
			require.Equal(t, k.seq(r1), k.seq(got), "Update keeps the Seq")
			other, err := k.get(ctx, tx, "A", "r2")
			require.NoError(t, err)
			require.Equal(t, k.running, k.state(other))
			require.Empty(t, k.message(other))
			return nil
		})
		listed := listRuns(t, b, k, "A", 0, 0)
		require.Equal(t, []string{"r2", "r1"}, k.ids(listed), "Update does not reorder")
		require.Equal(t, message, k.message(listed[1]))
		if k.inStates != nil {
			require.Equal(t, []string{"r1"}, runsInStates(t, b, k, k.final), "the new state is queryable")
			require.Equal(t, []string{"r2"}, runsInStates(t, b, k, k.running))
		}
	}
	check("first")

	// The record the caller inserted can be updated as well.
	k.finish(r1, "second")
	b.update(t, func(tx store.Tx) error { return k.update(ctx, tx, r1) })
	check("second")
}

// Ensure List returns an owner's runs newest first and pages by Seq:
// beforeSeq excludes runs at or above it (0 means from the newest), limit
// caps a page (0 means no limit), and other owners' runs never show.
func testRunListPages[T any](t *testing.T, open OpenFunc, k runKind[T]) {
	b := setup(t, open)
	// Ids sort differently from insertion, so only Seq orders the runs.
	mustInsertRuns(t, b, k, k.make("A", "a4"), k.make("B", "b2"), k.make("A", "a1"))
	mustInsertRuns(t, b, k, k.make("A", "a6"))
	between := k.make("B", "b1")
	mustInsertRuns(t, b, k, between)
	mustInsertRuns(t, b, k, k.make("A", "a2"), k.make("A", "a7"), k.make("AB", "ab1"), k.make("A", "a3"))
	mustInsertRuns(t, b, k, k.make("A", "a5"), k.make("a", "lower"))
	newestFirst := []string{"a5", "a3", "a7", "a2", "a6", "a1", "a4"}

	requirePages(t, b, k, "A", newestFirst)
	requirePages(t, b, k, "B", []string{"b1", "b2"})
	requirePages(t, b, k, "AB", []string{"ab1"})
	requirePages(t, b, k, "none", []string{})

	require.Equal(t, []string{"a6", "a1", "a4"}, k.ids(listRuns(t, b, k, "A", k.seq(between), 0)),
		"beforeSeq may be the Seq of another owner's run")
	require.Equal(t, []string{"a6", "a1"}, k.ids(listRuns(t, b, k, "A", k.seq(between), 2)))
	require.Equal(t, newestFirst, k.ids(listRuns(t, b, k, "A", 1<<62, 0)), "beforeSeq above every Seq")
}

// requirePages checks that an owner's runs list as want (ids newest first)
// in one call, below the Seq of each of them, and when walked page by page
// with every page size.
func requirePages[T any](t *testing.T, b *bundle, k runKind[T], owner string, want []string) {
	t.Helper()
	all := listRuns(t, b, k, owner, 0, 0)
	require.Equal(t, want, k.ids(all), "runs of %q", owner)
	for i, r := range all {
		require.Equal(t, want[i+1:], k.ids(listRuns(t, b, k, owner, k.seq(r), 0)), "runs of %q below %s", owner, want[i])
	}
	for _, limit := range []int{1, 2, 3, len(want) + 1} {
		walked := []string{}
		before := int64(0)
		for pages := 0; ; pages++ {
			require.LessOrEqual(t, pages, len(want), "paging terminates")
			page := listRuns(t, b, k, owner, before, limit)
			require.LessOrEqual(t, len(page), limit)
			if len(page) == 0 {
				break
			}
			walked = append(walked, k.ids(page)...)
			before = k.seq(page[len(page)-1])
		}
		require.Equal(t, want, walked, "runs of %q, limit %d", owner, limit)
	}
}

// Ensure InStates returns the runs in any of the given states across
// owners, oldest first whatever the order of the states, and follows
// Update.
func testRunInStates[T any](t *testing.T, open OpenFunc, k runKind[T]) {
	b := setup(t, open)
	ctx := b.ctx
	// Ids sort differently from insertion, so only Seq orders the runs.
	done := k.make("A", "r5")
	k.finish(done, "")
	doneB := k.make("B", "r2")
	k.finish(doneB, "")
	mustInsertRuns(t, b, k, k.make("A", "r3"), k.make("B", "r1"), done)
	mustInsertRuns(t, b, k, doneB, k.make("A", "r4"))

	require.Equal(t, []string{"r3", "r1", "r4"}, runsInStates(t, b, k, k.running))
	require.Equal(t, []string{"r5", "r2"}, runsInStates(t, b, k, k.final))
	require.Equal(t, []string{"r3", "r1", "r5", "r2", "r4"}, runsInStates(t, b, k, k.running, k.final))
	require.Equal(t, []string{"r3", "r1", "r5", "r2", "r4"}, runsInStates(t, b, k, k.final, k.running))
	require.Empty(t, runsInStates(t, b, k, "NO_SUCH_STATE"))

	b.update(t, func(tx store.Tx) error {
		r, err := k.get(ctx, tx, "A", "r3")
		require.NoError(t, err)
		k.finish(r, "")
		return k.update(ctx, tx, r)
	})
	require.Equal(t, []string{"r1", "r4"}, runsInStates(t, b, k, k.running))
	require.Equal(t, []string{"r3", "r5", "r2"}, runsInStates(t, b, k, k.final), "still oldest first after an update")
}

// Ensure deleting an owner's runs removes every one of them and nothing
// else, owners of similar names included, and that deleting the runs of an
// owner without any is no error.
func testRunDeleteOwner[T any](t *testing.T, open OpenFunc, k runKind[T]) {
	b := setup(t, open)
	ctx := b.ctx
	mustInsertRuns(t, b, k, k.make("A", "a1"), k.make("B", "b1"), k.make("A", "a2"), k.make("AB", "ab1"),
		k.make("a", "lower"), k.make("%", "pct"))
	b.update(t, func(tx store.Tx) error {
		if err := k.deleteOwner(ctx, tx, "A"); err != nil {
			return err
		}
		if err := k.deleteOwner(ctx, tx, "none"); err != nil {
			return err
		}
		_, err := k.get(ctx, tx, "A", "a1")
		requireCode(t, err, glue.EntityNotFound) // a transaction sees its own delete
		return nil
	})

	b.view(t, func(tx store.Tx) error {
		for _, id := range []string{"a1", "a2"} {
			_, err := k.get(ctx, tx, "A", id)
			requireCode(t, err, glue.EntityNotFound, id)
		}
		for _, r := range [][2]string{{"B", "b1"}, {"AB", "ab1"}, {"a", "lower"}, {"%", "pct"}} {
			_, err := k.get(ctx, tx, r[0], r[1])
			require.NoError(t, err, "%s of %s is kept", r[1], r[0])
		}
		return nil
	})
	require.Empty(t, listRuns(t, b, k, "A", 0, 0))
	require.Equal(t, []string{"b1"}, k.ids(listRuns(t, b, k, "B", 0, 0)))
	if k.inStates != nil {
		require.Equal(t, []string{"b1", "ab1", "lower", "pct"}, runsInStates(t, b, k, k.running))
	}

	// The owner can have runs again.
	mustInsertRuns(t, b, k, k.make("A", "a3"))
	require.Equal(t, []string{"a3"}, k.ids(listRuns(t, b, k, "A", 0, 0)))
}

// Ensure inserting a run under an id already taken fails with
// AlreadyExists, as package store requires of a duplicate key, and leaves
// the stored run as it was.
func testRunDuplicateID[T any](t *testing.T, open OpenFunc, k runKind[T]) {
	b := setup(t, open)
	ctx := b.ctx
	mustInsertRuns(t, b, k, k.make("A", "r1"))
	dup := k.make("A", "r1")
	k.finish(dup, "duplicate")
	err := b.store.Update(ctx, func(tx store.Tx) error { return k.insert(ctx, tx, dup) })
	requireCode(t, err, glue.AlreadyExists, "r1")
	b.view(t, func(tx store.Tx) error {
		got, err := k.get(ctx, tx, "A", "r1")
		require.NoError(t, err)
		require.Equal(t, k.running, k.state(got))
		require.Empty(t, k.message(got))
		return nil
	})
	require.Len(t, listRuns(t, b, k, "A", 0, 0), 1)
}
