package sqlite

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Migrations are numbered SQL files: NNNN_name.sql moves the schema up to
// version NNNN and NNNN_name.down.sql moves it back to the version before.
//
//go:embed migrations/*.sql
var migrations embed.FS

// latest stands for the newest embedded migration's version.
const latest = int(^uint(0) >> 1)

// migration is one numbered schema change and the files that apply and
// undo it.
type migration struct {
	version  int
	name     string
	up, down string
}

// loadMigrations returns the embedded migrations in version order. Every
// migration must have a down file.
func loadMigrations() ([]migration, error) {
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var out []migration
	for _, f := range files {
		if strings.HasSuffix(f, ".down.sql") {
			continue
		}
		m, err := parseMigration(f)
		if err != nil {
			return nil, err
		}
		if _, err := fs.Stat(migrations, m.down); err != nil {
			return nil, fmt.Errorf("migration %s has no down file %s", m.name, m.down)
		}
		out = append(out, m)
	}
	return out, nil
}

func parseMigration(file string) (migration, error) {
	name := strings.TrimSuffix(strings.TrimPrefix(file, "migrations/"), ".sql")
	num, _, _ := strings.Cut(name, "_")
	version, err := strconv.Atoi(num)
	if err != nil {
		return migration{}, fmt.Errorf("%s: file name must start with a number", file)
	}
	return migration{version: version, name: name, up: file, down: "migrations/" + name + ".down.sql"}, nil
}

// migrate applies, in order and each in its own transaction, every embedded
// migration up to version not yet recorded in schema_migrations.
func (s *Store) migrate(ctx context.Context, version int) error {
	if _, err := s.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	ms, err := loadMigrations()
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, m := range ms {
		if m.version > version {
			break
		}
		if err := s.step(ctx, m, true); err != nil {
			return err
		}
	}
	return nil
}

// MigrateDown rolls the schema back to version (0 undoes every migration),
// running the down files of the applied migrations above it newest first,
// each in its own transaction. It is the way back for an operator who
// returns to an older Epoxy; the rows in dropped tables and columns are
// lost. Opening the store again migrates it up to the latest version.
func (s *Store) MigrateDown(ctx context.Context, version int) error {
	ms, err := loadMigrations()
	if err != nil {
		return fmt.Errorf("migrate down: %w", err)
	}
	for i := len(ms) - 1; i >= 0 && ms[i].version > version; i-- {
		if err := s.step(ctx, ms[i], false); err != nil {
			return err
		}
	}
	return nil
}

// step applies (up) or undoes (down) one migration unless schema_migrations
// says it already is in that state, and records the result there.
func (s *Store) step(ctx context.Context, m migration, up bool) error {
	file, record, args := m.down, `DELETE FROM schema_migrations WHERE version = ?`, []any{m.version}
	if up {
		file, record = m.up, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`
		args = append(args, m.name, time.Now().UTC().Format(time.RFC3339))
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
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&n); err != nil {
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
