// Package postgres is the PostgreSQL store: pgx v5 through a pgxpool
// connection pool, with numbered migrations embedded in the binary and
// applied when the store opens, under an advisory lock so that several
// Epoxy processes starting at once migrate the database once.
//
// Update transactions are serialised, as the store contract says: each
// runs at READ COMMITTED and first takes a transaction-scoped advisory lock
// (pg_advisory_xact_lock) on a key derived from the schema, so one writer
// at a time runs against a schema, whichever process or connection it
// comes from, and every statement after the lock sees everything the
// writers before it committed. Within one process writers also queue on a
// mutex before taking a connection, so waiting writers never hold the pool
// while a reader needs it. View transactions are REPEATABLE READ READ ONLY:
// one snapshot, and PostgreSQL refuses writes in them.
//
// The tables live in the first schema of the connection's search_path,
// which a URL can set (?search_path=name); the locks are per schema, so
// stores in different schemas of one database do not wait for each other.
package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/epoxy-run/epoxy/internal/store"
)

// Store is a store.Store on one PostgreSQL schema.
type Store struct {
	pool *pgxpool.Pool
	// schema is the schema the tables live in.
	schema string
	// writeKey is the advisory lock key Update transactions take.
	writeKey int64
	// writer holds one token: in-process writers queue on it before they
	// take a connection from the pool.
	writer chan struct{}
}

var _ store.Store = (*Store)(nil)

// Open connects to the database at url (postgres://...) and migrates it to
// the latest schema.
func Open(ctx context.Context, url string) (*Store, error) {
	s, err := OpenUnmigrated(ctx, url)
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// OpenUnmigrated connects to the database at url and leaves its schema as
// it is, for `epoxy migrate` to report on or move.
func OpenUnmigrated(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	s := &Store{pool: pool, writer: make(chan struct{}, 1)}
	var schema *string
	if err := pool.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	if schema == nil {
		pool.Close()
		return nil, errors.New("open postgres: no schema of the search_path exists; create it or fix search_path")
	}
	s.schema = *schema
	s.writeKey = lockKey("write", s.schema)
	return s, nil
}

// Close closes the connection pool.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Update runs fn in a read-write transaction serialised with every other
// Update on the schema.
func (s *Store) Update(ctx context.Context, fn func(store.Tx) error) error {
	select {
	case s.writer <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.writer }()
	return s.inTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted}, func(t pgx.Tx) error {
		if _, err := t.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, s.writeKey); err != nil {
			return fmt.Errorf("take the write lock: %w", err)
		}
		return fn(&tx{c: t})
	})
}

// View runs fn in a read-only transaction on one snapshot.
func (s *Store) View(ctx context.Context, fn func(store.Tx) error) error {
	return s.inTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(t pgx.Tx) error {
		return fn(&tx{c: t})
	})
}

// inTx runs fn in a transaction with opts, committing when it returns nil.
// The transaction is rolled back however fn ends otherwise, a panic or a
// test's FailNow included, so its connection always returns to the pool.
func (s *Store) inTx(ctx context.Context, opts pgx.TxOptions, fn func(pgx.Tx) error) error {
	t, err := s.pool.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer func() { _ = t.Rollback(context.WithoutCancel(ctx)) }() // a no-op after Commit
	if err := fn(t); err != nil {
		return err
	}
	if err := t.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
