package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// Ensure Firings.Insert reports a (key, trigger) pair as new exactly once,
// in the same transaction or a later one, and List returns the triggers
// fired under a key in byte order.
func testFirings(t *testing.T, open OpenFunc) {
	b := setup(t, open)
	ctx := b.ctx
	insert := func(tx store.Tx, key, trigger string) bool {
		t.Helper()
		fresh, err := tx.Firings().Insert(ctx, key, trigger)
		require.NoError(t, err)
		return fresh
	}
	list := func(key string) []string {
		t.Helper()
		var out []string
		b.view(t, func(tx store.Tx) error {
			var err error
			out, err = tx.Firings().List(ctx, key)
			return err
		})
		return out
	}
	require.Empty(t, list("wr_1"))

	b.update(t, func(tx store.Tx) error {
		require.True(t, insert(tx, "wr_1", "t"))
		require.False(t, insert(tx, "wr_1", "t"), "already fired in this transaction")
		return nil
	})
	names := []string{"b", "a", "_x", "B", "a b", "ä", "t2", "T"}
	b.update(t, func(tx store.Tx) error {
		require.False(t, insert(tx, "wr_1", "t"), "already fired in an earlier transaction")
		require.True(t, insert(tx, "wr_2", "t"), "another key")
		require.True(t, insert(tx, "jr_1", "t"), "another key")
		for _, n := range names {
			require.True(t, insert(tx, "wr_1", n), "trigger %q", n)
		}
		return nil
	})
	b.update(t, func(tx store.Tx) error {
		for _, n := range names {
			require.False(t, insert(tx, "wr_1", n), "trigger %q", n)
		}
		return nil
	})

	require.Equal(t, slices.Sorted(slices.Values(slices.Concat(names, []string{"t"}))), list("wr_1"))
	require.Equal(t, []string{"t"}, list("wr_2"))
	require.Equal(t, []string{"t"}, list("jr_1"))
	require.Empty(t, list("wr_"))
	require.Empty(t, list("WR_1"))
}

func testSchedules(t *testing.T, open OpenFunc) {
	t.Run("PutGetDelete", func(t *testing.T) {
		t.Parallel()
		testSchedulePutGetDelete(t, open)
	})
	t.Run("Fired", func(t *testing.T) {
		t.Parallel()
		testScheduleFired(t, open)
	})
}

// elsewhere is a location with an offset that is not a whole hour, to
// show times are compared as instants.
var elsewhere = time.FixedZone("UTC-03:30", -(3*60+30)*60)

// requireInstant asserts that got is the instant want, in UTC.
func requireInstant(t *testing.T, want, got time.Time, msgAndArgs ...any) {
	t.Helper()
	require.True(t, want.Equal(got), "want %s, got %s", want.UTC(), got.UTC())
	require.Equal(t, time.UTC, got.Location(), msgAndArgs...)
}

// Ensure a schedule has no state until Put, Put inserts and then
// overwrites, LastFire comes back as the same instant to the millisecond
// in UTC, Delete forgets a schedule and List returns every one.
func testSchedulePutGetDelete(t *testing.T, open OpenFunc) {
	b := setup(t, open)
	ctx := b.ctx
	get := func(key string) *glue.ScheduleRecord {
		t.Helper()
		var out *glue.ScheduleRecord
		b.view(t, func(tx store.Tx) error {
			var err error
			out, err = tx.Schedules().Get(ctx, key)
			return err
		})
		return out
	}
	list := func() map[string]*glue.ScheduleRecord {
		t.Helper()
		out := map[string]*glue.ScheduleRecord{}
		b.view(t, func(tx store.Tx) error {
			all, err := tx.Schedules().List(ctx)
			for _, s := range all {
				require.NotContains(t, out, s.Key, "each schedule once")
				out[s.Key] = s
			}
			return err
		})
		return out
	}
	requireSchedule := func(want, got *glue.ScheduleRecord) {
		t.Helper()
		require.NotNil(t, got)
		require.Equal(t, want.Key, got.Key)
		require.Equal(t, want.Expression, got.Expression)
		requireInstant(t, want.LastFire, got.LastFire, "LastFire of %s", want.Key)
	}

	require.Nil(t, get("trigger/t1"))
	require.Empty(t, list())

	t1 := &glue.ScheduleRecord{Key: "trigger/t1", Expression: "cron(0 * * * ? *)", LastFire: at(time.Hour).In(elsewhere)}
	t2 := &glue.ScheduleRecord{Key: "trigger/t2", Expression: "cron(15 12 * * ? *)", LastFire: ms.Truncate(time.Second)}
	b.update(t, func(tx store.Tx) error {
		if err := tx.Schedules().Put(ctx, t1); err != nil {
			return err
		}
		got, err := tx.Schedules().Get(ctx, t1.Key)
		require.NoError(t, err)
		requireSchedule(t1, got) // a transaction sees its own Put
		return tx.Schedules().Put(ctx, t2)
	})
	requireSchedule(t1, get(t1.Key))
	requireSchedule(t2, get(t2.Key))
	all := list()
	require.Len(t, all, 2)
	requireSchedule(t1, all[t1.Key])
	requireSchedule(t2, all[t2.Key])
	require.Nil(t, get("trigger/t"), "keys match exactly")

	moved := &glue.ScheduleRecord{Key: t1.Key, Expression: "cron(30 * * * ? *)", LastFire: at(2*time.Hour + time.Millisecond)}
	b.update(t, func(tx store.Tx) error { return tx.Schedules().Put(ctx, moved) })
	requireSchedule(moved, get(t1.Key))
	all = list()
	require.Len(t, all, 2, "Put overwrites")
	requireSchedule(moved, all[t1.Key])
	requireSchedule(t2, all[t2.Key])

	b.update(t, func(tx store.Tx) error {
		if err := tx.Schedules().Delete(ctx, t1.Key); err != nil {
			return err
		}
		return tx.Schedules().Delete(ctx, "trigger/absent")
	})
	require.Nil(t, get(t1.Key))
	all = list()
	require.Len(t, all, 1)
	requireSchedule(t2, all[t2.Key])

	b.update(t, func(tx store.Tx) error { return tx.Schedules().Put(ctx, t1) })
	requireSchedule(t1, get(t1.Key))
}

