package retention_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/executor"
	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/gluetest"
	"github.com/epoxy-run/epoxy/internal/retention"
	"github.com/epoxy-run/epoxy/internal/safefs"
	"github.com/epoxy-run/epoxy/internal/store"
	"github.com/epoxy-run/epoxy/internal/store/sqlite"
)

var t0 = time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)

type testBundle struct {
	store *sqlite.Store
	files *safefs.Root
	clock *gluetest.Clock
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	dir := t.TempDir()
	files, err := safefs.OpenRoot(dir)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, files.Close()) })
	st, err := sqlite.Open(t.Context(), filepath.Join(dir, "epoxy.db"))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, st.Close()) })
	return &testBundle{store: st, files: files, clock: gluetest.NewClock(t0)}
}

func (b *testBundle) service(retain time.Duration, batch int) *retention.Service {
	return retention.New(retention.Config{Store: b.store, Files: b.files, Clock: b.clock, Retention: retain, Batch: batch})
}

// jobRuns stores n standalone job runs that ended at completed, each with
// a log directory holding a file, and returns their ids.
func (b *testBundle) jobRuns(t *testing.T, n int, completed time.Time) []string {
	t.Helper()
	var ids []string
	require.NoError(t, b.store.Update(t.Context(), func(tx store.Tx) error {
		for range n {
			id := glue.NewID("jr")
			r := &glue.JobRunRecord{JobRun: glue.JobRun{ID: id, JobName: "j", JobRunState: glue.JobRunSucceeded,
				StartedOn: glue.At(completed), CompletedOn: glue.At(completed)}}
			if err := tx.JobRuns().Insert(t.Context(), r); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	}))
	for _, id := range ids {
		for _, dir := range []string{executor.LogDir(b.files.Dir(), id), executor.RunDir(b.files.Dir(), id)} {
			require.NoError(t, os.MkdirAll(dir, 0o700))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "stdout"), []byte("out"), 0o600))
		}
	}
	return ids
}

// stored reports which of ids are still stored.
func (b *testBundle) stored(t *testing.T, ids []string) []string {
	t.Helper()
	out, err := b.find(t.Context(), ids)
	require.NoError(t, err)
	return out
}

// find returns which of ids are stored; it can run outside the test's
// goroutine.
func (b *testBundle) find(ctx context.Context, ids []string) ([]string, error) {
	out := []string{}
	err := b.store.View(ctx, func(tx store.Tx) error {
		for _, id := range ids {
			_, err := tx.JobRuns().ByID(ctx, id)
			if err == nil {
				out = append(out, id)
			} else if !glue.IsCode(err, glue.EntityNotFound) {
				return err
			}
		}
		return nil
	})
	return out, err
}

// Ensure a pass deletes every expired job run in batches of at most Batch
// (more than one batch here), with their log and run directories, and keeps
// the job runs that ended less than the retention ago.
func TestRunOnce_Batches(t *testing.T) {
	t.Parallel()
	b := setup(t)
	expired := b.jobRuns(t, 7, t0.Add(-49*time.Hour))
	kept := b.jobRuns(t, 2, t0.Add(-47*time.Hour))

	res, err := b.service(48*time.Hour, 3).RunOnce(t.Context())
	require.NoError(t, err)
	require.Equal(t, retention.Result{JobRuns: 7}, res)
	require.Empty(t, b.stored(t, expired))
	require.Equal(t, kept, b.stored(t, kept))
	for _, id := range expired {
		_, err := os.Stat(executor.LogDir(b.files.Dir(), id))
		require.ErrorIs(t, err, os.ErrNotExist)
		_, err = os.Stat(executor.RunDir(b.files.Dir(), id))
		require.ErrorIs(t, err, os.ErrNotExist)
	}
	for _, id := range kept {
		require.DirExists(t, executor.LogDir(b.files.Dir(), id))
	}
}

// Ensure a retention of 0 keeps everything, in RunOnce and in the
// background service.
func TestRunOnce_Forever(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ids := b.jobRuns(t, 2, t0.Add(-1000*24*time.Hour))
	s := b.service(0, 0)
	require.NoError(t, s.Start(t.Context()))
	res, err := s.RunOnce(t.Context())
	require.NoError(t, err)
	require.Zero(t, res.Total())
	s.Stop()
	require.Equal(t, ids, b.stored(t, ids))
}

// Ensure the started service runs a pass at once, and that Stop returns
// once the background work has ended; a cancelled pass reports the
// cancellation.
func TestService_StartStop(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ids := b.jobRuns(t, 3, t0.Add(-49*time.Hour))
	s := b.service(48*time.Hour, 0)
	require.NoError(t, s.Start(t.Context()))
	require.Error(t, s.Start(t.Context()), "Start twice")
	require.Eventually(t, func() bool {
		left, err := b.find(t.Context(), ids)
		return err == nil && len(left) == 0
	}, time.Minute, 10*time.Millisecond,
		"the first pass deletes the expired runs")
	s.Stop()
	s.Stop()

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := s.RunOnce(ctx)
	require.ErrorIs(t, err, context.Canceled)
}
