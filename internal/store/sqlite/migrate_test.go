package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// schema returns every object in the database's schema (tables, indexes,
// with the SQL that defines them), in name order. SQLite's own tables
// (sqlite_sequence, which cannot be dropped) are left out.
func schema(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), `SELECT type || ' ' || name || ' ON ' || tbl_name || ': ' || coalesce(sql, '')
		FROM sqlite_master WHERE name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY type, name`)
	require.NoError(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		require.NoError(t, rows.Scan(&s))
		out = append(out, s)
	}
	require.NoError(t, rows.Err())
	return out
}

// migratedTo returns the schema of a new database migrated up to version.
func migratedTo(t *testing.T, version int) []string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "epoxy.db"))
	require.NoError(t, err)
	defer db.Close()
	db.SetMaxOpenConns(1)
	require.NoError(t, (&Store{write: db}).migrate(t.Context(), version))
	return schema(t, db)
}

// appliedVersions lists the versions schema_migrations records.
func appliedVersions(t *testing.T, ctx context.Context, db *sql.DB) []int {
	t.Helper()
	rows, err := db.QueryContext(ctx, `SELECT version FROM schema_migrations ORDER BY version`)
	require.NoError(t, err)
	defer rows.Close()
	out := []int{}
	for rows.Next() {
		var v int
		require.NoError(t, rows.Scan(&v))
		out = append(out, v)
	}
	require.NoError(t, rows.Err())
	return out
}

// Ensure every migration can be undone: rolling back one version at a time
// from the latest schema gives, at each version, exactly the schema that
// migrating a new database up to that version gives; rolling back to 0
// leaves only the bookkeeping tables; and migrating up again gives the
// latest schema back.
func TestMigrate_UpDownUp(t *testing.T) {
	t.Parallel()
	ms, err := loadMigrations()
	require.NoError(t, err)
	b := setup(t, filepath.Join(t.TempDir(), "epoxy.db"))
	latestSchema := schema(t, b.store.write)
	require.Equal(t, migratedTo(t, latest), latestSchema)

	for i := len(ms) - 1; i >= 0; i-- {
		below := 0
		if i > 0 {
			below = ms[i-1].Version
		}
		require.NoError(t, b.store.MigrateDown(b.ctx, below), "undo %s", ms[i].Name)
		require.Equal(t, migratedTo(t, below), schema(t, b.store.write), "schema after undoing %s", ms[i].Name)
		require.Len(t, appliedVersions(t, b.ctx, b.store.write), i)
	}
	require.Equal(t, []string{
		"table schema_migrations ON schema_migrations: CREATE TABLE schema_migrations (\n\t\tversion INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
	}, schema(t, b.store.write), "nothing but schema_migrations is left")

	require.NoError(t, b.store.migrate(b.ctx, latest))
	require.Equal(t, latestSchema, schema(t, b.store.write))
	require.Len(t, appliedVersions(t, b.ctx, b.store.write), len(ms))
}

// Ensure rolling back to the current version, or twice to the same
// version, changes nothing.
func TestMigrateDown_Idempotent(t *testing.T) {
	t.Parallel()
	ms, err := loadMigrations()
	require.NoError(t, err)
	b := setup(t, filepath.Join(t.TempDir(), "epoxy.db"))
	before := schema(t, b.store.write)
	require.NoError(t, b.store.MigrateDown(b.ctx, ms[len(ms)-1].Version))
	require.Equal(t, before, schema(t, b.store.write))

	require.NoError(t, b.store.MigrateDown(b.ctx, ms[0].Version))
	once := schema(t, b.store.write)
	require.NoError(t, b.store.MigrateDown(b.ctx, ms[0].Version))
	require.Equal(t, once, schema(t, b.store.write))
	require.Equal(t, []int{ms[0].Version}, appliedVersions(t, b.ctx, b.store.write))
}