// Ensure Fired reports a (key, fire time) as new exactly once, asked again
// in the same transaction or a later one, and whatever location the time
// is written in; other keys and other times, a millisecond apart, are new.
func testScheduleFired(t *testing.T, open OpenFunc) {
	b := setup(t, open)
	ctx := b.ctx
	fired := func(tx store.Tx, key string, at time.Time) bool {
		t.Helper()
		fresh, err := tx.Schedules().Fired(ctx, key, at)
		require.NoError(t, err)
		return fresh
	}
	t0 := at(time.Minute)
	b.update(t, func(tx store.Tx) error {
		require.True(t, fired(tx, "trigger/t1", t0))
		require.False(t, fired(tx, "trigger/t1", t0), "already fired in this transaction")
		return nil
	})
	b.update(t, func(tx store.Tx) error {
		require.False(t, fired(tx, "trigger/t1", t0), "already fired in an earlier transaction")
		require.False(t, fired(tx, "trigger/t1", t0.In(elsewhere)), "the same instant elsewhere")
		require.True(t, fired(tx, "trigger/t1", t0.Add(time.Minute)))
		require.True(t, fired(tx, "trigger/t1", t0.Add(time.Millisecond)))
		require.True(t, fired(tx, "trigger/t2", t0), "another key")
		require.True(t, fired(tx, "trigger/T1", t0), "keys are case-sensitive")
		return nil
	})
	b.update(t, func(tx store.Tx) error {
		require.False(t, fired(tx, "trigger/t1", t0.Add(time.Minute)))
		require.False(t, fired(tx, "trigger/t1", t0.Add(time.Millisecond)))
		require.False(t, fired(tx, "trigger/t2", t0))
		return nil
	})
}

func testEvents(t *testing.T, open OpenFunc) {
	t.Run("InsertPending", func(t *testing.T) {
		t.Parallel()
		testEventsInsertPending(t, open)
	})
	t.Run("Assign", func(t *testing.T) {
		t.Parallel()
		testEventsAssign(t, open)
	})
	t.Run("DeleteWorkflow", func(t *testing.T) {
		t.Parallel()
		testEventsDeleteWorkflow(t, open)
	})
}

func event(workflow, id string, d time.Duration) *glue.Event {
	return &glue.Event{Workflow: workflow, ID: id, ReceivedAt: at(d)}
}

// insertEvents inserts events in one transaction and returns whether each
// was new.
func insertEvents(t *testing.T, b *bundle, evs ...*glue.Event) []bool {
	t.Helper()
	var out []bool
	b.update(t, func(tx store.Tx) error {
		out = out[:0]
		for _, ev := range evs {
			fresh, err := tx.Events().Insert(b.ctx, ev)
			if err != nil {
				return err
			}
			out = append(out, fresh)
		}
		return nil
	})
	return out
}

// pending returns a workflow's pending events.
func pending(t *testing.T, b *bundle, workflow string) []*glue.Event {
	t.Helper()
	var out []*glue.Event
	b.view(t, func(tx store.Tx) error {
		var err error
		out, err = tx.Events().Pending(b.ctx, workflow)
		return err
	})
	return out
}

func eventIDs(evs []*glue.Event) []string {
	out := make([]string, 0, len(evs))
	for _, ev := range evs {
		out = append(out, ev.ID)
	}
	return out
}

func pendingWorkflows(t *testing.T, b *bundle) []string {
	t.Helper()
	var out []string
	b.view(t, func(tx store.Tx) error {
		var err error
		out, err = tx.Events().PendingWorkflows(b.ctx)
		return err
	})
	return out
}

