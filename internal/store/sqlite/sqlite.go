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
	"errors"
	"fmt"
	"net/url"
	"runtime"

	"github.com/epoxy-run/epoxy/internal/store"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

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
	s, err := OpenUnmigrated(ctx, path)
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return s, nil
}

// OpenUnmigrated opens (creating if needed) the database at path as it is,
// for `epoxy migrate` to report on or move its schema.
func OpenUnmigrated(_ context.Context, path string) (*Store, error) {
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
	return &Store{write: write, writeStmts: newStmtCache(write), read: read, readStmts: newStmtCache(read)}, nil
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
