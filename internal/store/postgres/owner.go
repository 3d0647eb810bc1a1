package postgres

import (
	"context"
	"errors"
	"fmt"
)

// ErrOwned is Own's answer when another process already serves the
// schema.
var ErrOwned = errors.New("another epoxy serves this database schema")

// Own makes this process the one Epoxy serving the schema, for as long as
// it lives: it holds a session-level advisory lock on a connection of its
// own, released by release or when the process (or its connection) ends.
// Epoxy runs one replica per schema today: a second server would dispatch
// the same job runs, so it is refused (ErrOwned) rather than allowed to run
// anything twice.
func (s *Store) Own(ctx context.Context) (release func(), err error) {
	c, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("own postgres schema: %w", err)
	}
	var ok bool
	if err := c.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, lockKey("serve", s.schema)).Scan(&ok); err != nil {
		c.Release()
		return nil, fmt.Errorf("own postgres schema: %w", err)
	}
	if !ok {
		c.Release()
		return nil, fmt.Errorf("%w (schema %s): stop it, or give this one another database or schema", ErrOwned, s.schema)
	}
	conn := c.Hijack() // out of the pool: the lock lives as long as this session
	return func() { _ = conn.Close(context.WithoutCancel(ctx)) }, nil
}
