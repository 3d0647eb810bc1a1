package service

import (
	"context"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// CreateWorkflow stores a new workflow with its tags.
func (s *Service) CreateWorkflow(ctx context.Context, wf *glue.Workflow, tags map[string]string) error {
	if err := validateMaxConcurrentRuns(wf.MaxConcurrentRuns); err != nil {
		return err
	}
	now := s.now()
	wf.CreatedOn, wf.LastModifiedOn = glue.At(now), glue.At(now)
	wf.LastRun, wf.Graph = nil, nil
	return s.store.Update(ctx, func(tx store.Tx) error {
		if err := tx.Workflows().Insert(ctx, wf.Name, wf); err != nil {
			return err
		}
		return tx.AddTags(ctx, glue.Resource{Kind: glue.KindWorkflow, Name: wf.Name}, tags)
	})
}

// validateMaxConcurrentRuns refuses a workflow concurrency limit below 1.
// Glue documents that leaving MaxConcurrentRuns out means no limit; a limit
// of 0 or less would let no run start, so Epoxy refuses it rather than
// guessing what was meant.
func validateMaxConcurrentRuns(n *int32) error {
	if n == nil {
		return nil
	}
	return atLeast("MaxConcurrentRuns", *n, 1)
}

// atLeast reports, in AWS's validation wording, a value below min.
func atLeast(path string, v, min int32) error {
	if v >= min {
		return nil
	}
	return glue.Errorf(glue.InvalidInput, "1 validation error detected: Value %d at '%s' failed to satisfy constraint: Member must have value greater than or equal to %d", v, path, min)
}

// UpdateWorkflow changes a workflow's description, default run properties or
// concurrency limit.
func (s *Service) UpdateWorkflow(ctx context.Context, name string, u glue.WorkflowUpdate) error {
	if err := validateMaxConcurrentRuns(u.MaxConcurrentRuns); err != nil {
		return err
	}
	return s.store.Update(ctx, func(tx store.Tx) error {
		wf, err := tx.Workflows().Get(ctx, name)
		if err != nil {
			return err
		}
		if u.Description != nil {
			wf.Description = u.Description
		}
		if u.DefaultRunProperties != nil {
			wf.DefaultRunProperties = u.DefaultRunProperties
		}
		if u.MaxConcurrentRuns != nil {
			wf.MaxConcurrentRuns = u.MaxConcurrentRuns
		}
		wf.LastModifiedOn = glue.At(s.now())
		return tx.Workflows().Replace(ctx, name, wf)
	})
}

// DeleteWorkflow deletes a workflow, the triggers that belong to it and its
// run history. Jobs and crawlers are shared resources and are kept.
// Deleting a workflow that does not exist succeeds, as in Glue; deleting one
// with runs still RUNNING or STOPPING fails with
// ConcurrentModificationException (stop them first).
func (s *Service) DeleteWorkflow(ctx context.Context, name string) error {
	return s.store.Update(ctx, func(tx store.Tx) error {
		active, err := tx.WorkflowRuns().Active(ctx, name)
		if err != nil {
			return err
		}
		if len(active) > 0 {
			return glue.Errorf(glue.ConcurrentModification, "workflow %s has %d active runs (for example %s); stop them before deleting it", name, len(active), active[0].Run.WorkflowRunID)
		}
		if err := tx.WorkflowRuns().DeleteWorkflow(ctx, name); err != nil {
			return err
		}
		if err := tx.Events().DeleteWorkflow(ctx, name); err != nil {
			return err
		}
		triggers, err := tx.Triggers().List(ctx, glue.ListOptions{Workflow: name})
		if err != nil {
			return err
		}
		for _, t := range triggers {
			if _, err := tx.Triggers().Delete(ctx, t.Name); err != nil {
				return err
			}
		}
		_, err = tx.Workflows().Delete(ctx, name)
		return err
	})
}

// GetWorkflow returns a workflow, with its graph derived from its triggers
// when includeGraph is set.
func (s *Service) GetWorkflow(ctx context.Context, name string, includeGraph bool) (*glue.Workflow, error) {
	var wf *glue.Workflow
	err := s.store.View(ctx, func(tx store.Tx) error {
		var err error
		wf, err = s.loadWorkflow(ctx, tx, name, includeGraph)
		return err
	})
	return wf, err
}

func (s *Service) loadWorkflow(ctx context.Context, tx store.Tx, name string, includeGraph bool) (*glue.Workflow, error) {
	wf, err := tx.Workflows().Get(ctx, name)
	if err != nil {
		return nil, err
	}
	if wf.LastRun, err = lastRun(ctx, tx, name); err != nil {
		return nil, err
	}
	if !includeGraph {
		return wf, nil
	}
	triggers, err := tx.Triggers().List(ctx, glue.ListOptions{Workflow: name})
	if err != nil {
		return nil, err
	}
	wf.Graph = glue.DeriveGraph(name, triggers)
	return wf, nil
}

// BatchGetWorkflows returns the named workflows that exist and the names of
// those that do not.
func (s *Service) BatchGetWorkflows(ctx context.Context, names []string, includeGraph bool) ([]*glue.Workflow, []string, error) {
	return batchGet(ctx, names, func(tx store.Tx, n string) (*glue.Workflow, error) {
		return s.loadWorkflow(ctx, tx, n, includeGraph)
	}, s.store)
}
