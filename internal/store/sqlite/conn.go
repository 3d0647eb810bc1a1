package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// maxCachedStatements bounds the prepared-statement cache; queries built
// with varying filters beyond it are prepared per use.
const maxCachedStatements = 256

// stmtCache keeps statements prepared on one connection pool, so each query
// is parsed by SQLite once rather than on every use (parsing was a quarter
// of the server's CPU on reads).
//
// Statements are prepared between transactions, never inside one: the
// write pool has a single connection, which the running transaction holds.
// A query seen for the first time runs unprepared and is prepared after
// its transaction ends.
type stmtCache struct {
	db     *sql.DB
	mu     sync.Mutex
	stmts  map[string]*sql.Stmt
	wanted map[string]bool
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, stmts: map[string]*sql.Stmt{}, wanted: map[string]bool{}}
}

// get returns the prepared statement for query, or nil (noting the query
// to prepare later) when it has none yet.
func (c *stmtCache) get(query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.stmts[query]; ok {
		return st
	}
	if len(c.stmts)+len(c.wanted) < maxCachedStatements {
		c.wanted[query] = true
	}
	return nil
}

// prepareWanted prepares the queries noted since the last call. It must be
// called outside any transaction on the pool.
//
// The lock is not held while preparing: preparing on the write pool waits
// for its one connection, which a transaction calling get may hold.
func (c *stmtCache) prepareWanted(ctx context.Context) {
	c.mu.Lock()
	var queries []string
	for q := range c.wanted {
		queries = append(queries, q)
		delete(c.wanted, q)
	}
	c.mu.Unlock()
	for _, q := range queries {
		st, err := c.db.PrepareContext(ctx, q)
		if err != nil {
			continue
		}
		c.mu.Lock()
		if _, dup := c.stmts[q]; dup {
			_ = st.Close()
		} else {
			c.stmts[q] = st
		}
		c.mu.Unlock()
	}
}

func (c *stmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for _, st := range c.stmts {
		errs = append(errs, st.Close())
	}
	c.stmts = map[string]*sql.Stmt{}
	return errors.Join(errs...)
}

// conn is one transaction with access to the statement cache. Its methods
// mirror *sql.Tx's.
type conn struct {
	tx    *sql.Tx
	stmts *stmtCache
}

// QueryContext runs a query in the transaction through a cached statement.
func (c *conn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := c.stmts.get(query); st != nil {
		return c.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return c.tx.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a single-row query in the transaction.
func (c *conn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := c.stmts.get(query); st != nil {
		return c.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return c.tx.QueryRowContext(ctx, query, args...)
}

// ExecContext runs a statement in the transaction.
func (c *conn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := c.stmts.get(query); st != nil {
		return c.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return c.tx.ExecContext(ctx, query, args...)
}
