package sqlite

import (
	"context"
	"embed"
	"fmt"
	"time"

	"github.com/epoxy-run/epoxy/internal/store/migration"
)

// Migrations are numbered SQL files: NNNN_name.sql moves the schema up to
// version NNNN and NNNN_name.down.sql moves it back to the version before.
//
//go:embed migrations/*.sql
var migrations embed.FS

// latest stands for the newest embedded migration's version.
const latest = int(^uint(0) >> 1)

// loadMigrations returns the embedded migrations in version order.
func loadMigrations() ([]migration.Migration, error) {
	return migration.Load(migrations, "migrations")
}

// Migrate applies every embedded migration the database has not applied.
func (s *Store) Migrate(ctx context.Context) error { return s.migrate(ctx, latest) }

// MigrationStatus reports which migrations the database has applied.
func (s *Store) MigrationStatus(ctx context.Context) ([]migration.State, error) {
	ms, err := loadMigrations()
	if err != nil {
		return nil, err
	}
	var n int
	if err := s.write.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name = 'schema_migrations'`).Scan(&n); err != nil || n == 0 {
		return migration.Status(ms, nil), err
	}
	rows, err := s.write.QueryContext(ctx, `SELECT version, name, applied_at FROM schema_migrations ORDER BY version`)
	if err != nil {
		return nil, fmt.Errorf("migration status: %w", err)
	}
	defer rows.Close()
	var applied []migration.Applied
	for rows.Next() {
		var a migration.Applied
		var at string
		if err := rows.Scan(&a.Version, &a.Name, &at); err != nil {
			return nil, fmt.Errorf("migration status: %w", err)
		}
		a.AppliedAt, _ = time.Parse(time.RFC3339, at)
		applied = append(applied, a)
	}
	return migration.Status(ms, applied), rows.Err()
}

// migrate applies, in order and each in its own transaction, every embedded
// migration up to version not yet recorded in schema_migrations.
func (s *Store) migrate(ctx context.Context, version int) error {
	if err := s.migrationsTable(ctx); err != nil {
		return err
	}
	ms, err := loadMigrations()
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, m := range ms {
		if m.Version > version {
			break
		}
		if err := s.step(ctx, m, true); err != nil {
			return err
		}
	}
	return nil
}

// migrationsTable creates schema_migrations if the database has none yet.
func (s *Store) migrationsTable(ctx context.Context) error {
	if _, err := s.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// MigrateDown rolls the schema back to version (0 undoes every migration),
// running the down files of the applied migrations above it newest first,
// each in its own transaction. It is the way back for an operator who
// returns to an older Epoxy; the rows in dropped tables and columns are
// lost. Opening the store again migrates it up to the latest version.
func (s *Store) MigrateDown(ctx context.Context, version int) error {
	if err := s.migrationsTable(ctx); err != nil {
		return err
	}
	ms, err := loadMigrations()
	if err != nil {
		return fmt.Errorf("migrate down: %w", err)
	}
	for i := len(ms) - 1; i >= 0 && ms[i].Version > version; i-- {
		if err := s.step(ctx, ms[i], false); err != nil {
			return err
		}
	}
	return nil
}

// step applies (up) or undoes (down) one migration unless schema_migrations
// says it already is in that state, and records the result there.
func (s *Store) step(ctx context.Context, m migration.Migration, up bool) error {
	file, record, args := m.Down, `DELETE FROM schema_migrations WHERE version = ?`, []any{m.Version}
	if up {
		file, record = m.Up, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`
		args = append(args, m.Name, time.Now().UTC().Format(time.RFC3339))
	}
	body, err := migrations.ReadFile(file)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, m.Version).Scan(&n); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if (n > 0) == up {
		return nil
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return fmt.Errorf("migrate %s: %w", file, err)
	}
	if _, err := tx.ExecContext(ctx, record, args...); err != nil {
		return fmt.Errorf("migrate %s: %w", file, err)
	}
	return tx.Commit()
}
