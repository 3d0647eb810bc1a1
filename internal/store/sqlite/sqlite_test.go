package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
	"github.com/epoxy-run/epoxy/internal/store/storetest"
)

// Ensure the SQLite store passes the store conformance suite.
func TestStore_Conformance(t *testing.T) {
	t.Parallel()
	storetest.Exercise(t, func(t *testing.T) store.Store {
		t.Helper()
		return setup(t, filepath.Join(t.TempDir(), "epoxy.db")).store
	})
}

type testBundle struct {
	store *Store
	path  string
	ctx   context.Context
}

// setup opens a store at path and closes it when the test ends.
func setup(t *testing.T, path string) *testBundle {
	t.Helper()
	s, err := Open(t.Context(), path)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return &testBundle{store: s, path: path, ctx: t.Context()}
}

// migrationRows returns schema_migrations as version → name and applied_at.
func migrationRows(t *testing.T, s *Store) map[int][2]string {
	t.Helper()
	rows, err := s.read.QueryContext(t.Context(), `SELECT version, name, applied_at FROM schema_migrations`)
	require.NoError(t, err)
	defer rows.Close()
	out := map[int][2]string{}
	for rows.Next() {
		var v int
		var name, at string
		require.NoError(t, rows.Scan(&v, &name, &at))
		out[v] = [2]string{name, at}
	}
	require.NoError(t, rows.Err())
	return out
}

// Ensure reopening a database file keeps its data and tags, and applies no
// migration twice: schema_migrations holds exactly one row per embedded
// migration file, with the time it was first applied.
func TestOpen_Reopen(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "epoxy.db")
	ms, err := loadMigrations()
	require.NoError(t, err)
	require.NotEmpty(t, ms)

	first, err := Open(t.Context(), path)
	require.NoError(t, err)
	require.NoError(t, first.Update(t.Context(), func(tx store.Tx) error {
		if err := tx.Workflows().Insert(t.Context(), "kept", &glue.Workflow{Name: "kept"}); err != nil {
			return err
		}
		return tx.AddTags(t.Context(), glue.Resource{Kind: glue.KindWorkflow, Name: "kept"}, map[string]string{"a": "b"})
	}))
	applied := migrationRows(t, first)
	require.Len(t, applied, len(ms))
	require.NoError(t, first.Close())

	for range 2 {
		b := setup(t, path)
		require.Equal(t, applied, migrationRows(t, b.store), "no migration re-applied")
		require.NoError(t, b.store.View(b.ctx, func(tx store.Tx) error {
			w, err := tx.Workflows().Get(b.ctx, "kept")
			require.NoError(t, err)
			require.Equal(t, "kept", w.Name)
			tags, err := tx.Tags(b.ctx, glue.Resource{Kind: glue.KindWorkflow, Name: "kept"})
			require.NoError(t, err)
			require.Equal(t, map[string]string{"a": "b"}, tags)
			return nil
		}))
	}

	for _, m := range ms {
		require.Equal(t, m.Name, applied[m.Version][0], "%s is recorded", m.Up)
	}
}

// Ensure a path that cannot be created fails Open.
func TestOpen_BadPath(t *testing.T) {
	t.Parallel()
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "missing-dir", "epoxy.db"))
	require.Error(t, err)
	require.Nil(t, s)
}

// Ensure Names reads names only: a stored document that no longer decodes
// breaks List but not Names.
func TestCollection_NamesReadNoDocuments(t *testing.T) {
	t.Parallel()
	b := setup(t, filepath.Join(t.TempDir(), "epoxy.db"))
	require.NoError(t, b.store.Update(b.ctx, func(tx store.Tx) error {
		for _, n := range []string{"a", "b"} {
			if err := tx.Jobs().Insert(b.ctx, n, &glue.Job{Name: n}); err != nil {
				return err
			}
		}
		return nil
	}))
	_, err := b.store.write.ExecContext(b.ctx, `UPDATE resources SET doc = '{"Name":[7]}' WHERE kind = ? AND name = 'b'`, glue.KindJob)
	require.NoError(t, err)
	require.NoError(t, b.store.View(b.ctx, func(tx store.Tx) error {
		_, err := tx.Jobs().List(b.ctx, glue.ListOptions{})
		require.ErrorContains(t, err, "decode stored document")
		names, err := tx.Jobs().Names(b.ctx, glue.ListOptions{After: "", Limit: 5})
		require.NoError(t, err)
		require.Equal(t, []string{"a", "b"}, names)
		return nil
	}))
}
