package postgres

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/store"
	"github.com/epoxy-run/epoxy/internal/store/postgres/pgtest"
	"github.com/epoxy-run/epoxy/internal/store/storetest"
)

// Ensure the PostgreSQL store passes the store conformance suite, each
// subtest on a schema of its own.
func TestStore_Conformance(t *testing.T) {
	t.Parallel()
	pgtest.Base(t) // skips without TEST_DATABASE_URL before any subtest starts
	storetest.Exercise(t, func(t *testing.T) store.Store {
		t.Helper()
		return setup(t, pgtest.URL(t)).store
	})
}

type testBundle struct {
	store *Store
	url   string
}

// setup opens a store at url and closes it when the test ends.
func setup(t *testing.T, url string) *testBundle {
	t.Helper()
	s, err := Open(t.Context(), url)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return &testBundle{store: s, url: url}
}

// Ensure retention reads the completion time of rows in either document
// format (see storetest.RetentionBothFormats).
func TestRetention_BothFormats(t *testing.T) {
	t.Parallel()
	b := setup(t, pgtest.URL(t))
	storetest.RetentionBothFormats(t, b.store, func(t *testing.T, table, id string, path ...string) {
		var doc string
		require.NoError(t, b.store.pool.QueryRow(t.Context(), `SELECT doc FROM `+table+` WHERE id = $1`, id).Scan(&doc))
		_, err := b.store.pool.Exec(t.Context(), `UPDATE `+table+` SET doc = $1, doc_version = 1 WHERE id = $2`,
			storetest.Version1(t, doc, path...), id)
		require.NoError(t, err)
	})
}
