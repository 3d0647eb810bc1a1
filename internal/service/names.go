package service

import (
	"context"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// The List operations answer names only, so they read names only: the
// store never decodes a definition to list it.

// listNames returns a page of one collection's names in name order.
func listNames[T any](ctx context.Context, st store.Store, coll func(store.Tx) store.Collection[T], opts glue.ListOptions) ([]string, error) {
	var out []string
	err := st.View(ctx, func(tx store.Tx) error {
		var err error
		out, err = coll(tx).Names(ctx, opts)
		return err
	})
	return out, err
}

// WorkflowNames returns a page of workflow names in name order.
func (s *Service) WorkflowNames(ctx context.Context, opts glue.ListOptions) ([]string, error) {
	return listNames(ctx, s.store, store.Tx.Workflows, opts)
}

// JobNames returns a page of job names in name order.
func (s *Service) JobNames(ctx context.Context, opts glue.ListOptions) ([]string, error) {
	return listNames(ctx, s.store, store.Tx.Jobs, opts)
}

// CrawlerNames returns a page of crawler names in name order.
func (s *Service) CrawlerNames(ctx context.Context, opts glue.ListOptions) ([]string, error) {
	return listNames(ctx, s.store, store.Tx.Crawlers, opts)
}

// TriggerNames returns a page of trigger names in name order. With
// opts.DependentJob set, the job must exist.
func (s *Service) TriggerNames(ctx context.Context, opts glue.ListOptions) ([]string, error) {
	var out []string
	err := s.store.View(ctx, func(tx store.Tx) error {
		if err := s.requireDependentJob(ctx, tx, opts); err != nil {
			return err
		}
		var err error
		out, err = tx.Triggers().Names(ctx, opts)
		return err
	})
	return out, err
}

// requireDependentJob checks that the job a trigger listing filters on
// exists.
func (s *Service) requireDependentJob(ctx context.Context, tx store.Tx, opts glue.ListOptions) error {
	if opts.DependentJob == "" {
		return nil
	}
	_, err := tx.Jobs().Get(ctx, opts.DependentJob)
	return err
}
