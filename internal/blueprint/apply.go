package blueprint

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/epoxy-run/epoxy/internal/glue"
)

// Creator creates and deletes the entities of a layout. *service.Service
// satisfies it.
type Creator interface {
	CreateWorkflow(ctx context.Context, wf *glue.Workflow, tags map[string]string) error
	CreateJob(ctx context.Context, j *glue.Job, tags map[string]string) error
	CreateCrawler(ctx context.Context, c *glue.Crawler, schedule string, tags map[string]string) error
	CreateTrigger(ctx context.Context, t *glue.Trigger, startOnCreation bool, tags map[string]string) error
	DeleteWorkflow(ctx context.Context, name string) error
	DeleteJob(ctx context.Context, name string) error
	DeleteCrawler(ctx context.Context, name string) error
	DeleteTrigger(ctx context.Context, name string) error
}

// ApplyError is returned by Apply when a creation failed.
type ApplyError struct {
	// Err is the creation failure; its message is the run's ErrorMessage.
	Err error
	// Rollback holds every deletion failure met while rolling back, or is
	// nil when the rollback was clean; its message is the run's
	// RollbackErrorMessage.
	Rollback error
}

// Error returns the creation failure, followed by the rollback failures if
// any.
func (e *ApplyError) Error() string {
	if e.Rollback == nil {
		return e.Err.Error()
	}
	return e.Err.Error() + "; rollback failed: " + e.Rollback.Error()
}

// Unwrap returns the creation failure, so glue.CodeOf sees its code.
func (e *ApplyError) Unwrap() error { return e.Err }

// rollbackErrors lists deletion failures; its message joins them with "; ".
type rollbackErrors []error

func (r rollbackErrors) Error() string {
	msgs := make([]string, len(r))
	for i, err := range r {
		msgs[i] = err.Error()
	}
	return strings.Join(msgs, "; ")
}

func (r rollbackErrors) Unwrap() []error { return r }

// ApplyOptions are Apply's optional hooks.
type ApplyOptions struct {
	// OnRollback, if set, is called once a creation failed and before the
	// first deletion of the rollback; it is not called when nothing needs
	// deleting.
	OnRollback func()
}

// created is an entity Apply created.
type created struct {
	kind glue.Kind
	name string
}

// Apply creates the layout's workflow (with details as its
// BlueprintDetails), then its jobs, crawlers and triggers, in layout order,
// and returns the workflow's name. When a creation fails it deletes, in
// reverse order, exactly the entities this call created (an entity whose
// creation failed, for example because it already existed, is never
// deleted) and returns an *ApplyError. The rollback runs even if ctx is
// cancelled, as leaving half a workflow behind is worse; entities already
// gone count as deleted; opts.OnRollback is called before the first
// deletion. Apply does not modify l: each entity is copied before the
// Creator sees it.
func Apply(ctx context.Context, c Creator, l *Layout, details glue.BlueprintDetails, opts ApplyOptions) (string, error) {
	var done []created
	fail := func(err error) (string, error) {
		if len(done) > 0 && opts.OnRollback != nil {
			opts.OnRollback()
		}
		return "", &ApplyError{Err: err, Rollback: rollback(context.WithoutCancel(ctx), c, done)}
	}
	step := func(kind glue.Kind, name string, create func() error) error {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("create %s %s: %w", kind, name, err)
		}
		if err := create(); err != nil {
			return fmt.Errorf("create %s %s: %w", kind, name, err)
		}
		done = append(done, created{kind, name})
		return nil
	}
	wf := l.Workflow
	wf.BlueprintDetails = &details
	if err := step(glue.KindWorkflow, wf.Name, func() error {
		return c.CreateWorkflow(ctx, &wf, maps.Clone(l.WorkflowTags))
	}); err != nil {
		return fail(err)
	}
	for _, spec := range l.Jobs {
		j := spec.Job
		if err := step(glue.KindJob, j.Name, func() error { return c.CreateJob(ctx, &j, maps.Clone(spec.Tags)) }); err != nil {
			return fail(err)
		}
	}
	for _, spec := range l.Crawlers {
		cr := spec.Crawler
		if err := step(glue.KindCrawler, cr.Name, func() error {
			return c.CreateCrawler(ctx, &cr, spec.Schedule, maps.Clone(spec.Tags))
		}); err != nil {
			return fail(err)
		}
	}
	for _, spec := range l.Triggers {
		t := cloneTrigger(spec.Trigger)
		if err := step(glue.KindTrigger, t.Name, func() error {
			return c.CreateTrigger(ctx, &t, spec.StartOnCreation, nil)
		}); err != nil {
			return fail(err)
		}
	}
	return wf.Name, nil
}

// cloneTrigger copies the parts of t that Creators may normalise in place.
func cloneTrigger(t glue.Trigger) glue.Trigger {
	t.Actions = slices.Clone(t.Actions)
	if t.Predicate != nil {
		p := *t.Predicate
		p.Conditions = slices.Clone(p.Conditions)
		t.Predicate = &p
	}
	return t
}

// rollback deletes the created entities in reverse order and returns the
// failures, or nil.
func rollback(ctx context.Context, c Creator, done []created) error {
	var errs rollbackErrors
	for i := len(done) - 1; i >= 0; i-- {
		e := done[i]
		var err error
		switch e.kind {
		case glue.KindTrigger:
			err = c.DeleteTrigger(ctx, e.name)
		case glue.KindCrawler:
			err = c.DeleteCrawler(ctx, e.name)
		case glue.KindJob:
			err = c.DeleteJob(ctx, e.name)
		case glue.KindWorkflow:
			err = c.DeleteWorkflow(ctx, e.name)
		}
		if err != nil && !glue.IsCode(err, glue.EntityNotFound) {
			errs = append(errs, fmt.Errorf("delete %s %s: %w", e.kind, e.name, err))
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}