// Ensure Insert stores an event once per workflow and event id, assigns
// its Seq, and keeps the first delivery; the same id in another workflow
// is another event. Pending returns a workflow's events oldest first.
func testEventsInsertPending(t *testing.T, open OpenFunc) {
	b := setup(t, open)
	require.Empty(t, pending(t, b, "A"))
	require.Empty(t, pendingWorkflows(t, b))

	e1, e2 := event("A", "e1", 0), event("B", "e1", time.Second)
	e3 := event("A", "e2", 2*time.Second+5*time.Millisecond)
	e3.ReceivedAt = e3.ReceivedAt.In(elsewhere)
	require.Equal(t, []bool{true, false, true, true}, insertEvents(t, b, e1, event("A", "e1", time.Hour), e2, e3))
	require.Positive(t, e1.Seq)
	require.Greater(t, e2.Seq, e1.Seq)
	require.Greater(t, e3.Seq, e2.Seq)
	require.Equal(t, []bool{false, false}, insertEvents(t, b, event("A", "e1", time.Hour), event("B", "e1", time.Hour)),
		"delivered in an earlier transaction")
	e4 := event("A", "e0", 3*time.Second)
	require.Equal(t, []bool{true}, insertEvents(t, b, e4))

	got := pending(t, b, "A")
	require.Equal(t, []string{"e1", "e2", "e0"}, eventIDs(got), "oldest delivery first, not id order")
	for i, want := range []*glue.Event{e1, e3, e4} {
		require.Equal(t, want.Seq, got[i].Seq)
		require.Equal(t, "A", got[i].Workflow)
		require.Empty(t, got[i].RunID)
		requireInstant(t, want.ReceivedAt, got[i].ReceivedAt, "ReceivedAt of %s", want.ID)
	}
	gotB := pending(t, b, "B")
	require.Equal(t, []string{"e1"}, eventIDs(gotB))
	require.Equal(t, e2.Seq, gotB[0].Seq)
	require.Empty(t, pending(t, b, "none"))
	require.ElementsMatch(t, []string{"A", "B"}, pendingWorkflows(t, b))
}

// Ensure Assign takes events out of Pending and PendingWorkflows for good:
// an assigned event id stays delivered, and new events pend again.
func testEventsAssign(t *testing.T, open OpenFunc) {
	b := setup(t, open)
	ctx := b.ctx
	e1, e2, e3, e4 := event("A", "e1", 0), event("A", "e2", time.Second), event("B", "e1", 2*time.Second), event("A", "e3", 3*time.Second)
	insertEvents(t, b, e1, e2, e3, e4)

	b.update(t, func(tx store.Tx) error {
		if err := tx.Events().Assign(ctx, []int64{e1.Seq, e4.Seq}, "wr_1"); err != nil {
			return err
		}
		got, err := tx.Events().Pending(ctx, "A")
		require.NoError(t, err)
		require.Equal(t, []string{"e2"}, eventIDs(got), "a transaction sees its own Assign")
		return tx.Events().Assign(ctx, nil, "wr_0")
	})
	require.Equal(t, []string{"e2"}, eventIDs(pending(t, b, "A")))
	require.Equal(t, []string{"e1"}, eventIDs(pending(t, b, "B")))
	require.ElementsMatch(t, []string{"A", "B"}, pendingWorkflows(t, b))

	b.update(t, func(tx store.Tx) error { return tx.Events().Assign(ctx, []int64{e2.Seq, e3.Seq}, "wr_2") })
	require.Empty(t, pending(t, b, "A"))
	require.Empty(t, pending(t, b, "B"))
	require.Empty(t, pendingWorkflows(t, b))

	require.Equal(t, []bool{false, false, true}, insertEvents(t, b, event("A", "e1", time.Hour), event("B", "e1", time.Hour),
		event("B", "e9", time.Hour)), "assigned events stay delivered")
	require.Equal(t, []string{"e9"}, eventIDs(pending(t, b, "B")))
	require.Equal(t, []string{"B"}, pendingWorkflows(t, b))
}

// Ensure DeleteWorkflow deletes a workflow's events, pending and assigned,
// so their ids are new again, and leaves other workflows' events alone.
func testEventsDeleteWorkflow(t *testing.T, open OpenFunc) {
	b := setup(t, open)
	ctx := b.ctx
	a1, a2 := event("A", "e1", 0), event("A", "e2", time.Second)
	insertEvents(t, b, a1, a2, event("B", "e1", 2*time.Second), event("AB", "e1", 3*time.Second))
	b.update(t, func(tx store.Tx) error { return tx.Events().Assign(ctx, []int64{a1.Seq}, "wr_1") })

	b.update(t, func(tx store.Tx) error {
		if err := tx.Events().DeleteWorkflow(ctx, "A"); err != nil {
			return err
		}
		return tx.Events().DeleteWorkflow(ctx, "none")
	})
	require.Empty(t, pending(t, b, "A"))
	require.Equal(t, []string{"e1"}, eventIDs(pending(t, b, "B")))
	require.Equal(t, []string{"e1"}, eventIDs(pending(t, b, "AB")))
	require.ElementsMatch(t, []string{"B", "AB"}, pendingWorkflows(t, b))

	require.Equal(t, []bool{true, true, false}, insertEvents(t, b, event("A", "e1", time.Hour), event("A", "e2", time.Hour),
		event("B", "e1", time.Hour)), "A's event ids are forgotten, B's are not")
	require.Equal(t, []string{"e1", "e2"}, eventIDs(pending(t, b, "A")))
}
