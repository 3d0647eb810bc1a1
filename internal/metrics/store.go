package metrics

import (
	"context"
	"time"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// Store is a store.Store whose transactions are timed.
type Store struct {
	store.Store
	m *Metrics
}

// TimeStore returns s with its transactions observed in
// epoxy_store_transaction_seconds.
func (m *Metrics) TimeStore(s store.Store) *Store {
	return &Store{Store: s, m: m}
}

// Update runs fn in a timed read-write transaction.
func (s *Store) Update(ctx context.Context, fn func(store.Tx) error) error {
	defer s.observe("update", time.Now())
	return s.Store.Update(ctx, fn)
}

// View runs fn in a timed read-only transaction.
func (s *Store) View(ctx context.Context, fn func(store.Tx) error) error {
	defer s.observe("view", time.Now())
	return s.Store.View(ctx, fn)
}

func (s *Store) observe(kind string, start time.Time) {
	s.m.transactions.WithLabelValues(kind).Observe(time.Since(start).Seconds())
}

// CountJobRuns counts the job runs of every job in the states.
func (s *Store) CountJobRuns(ctx context.Context, states ...string) (int, error) {
	want := make([]glue.JobRunState, len(states))
	for i, st := range states {
		want[i] = glue.JobRunState(st)
	}
	var n int
	err := s.Store.View(ctx, func(tx store.Tx) error {
		runs, err := tx.JobRuns().InStates(ctx, "", want...)
		n = len(runs)
		return err
	})
	return n, err
}
