package postgres

import (
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/gluetest"
	"github.com/epoxy-run/epoxy/internal/store"
	"github.com/epoxy-run/epoxy/internal/store/postgres/pgtest"
)

// Ensure a transaction that makes a job run STARTING wakes a Listener on
// another connection when it commits, and one that writes no new work does
// not notify.
func TestListener_WakesOnNewWork(t *testing.T) {
	t.Parallel()
	b := setup(t, pgtest.URL(t))
	var wakes atomic.Int64
	l := &Listener{Store: b.store, Wake: func() { wakes.Add(1) }, Log: slog.New(slog.DiscardHandler)}
	l.Start(t.Context())
	t.Cleanup(l.Stop)
	gluetest.Eventually(t, time.Minute, func() bool { return wakes.Load() == 1 }, "the listener wakes once when it starts listening")

	ctx := t.Context()
	run := func(id string, state glue.JobRunState) *glue.JobRunRecord {
		return &glue.JobRunRecord{JobRun: glue.JobRun{ID: id, JobName: "j", JobRunState: state}}
	}
	require.NoError(t, b.store.Update(ctx, func(tx store.Tx) error { return tx.JobRuns().Insert(ctx, run("jr_done", glue.JobRunSucceeded)) }))
	require.NoError(t, b.store.Update(ctx, func(tx store.Tx) error { return tx.JobRuns().Insert(ctx, run("jr_new", glue.JobRunStarting)) }))
	gluetest.Eventually(t, time.Minute, func() bool { return wakes.Load() >= 2 }, "a committed STARTING run wakes the listener")
	require.Equal(t, int64(2), wakes.Load(), "the ended run notified nothing")
}
