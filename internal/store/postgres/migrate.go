package postgres

import (
	"context"
	"embed"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/epoxy-run/epoxy/internal/store/migration"
)

// Migrations are numbered SQL files with the same versions as the SQLite
// store's: NNNN_name.sql moves the schema up to version NNNN and
// NNNN_name.down.sql moves it back to the version before.
//
//go:embed migrations/*.sql
var migrations embed.FS

// latest stands for the newest embedded migration's version.
const latest = int(^uint(0) >> 1)

// loadMigrations returns the embedded migrations in version order.
func loadMigrations() ([]migration.Migration, error) {
	return migration.Load(migrations, "migrations")
}

// lockKey is the advisory lock key for purpose ("write", "migrate") on a
// schema: a 64-bit FNV-1a hash, so that stores in different schemas of one
// database take different locks.
func lockKey(purpose, schema string) int64 {
	h := fnv.New64a()
	h.Write([]byte("epoxy/" + purpose + "/" + schema))
	return int64(h.Sum64())
}

// Migrate applies every embedded migration the database has not applied.
func (s *Store) Migrate(ctx context.Context) error {
	return s.migrate(ctx, latest)
}

// MigrateDown rolls the schema back to version (0 undoes every migration),
// running the down files of the applied migrations above it newest first,
// each in its own transaction. The rows in dropped tables and columns are
// lost. Opening the store again migrates it up to the latest version.
func (s *Store) MigrateDown(ctx context.Context, version int) error {
	ms, err := loadMigrations()
	if err != nil {
		return fmt.Errorf("migrate down: %w", err)
	}
	return s.locked(ctx, func(c *pgxpool.Conn) error {
		for i := len(ms) - 1; i >= 0 && ms[i].Version > version; i-- {
			if err := step(ctx, c, ms[i], false); err != nil {
				return err
			}
		}
		return nil
	})
}

// MigrationStatus reports which migrations the database has applied.
func (s *Store) MigrationStatus(ctx context.Context) ([]migration.State, error) {
	ms, err := loadMigrations()
	if err != nil {
		return nil, err
	}
	var exists bool
	if err := s.pool.QueryRow(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&exists); err != nil || !exists {
		return migration.Status(ms, nil), err
	}
	rows, err := s.pool.Query(ctx, `SELECT version, name, applied_at FROM schema_migrations ORDER BY version`)
	if err != nil {
		return nil, fmt.Errorf("migration status: %w", err)
	}
	applied, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (migration.Applied, error) {
		var a migration.Applied
		err := r.Scan(&a.Version, &a.Name, &a.AppliedAt)
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("migration status: %w", err)
	}
	return migration.Status(ms, applied), nil
}

// migrate applies, in order and each in its own transaction, every embedded
// migration up to version not yet recorded in schema_migrations.
func (s *Store) migrate(ctx context.Context, version int) error {
	ms, err := loadMigrations()
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return s.locked(ctx, func(c *pgxpool.Conn) error {
		for _, m := range ms {
			if m.Version > version {
				break
			}
			if err := step(ctx, c, m, true); err != nil {
				return err
			}
		}
		return nil
	})
}

// locked runs fn on one connection holding the schema's migration lock, a
// session-level advisory lock: processes migrating the same schema at once
// take turns, and each finds the migrations the one before it applied.
func (s *Store) locked(ctx context.Context, fn func(*pgxpool.Conn) error) error {
	c, err := s.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer c.Release()
	key := lockKey("migrate", s.schema)
	if _, err := c.Exec(ctx, `SELECT pg_advisory_lock($1)`, key); err != nil {
		return fmt.Errorf("migrate: take the migration lock: %w", err)
	}
	defer func() {
		if _, err := c.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, key); err != nil {
			// A connection that may still hold the lock must not go back
			// to the pool.
			_ = c.Conn().Close(context.WithoutCancel(ctx))
		}
	}()
	if _, err := c.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return fn(c)
}

// step applies (up) or undoes (down) one migration unless schema_migrations
// says it already is in that state, and records the result there.
func step(ctx context.Context, c *pgxpool.Conn, m migration.Migration, up bool) error {
	file, record, args := m.Down, `DELETE FROM schema_migrations WHERE version = $1`, []any{m.Version}
	if up {
		file, record = m.Up, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`
		args = append(args, m.Name, time.Now().UTC())
	}
	body, err := migrations.ReadFile(file)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return pgx.BeginFunc(ctx, c, func(tx pgx.Tx) error {
		var applied bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)`, m.Version).Scan(&applied); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		if applied == up {
			return nil
		}
		// Without arguments pgx sends the file with the simple protocol,
		// which runs every statement in it.
		if _, err := tx.Exec(ctx, string(body)); err != nil {
			return fmt.Errorf("migrate %s: %w", file, err)
		}
		if _, err := tx.Exec(ctx, record, args...); err != nil {
			return fmt.Errorf("migrate %s: %w", file, err)
		}
		return nil
	})
}
