// Package sqlite is the embedded store: SQLite through the pure-Go
// modernc.org/sqlite driver, in WAL mode, with numbered migrations embedded in
// the binary and applied when the store opens.
//
// Writes go through a single connection with BEGIN IMMEDIATE, so update
// transactions are serialised and never fail on lock upgrades; reads use a
// separate pool and see WAL snapshots. With synchronous=NORMAL in WAL mode a
// committed transaction survives the process being killed (kill -9); only
// an operating-system crash or power loss may lose the last commits.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/epoxy-run/epoxy/internal/store"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is a store.Store on one SQLite database file.
type Store struct {
	write      *sql.DB
	read       *sql.DB
	writeStmts *stmtCache
	readStmts  *stmtCache
}

func (s *Store) stmtsFor(db *sql.DB) *stmtCache {
	if db == s.write {
		return s.writeStmts
	}
	return s.readStmts
}

var _ store.Store = (*Store)(nil)

// Open opens (creating if needed) the database at path and migrates it to
// the latest schema.
func Open(ctx context.Context, path string) (*Store, error) {
	pragmas := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "synchronous(NORMAL)", "busy_timeout(10000)", "foreign_keys(1)"} {
		pragmas.Add("_pragma", p)
	}
	write, err := sql.Open("sqlite", "file:"+path+"?"+pragmas.Encode()+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	s := &Store{write: write, writeStmts: newStmtCache(write)}
	if err := s.migrate(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	// The driver does not enforce read-only transactions, so the read pool
	// is made query-only: View can never write behind Update's back.
	pragmas.Add("_pragma", "query_only(1)")
	read, err := sql.Open("sqlite", "file:"+path+"?"+pragmas.Encode())
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	read.SetMaxOpenConns(max(4, runtime.GOMAXPROCS(0)*2))
	read.SetMaxIdleConns(max(4, runtime.GOMAXPROCS(0)*2))
	s.read, s.readStmts = read, newStmtCache(read)
	return s, nil
}

// Close closes both connection pools.
func (s *Store) Close() error {
	return errors.Join(s.readStmts.close(), s.writeStmts.close(), s.read.Close(), s.write.Close())
}

// Update runs fn in a serialised read-write transaction.
func (s *Store) Update(ctx context.Context, fn func(store.Tx) error) error {
	return s.inTx(ctx, s.write, nil, fn)
}

// View runs fn in a read-only transaction on one snapshot.
func (s *Store) View(ctx context.Context, fn func(store.Tx) error) error {
	return s.inTx(ctx, s.read, &sql.TxOptions{ReadOnly: true}, fn)
}

func (s *Store) inTx(ctx context.Context, db *sql.DB, opts *sql.TxOptions, fn func(store.Tx) error) error {
	stmts := s.stmtsFor(db)
	defer stmts.prepareWanted(context.WithoutCancel(ctx))
	sqlTx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	if err := fn(&tx{c: &conn{tx: sqlTx, stmts: stmts}}); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// migrate applies, in order and each in its own transaction, every embedded
// migration not yet recorded in schema_migrations.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	sort.Strings(files)
	for _, f := range files {
		if err := s.apply(ctx, f); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) apply(ctx context.Context, file string) error {
	name := strings.TrimSuffix(strings.TrimPrefix(file, "migrations/"), ".sql")
	num, _, _ := strings.Cut(name, "_")
	version, err := strconv.Atoi(num)
	if err != nil {
		return fmt.Errorf("migrate: %s: file name must start with a number", file)
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
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return fmt.Errorf("migrate %s: %w", name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		version, name, time.Now().UTC().Format(time.RFC3339)); err != nil {
		return fmt.Errorf("migrate %s: %w", name, err)
	}
	return tx.Commit()
}
