package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// Ensure JobBookmarks keeps one record per job: Get is nil for a job with
// none, Put stores and overwrites it whole (times at millisecond precision,
// spans in order), Delete forgets it, and a rolled-back Put leaves nothing.
func testJobBookmarks(t *testing.T, open OpenFunc) {
	b := setup(t, open)
	ctx := b.ctx
	get := func(job string) *glue.JobBookmarkRecord {
		t.Helper()
		var out *glue.JobBookmarkRecord
		b.view(t, func(tx store.Tx) error {
			var err error
			out, err = tx.JobBookmarks().Get(ctx, job)
			return err
		})
		return out
	}
	put := func(r *glue.JobBookmarkRecord) {
		t.Helper()
		b.update(t, func(tx store.Tx) error { return tx.JobBookmarks().Put(ctx, r) })
	}
	require.Nil(t, get("j"))

	at := time.Date(2024, 5, 6, 7, 8, 9, 123_000_000, time.UTC)
	first := &glue.JobBookmarkRecord{JobName: "j", Resets: 1, Since: glue.At(at)}
	put(first)
	require.Equal(t, first, get("j"))
	require.Nil(t, get("J"), "job names are case-sensitive")

	second := &glue.JobBookmarkRecord{JobName: "j", Resets: 3, Since: glue.At(at),
		Dropped: []glue.TimeSpan{{After: glue.At(at.Add(time.Minute)), Until: glue.At(at.Add(2 * time.Minute))}, {After: glue.At(at.Add(3 * time.Minute)), Until: glue.At(at.Add(4 * time.Minute))}}}
	put(second)
	require.Equal(t, second, get("j"), "Put overwrites the whole record")
	put(&glue.JobBookmarkRecord{JobName: "other", Resets: 1})
	require.Equal(t, int32(1), get("other").Resets)

	rollback := errors.New("roll back")
	err := b.store.Update(ctx, func(tx store.Tx) error {
		require.NoError(t, tx.JobBookmarks().Put(ctx, &glue.JobBookmarkRecord{JobName: "rolled", Resets: 1}))
		return rollback
	})
	require.ErrorIs(t, err, rollback)
	require.Nil(t, get("rolled"), "a rolled-back Put stores nothing")

	b.update(t, func(tx store.Tx) error { return tx.JobBookmarks().Delete(ctx, "j") })
	require.Nil(t, get("j"))
	require.NotNil(t, get("other"), "Delete forgets one job only")
	b.update(t, func(tx store.Tx) error { return tx.JobBookmarks().Delete(ctx, "never") })
}
