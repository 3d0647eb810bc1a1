package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/epoxy-run/epoxy/internal/safefs"
	"github.com/epoxy-run/epoxy/internal/store"
	"github.com/epoxy-run/epoxy/internal/store/migration"
	"github.com/epoxy-run/epoxy/internal/store/postgres"
	"github.com/epoxy-run/epoxy/internal/store/sqlite"
)

// storeLocation is where Epoxy keeps its state, from --store: a PostgreSQL
// database, or a SQLite file (by default epoxy.db in the data directory).
type storeLocation struct {
	// Postgres is the postgres:// URL; "" means SQLite.
	Postgres string
	// SQLitePath is the SQLite database file; "" means epoxy.db in the
	// data directory.
	SQLitePath string
}

// parseStore reads --store: "" (SQLite in the data directory),
// sqlite:///path/epoxy.db, or postgres://... (postgresql:// too).
func parseStore(s string) (storeLocation, error) {
	switch {
	case s == "":
		return storeLocation{}, nil
	case strings.HasPrefix(s, "postgres://"), strings.HasPrefix(s, "postgresql://"):
		return storeLocation{Postgres: s}, nil
	case strings.HasPrefix(s, "sqlite://"):
		p := strings.TrimPrefix(s, "sqlite://")
		if p == "" || strings.HasSuffix(p, "/") {
			return storeLocation{}, fmt.Errorf("--store %s names no database file; use sqlite:///path/epoxy.db", s)
		}
		abs, err := filepath.Abs(p)
		if err != nil {
			return storeLocation{}, fmt.Errorf("--store %s: %w", s, err)
		}
		return storeLocation{SQLitePath: abs}, nil
	}
	// Not echoed: a mistyped URL may hold a password.
	return storeLocation{}, fmt.Errorf("--store must be postgres://user:pass@host:5432/db?sslmode=..., sqlite:///path/epoxy.db, or empty (SQLite in --data)")
}

// String names the store for logs, without credentials.
func (l storeLocation) String() string {
	if l.Postgres != "" {
		return "postgres"
	}
	return "sqlite"
}

// sqliteFile returns the directory (opened) and name of the SQLite
// database file: epoxy.db in the data directory, or --store's file.
func (l storeLocation) sqliteFile(data *safefs.Root) (*safefs.Root, string, func() error, error) {
	if l.SQLitePath == "" {
		return data, "epoxy.db", func() error { return nil }, nil
	}
	dir, err := safefs.OpenRoot(filepath.Dir(l.SQLitePath))
	if err != nil {
		return nil, "", nil, fmt.Errorf("open database directory: %w", err)
	}
	return dir, filepath.Base(l.SQLitePath), dir.Close, nil
}

// migratingStore is a store that `epoxy migrate` can report on and move.
type migratingStore interface {
	store.Store
	Migrate(ctx context.Context) error
	MigrateDown(ctx context.Context, version int) error
	MigrationStatus(ctx context.Context) ([]migration.State, error)
}

var (
	_ migratingStore = (*sqlite.Store)(nil)
	_ migratingStore = (*postgres.Store)(nil)
)

// openServed opens the store serve and worker run on: migrated to the
// latest schema, or, with migrate false, as it is if it is at the latest
// schema and refused otherwise.
func openServed(ctx context.Context, l storeLocation, data *safefs.Root, migrate bool) (migratingStore, error) {
	st, err := openDatabase(ctx, l, data, migrate)
	if err != nil || migrate {
		return st, err
	}
	states, err := st.MigrationStatus(ctx)
	if err != nil {
		st.Close()
		return nil, err
	}
	pending := 0
	for _, s := range states {
		if !s.Applied {
			pending++
		}
	}
	if pending > 0 {
		st.Close()
		return nil, fmt.Errorf("the store's schema is %d migrations behind this epoxy and --migrate=false: apply them with `epoxy migrate up` (with the same --data or --store)", pending)
	}
	return st, nil
}

// openDatabase opens the store at l, migrated to the latest schema when
// migrate is true and as it is otherwise. data is the data directory,
// which holds the SQLite file unless --store names another.
func openDatabase(ctx context.Context, l storeLocation, data *safefs.Root, migrate bool) (migratingStore, error) {
	if l.Postgres != "" {
		if migrate {
			return postgres.Open(ctx, l.Postgres)
		}
		return postgres.OpenUnmigrated(ctx, l.Postgres)
	}
	dir, name, closeDir, err := l.sqliteFile(data)
	if err != nil {
		return nil, err
	}
	defer closeDir()
	if err := privateDatabase(dir, name); err != nil {
		return nil, err
	}
	if migrate {
		return sqlite.Open(ctx, dir.Path(name))
	}
	return sqlite.OpenUnmigrated(ctx, dir.Path(name))
}
