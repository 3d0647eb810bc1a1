package service

import (
	"context"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// CreateTrigger validates and stores a new trigger. startOnCreation
// activates a SCHEDULED, CONDITIONAL or EVENT trigger at once.
func (s *Service) CreateTrigger(ctx context.Context, t *glue.Trigger, startOnCreation bool, tags map[string]string) error {
	t.Normalize()
	if err := t.Validate(); err != nil {
		return err
	}
	if startOnCreation && t.Type == glue.TriggerOnDemand {
		return glue.Errorf(glue.InvalidInput, "StartOnCreation is not supported for triggers of type ON_DEMAND")
	}
	if err := s.validateSchedule(t); err != nil {
		return err
	}
	t.ID = glue.NewID("tr")
	t.State = glue.TriggerCreated
	if startOnCreation {
		t.State = glue.TriggerActivated
	}
	return s.store.Update(ctx, func(tx store.Tx) error {
		if err := s.checkTriggerReferences(ctx, tx, t); err != nil {
			return err
		}
		if err := tx.Triggers().Insert(ctx, t.Name, t); err != nil {
			return err
		}
		return tx.AddTags(ctx, glue.Resource{Kind: glue.KindTrigger, Name: t.Name}, tags)
	})
}

func (s *Service) validateSchedule(t *glue.Trigger) error {
	if t.Type != glue.TriggerScheduled {
		return nil
	}
	return s.schedule(t.Schedule)
}

// checkTriggerReferences applies the rules that need the store: the
// workflow exists and has no other start trigger, and every job and crawler
// the trigger starts or watches exists.
func (s *Service) checkTriggerReferences(ctx context.Context, tx store.Tx, t *glue.Trigger) error {
	if t.WorkflowName != "" {
		if err := s.checkWorkflowStart(ctx, tx, t); err != nil {
			return err
		}
	}
	for _, a := range t.Actions {
		if err := s.checkEntity(ctx, tx, a.JobName, a.CrawlerName); err != nil {
			return err
		}
	}
	if t.Predicate != nil {
		for _, c := range t.Predicate.Conditions {
			if err := s.checkEntity(ctx, tx, c.JobName, c.CrawlerName); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Service) checkWorkflowStart(ctx context.Context, tx store.Tx, t *glue.Trigger) error {
	if _, err := tx.Workflows().Get(ctx, t.WorkflowName); err != nil {
		return err
	}
	if !t.Type.IsStart() {
		return nil
	}
	siblings, err := tx.Triggers().List(ctx, glue.ListOptions{Workflow: t.WorkflowName})
	if err != nil {
		return err
	}
	for _, o := range siblings {
		if o.Name != t.Name && o.Type.IsStart() {
			return glue.Errorf(glue.InvalidInput, "workflow %s already has a start trigger (%s); a workflow has at most one ON_DEMAND, SCHEDULED or EVENT trigger", t.WorkflowName, o.Name)
		}
	}
	return nil
}

func (s *Service) checkEntity(ctx context.Context, tx store.Tx, job, crawler string) error {
	var err error
	if job != "" {
		_, err = tx.Jobs().Get(ctx, job)
	} else if crawler != "" {
		_, err = tx.Crawlers().Get(ctx, crawler)
	}
	return err
}

// UpdateTrigger changes a trigger's definition and returns the result. A
// trigger's type and workflow never change.
func (s *Service) UpdateTrigger(ctx context.Context, name string, u glue.TriggerUpdate) (*glue.Trigger, error) {
	var out *glue.Trigger
	err := s.store.Update(ctx, func(tx store.Tx) error {
		t, err := tx.Triggers().Get(ctx, name)
		if err != nil {
			return err
		}
		u.Apply(t)
		t.Normalize()
		if err := t.Validate(); err != nil {
			return err
		}
		if err := s.validateSchedule(t); err != nil {
			return err
		}
		if err := s.checkTriggerReferences(ctx, tx, t); err != nil {
			return err
		}
		out = t
		return tx.Triggers().Replace(ctx, name, t)
	})
	return out, err
}

// DeleteTrigger deletes a trigger; deleting one that does not exist succeeds.
func (s *Service) DeleteTrigger(ctx context.Context, name string) error {
	return s.store.Update(ctx, func(tx store.Tx) error {
		_, err := tx.Triggers().Delete(ctx, name)
		return err
	})
}

// GetTrigger returns one trigger.
func (s *Service) GetTrigger(ctx context.Context, name string) (*glue.Trigger, error) {
	var t *glue.Trigger
	err := s.store.View(ctx, func(tx store.Tx) error {
		var err error
		t, err = tx.Triggers().Get(ctx, name)
		return err
	})
	return t, err
}

// ListTriggers returns a page of triggers in name order. With
// opts.DependentJob set, the job must exist.
func (s *Service) ListTriggers(ctx context.Context, opts glue.ListOptions) ([]*glue.Trigger, error) {
	var out []*glue.Trigger
	err := s.store.View(ctx, func(tx store.Tx) error {
		if err := s.requireDependentJob(ctx, tx, opts); err != nil {
			return err
		}
		var err error
		out, err = tx.Triggers().List(ctx, opts)
		return err
	})
	return out, err
}

// BatchGetTriggers returns the named triggers that exist and the names of
// those that do not.
func (s *Service) BatchGetTriggers(ctx context.Context, names []string) ([]*glue.Trigger, []string, error) {
	return batchGet(ctx, names, func(tx store.Tx, n string) (*glue.Trigger, error) {
		return tx.Triggers().Get(ctx, n)
	}, s.store)
}

// StartTrigger activates a SCHEDULED, CONDITIONAL or EVENT trigger. An
// ON_DEMAND trigger is fired instead: its actions start now, or, for a
// workflow's start trigger, a workflow run starts.
func (s *Service) StartTrigger(ctx context.Context, name string) error {
	t, err := s.GetTrigger(ctx, name)
	if err != nil {
		return err
	}
	if t.Type == glue.TriggerOnDemand {
		if s.firer == nil {
			return glue.Errorf(glue.InternalService, "trigger %s cannot fire: no execution engine is configured", name)
		}
		return s.firer.FireOnDemand(ctx, t)
	}
	return s.setTriggerState(ctx, name, glue.TriggerActivated)
}

// StopTrigger deactivates a SCHEDULED, CONDITIONAL or EVENT trigger.
// ON_DEMAND triggers have nothing to stop: Epoxy refuses them with
// InvalidInputException.
func (s *Service) StopTrigger(ctx context.Context, name string) error {
	return s.setTriggerState(ctx, name, glue.TriggerDeactivated)
}

func (s *Service) setTriggerState(ctx context.Context, name string, state glue.TriggerState) error {
	return s.store.Update(ctx, func(tx store.Tx) error {
		t, err := tx.Triggers().Get(ctx, name)
		if err != nil {
			return err
		}
		if t.Type == glue.TriggerOnDemand {
			return glue.Errorf(glue.InvalidInput, "trigger %s is of type ON_DEMAND and cannot be activated or deactivated", name)
		}
		t.State = state
		return tx.Triggers().Replace(ctx, name, t)
	})
}
