package postgres

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
	"github.com/epoxy-run/epoxy/internal/store/postgres/pgtest"
)

// schema returns every table column and index of the store's schema, in
// name order, with the schema's name left out.
func schema(t *testing.T, s *Store) []string {
	t.Helper()
	rows, err := s.pool.Query(t.Context(), `
		SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable ||
			' ' || coalesce(column_default, '') || ' ' || coalesce(collation_name, '') || ' ' || is_identity
		FROM information_schema.columns WHERE table_schema = current_schema()
		UNION ALL
		SELECT 'index ' || indexname || ': ' || replace(indexdef, current_schema() || '.', '') FROM pg_indexes WHERE schemaname = current_schema()
		ORDER BY 1`)
	require.NoError(t, err)
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	return out
}

// migratedTo returns the schema of a new schema migrated up to version.
func migratedTo(t *testing.T, version int) []string {
	t.Helper()
	s, err := OpenUnmigrated(t.Context(), pgtest.URL(t))
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.migrate(t.Context(), version))
	return schema(t, s)
}

// appliedVersions lists the versions schema_migrations records.
func appliedVersions(t *testing.T, s *Store) []int {
	t.Helper()
	states, err := s.MigrationStatus(t.Context())
	require.NoError(t, err)
	out := []int{}
	for _, st := range states {
		if st.Applied {
			out = append(out, st.Version)
		}
	}
	return out
}

// Ensure every migration can be undone: rolling back one version at a time
// from the latest schema gives, at each version, exactly the schema that
// migrating a new schema up to that version gives; rolling back to 0
// leaves only schema_migrations; and migrating up again gives the latest
// schema back.
func TestMigrate_UpDownUp(t *testing.T) {
	t.Parallel()
	ms, err := loadMigrations()
	require.NoError(t, err)
	b := setup(t, pgtest.URL(t))
	latestSchema := schema(t, b.store)
	require.Equal(t, migratedTo(t, latest), latestSchema)

	for i := len(ms) - 1; i >= 0; i-- {
		below := 0
		if i > 0 {
			below = ms[i-1].Version
		}
		require.NoError(t, b.store.MigrateDown(t.Context(), below), "undo %s", ms[i].Name)
		require.Equal(t, migratedTo(t, below), schema(t, b.store), "schema after undoing %s", ms[i].Name)
		require.Len(t, appliedVersions(t, b.store), i)
	}
	require.Equal(t, []string{
		"column schema_migrations.applied_at timestamp with time zone NO   NO",
		"column schema_migrations.name text NO   NO",
		"column schema_migrations.version integer NO   NO",
		"index schema_migrations_pkey: CREATE UNIQUE INDEX schema_migrations_pkey ON schema_migrations USING btree (version)",
	}, schema(t, b.store), "nothing but schema_migrations is left")

	require.NoError(t, b.store.Migrate(t.Context()))
	require.Equal(t, latestSchema, schema(t, b.store))
	require.Len(t, appliedVersions(t, b.store), len(ms))
}

// Ensure several stores opening one new schema at once, as replicas
// starting together do, all open it: the migration lock makes one of them
// migrate and the others find the migrations applied, each recorded once.
func TestMigrate_ConcurrentOpen(t *testing.T) {
	t.Parallel()
	url := pgtest.URL(t)
	const replicas = 6
	var wg sync.WaitGroup
	errs := make([]error, replicas)
	for i := range replicas {
		wg.Go(func() {
			s, err := Open(t.Context(), url)
			if err == nil {
				err = s.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	b := setup(t, url)
	ms, err := loadMigrations()
	require.NoError(t, err)
	require.Len(t, appliedVersions(t, b.store), len(ms))
}

// Ensure MigrationStatus reports a new schema's migrations as pending, an
// opened one's as applied, and a version the database has that this Epoxy
// does not as unknown.
func TestMigrationStatus(t *testing.T) {
	t.Parallel()
	url := pgtest.URL(t)
	s, err := OpenUnmigrated(t.Context(), url)
	require.NoError(t, err)
	defer s.Close()
	ms, err := loadMigrations()
	require.NoError(t, err)
	states, err := s.MigrationStatus(t.Context())
	require.NoError(t, err)
	require.Len(t, states, len(ms))
	for i, st := range states {
		require.Equal(t, ms[i].Name, st.Name)
		require.False(t, st.Applied, st.Name)
	}

	require.NoError(t, s.Migrate(t.Context()))
	_, err = s.pool.Exec(t.Context(), `INSERT INTO schema_migrations VALUES (9999, '9999_future', now())`)
	require.NoError(t, err)
	states, err = s.MigrationStatus(t.Context())
	require.NoError(t, err)
	require.Len(t, states, len(ms)+1)
	for _, st := range states[:len(ms)] {
		require.True(t, st.Applied, st.Name)
		require.False(t, st.AppliedAt.IsZero())
	}
	require.Equal(t, "9999_future", states[len(ms)].Name)
	require.True(t, states[len(ms)].Unknown)
}

// Ensure Update transactions are serialised across stores on one schema,
// as across processes: read-modify-write on one counter through two
// stores at once loses no increment. (Within one store, writers also
// queue in the process; this shows the database lock alone holds.)
func TestUpdate_SerialisedAcrossStores(t *testing.T) {
	t.Parallel()
	url := pgtest.URL(t)
	stores := []*Store{setup(t, url).store, setup(t, url).store}
	ctx := t.Context()
	require.NoError(t, stores[0].Update(ctx, func(tx store.Tx) error {
		return tx.Workflows().Insert(ctx, "counter", &glue.Workflow{Name: "counter", Description: new("0")})
	}))
	const writers, increments = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := range writers {
		wg.Go(func() {
			for range increments {
				if err := increment(ctx, stores[i%2]); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.NoError(t, stores[1].View(ctx, func(tx store.Tx) error {
		w, err := tx.Workflows().Get(ctx, "counter")
		require.NoError(t, err)
		require.Equal(t, strconv.Itoa(writers*increments), *w.Description)
		return nil
	}))
}

// increment adds one to the counter workflow's description.
func increment(ctx context.Context, s *Store) error {
	return s.Update(ctx, func(tx store.Tx) error {
		w, err := tx.Workflows().Get(ctx, "counter")
		if err != nil {
			return err
		}
		n, err := strconv.Atoi(*w.Description)
		if err != nil {
			return fmt.Errorf("counter: %w", err)
		}
		w.Description = new(strconv.Itoa(n + 1))
		return tx.Workflows().Replace(ctx, "counter", w)
	})
}
