package blueprint_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/blueprint"
	"github.com/epoxy-run/epoxy/internal/glue"
)

// mockCreator is a blueprint.Creator whose methods call its function
// fields.
type mockCreator struct {
	CreateWorkflowFunc func(ctx context.Context, wf *glue.Workflow, tags map[string]string) error
	CreateJobFunc      func(ctx context.Context, j *glue.Job, tags map[string]string) error
	CreateCrawlerFunc  func(ctx context.Context, c *glue.Crawler, schedule string, tags map[string]string) error
	CreateTriggerFunc  func(ctx context.Context, t *glue.Trigger, startOnCreation bool, tags map[string]string) error
	DeleteWorkflowFunc func(ctx context.Context, name string) error
	DeleteJobFunc      func(ctx context.Context, name string) error
	DeleteCrawlerFunc  func(ctx context.Context, name string) error
	DeleteTriggerFunc  func(ctx context.Context, name string) error
}

var _ blueprint.Creator = (*mockCreator)(nil)

func (m *mockCreator) CreateWorkflow(ctx context.Context, wf *glue.Workflow, tags map[string]string) error {
	return m.CreateWorkflowFunc(ctx, wf, tags)
}
func (m *mockCreator) CreateJob(ctx context.Context, j *glue.Job, tags map[string]string) error {
	return m.CreateJobFunc(ctx, j, tags)
}
func (m *mockCreator) CreateCrawler(ctx context.Context, c *glue.Crawler, schedule string, tags map[string]string) error {
	return m.CreateCrawlerFunc(ctx, c, schedule, tags)
}
func (m *mockCreator) CreateTrigger(ctx context.Context, t *glue.Trigger, startOnCreation bool, tags map[string]string) error {
	return m.CreateTriggerFunc(ctx, t, startOnCreation, tags)
}
func (m *mockCreator) DeleteWorkflow(ctx context.Context, name string) error {
	return m.DeleteWorkflowFunc(ctx, name)
}
func (m *mockCreator) DeleteJob(ctx context.Context, name string) error {
	return m.DeleteJobFunc(ctx, name)
}
func (m *mockCreator) DeleteCrawler(ctx context.Context, name string) error {
	return m.DeleteCrawlerFunc(ctx, name)
}
func (m *mockCreator) DeleteTrigger(ctx context.Context, name string) error {
	return m.DeleteTriggerFunc(ctx, name)
}

// fakeGlue is a tiny catalog behind a mockCreator: it records every call
// ("create job a"), refuses duplicates with AlreadyExists and fails the
// calls listed in fail.
type fakeGlue struct {
	mu     sync.Mutex
	calls  []string
	exists map[string]bool
	fail   map[string]error
	// seen records the last argument of each create call, by key.
	seen map[string]any
	// onCreate runs after each successful create.
	onCreate func(key string)
	// deleteCtxErrs records ctx.Err() of every delete call.
	deleteCtxErrs []error
}

func newFakeGlue(existing ...string) *fakeGlue {
	f := &fakeGlue{exists: map[string]bool{}, fail: map[string]error{}, seen: map[string]any{}}
	for _, k := range existing {
		f.exists[k] = true
	}
	return f
}

func (f *fakeGlue) create(key string, arg any) error {
	f.mu.Lock()
	f.calls = append(f.calls, "create "+key)
	f.seen[key] = arg
	err := f.fail["create "+key]
	if err == nil && f.exists[key] {
		err = glue.Errorf(glue.AlreadyExists, "%s already exists", key)
	}
	if err == nil {
		f.exists[key] = true
	}
	hook := f.onCreate
	f.mu.Unlock()
	if err == nil && hook != nil {
		hook(key)
	}
	return err
}

func (f *fakeGlue) delete(ctx context.Context, key string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, "delete "+key)
	f.deleteCtxErrs = append(f.deleteCtxErrs, ctx.Err())
	if err := f.fail["delete "+key]; err != nil {
		return err
	}
	if !f.exists[key] {
		return glue.Errorf(glue.EntityNotFound, "%s not found", key)
	}
	delete(f.exists, key)
	return nil
}

type createdWith struct {
	entity          any
	schedule        string
	startOnCreation bool
	tags            map[string]string
}

func (f *fakeGlue) creator() *mockCreator {
	return &mockCreator{
		CreateWorkflowFunc: func(_ context.Context, wf *glue.Workflow, tags map[string]string) error {
			return f.create("workflow "+wf.Name, createdWith{entity: *wf, tags: tags})
		},
		CreateJobFunc: func(_ context.Context, j *glue.Job, tags map[string]string) error {
			j.MaxRetries = 99 // Creators may change what they are given.
			return f.create("job "+j.Name, createdWith{entity: *j, tags: tags})
		},
		CreateCrawlerFunc: func(_ context.Context, c *glue.Crawler, schedule string, tags map[string]string) error {
			return f.create("crawler "+c.Name, createdWith{entity: *c, schedule: schedule, tags: tags})
		},
		CreateTriggerFunc: func(_ context.Context, t *glue.Trigger, start bool, tags map[string]string) error {
			t.Actions[0].JobName = "changed"
			return f.create("trigger "+t.Name, createdWith{entity: *t, startOnCreation: start, tags: tags})
		},
		DeleteWorkflowFunc: func(ctx context.Context, n string) error { return f.delete(ctx, "workflow "+n) },
		DeleteJobFunc:      func(ctx context.Context, n string) error { return f.delete(ctx, "job "+n) },
		DeleteCrawlerFunc:  func(ctx context.Context, n string) error { return f.delete(ctx, "crawler "+n) },
		DeleteTriggerFunc:  func(ctx context.Context, n string) error { return f.delete(ctx, "trigger "+n) },
	}
}

// opts records the OnRollback call among the calls, as "rollback".
func (f *fakeGlue) opts() blueprint.ApplyOptions {
	return blueprint.ApplyOptions{OnRollback: func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.calls = append(f.calls, "rollback")
	}}
}

func testLayout() *blueprint.Layout {
	return &blueprint.Layout{
		Workflow:     glue.Workflow{Name: "wf", DefaultRunProperties: map[string]string{"p": "1"}},
		WorkflowTags: map[string]string{"team": "data"},
		Jobs: []blueprint.JobSpec{
			{Job: glue.Job{Name: "a_s", Role: "r"}},
			{Job: glue.Job{Name: "b_s", Role: "r"}, Tags: map[string]string{"owner": "me"}},
		},
		Crawlers: []blueprint.CrawlerSpec{
			{Crawler: glue.Crawler{Name: "c1_s"}, Schedule: "cron(0 1 * * ? *)"},
			{Crawler: glue.Crawler{Name: "c2_s"}},
		},
		Triggers: []blueprint.TriggerSpec{
			{Trigger: glue.Trigger{Name: "wf_b_s_trigger", WorkflowName: "wf", Type: glue.TriggerConditional,
				Actions:   []glue.Action{{JobName: "b_s"}},
				Predicate: &glue.Predicate{Logical: glue.LogicalAnd, Conditions: []glue.Condition{{LogicalOperator: "EQUALS", JobName: "a_s", State: "SUCCEEDED"}}}},
				StartOnCreation: true},
			{Trigger: glue.Trigger{Name: "wf_starting_trigger", WorkflowName: "wf", Type: glue.TriggerOnDemand,
				Actions: []glue.Action{{JobName: "a_s"}, {CrawlerName: "c1_s"}}}},
		},
	}
}

var details = glue.BlueprintDetails{BlueprintName: "bp", RunID: "run-1"}

// Ensure Apply creates workflow, jobs, crawlers, triggers in that order,
// passes BlueprintDetails, schedules, tags and StartOnCreation, and leaves
// the layout as it was.
func TestApply(t *testing.T) {
	t.Parallel()
	f := newFakeGlue()
	l := testLayout()
	name, err := blueprint.Apply(context.Background(), f.creator(), l, details, f.opts())
	require.NoError(t, err)
	require.Equal(t, "wf", name)
	require.Equal(t, []string{"create workflow wf", "create job a_s", "create job b_s", "create crawler c1_s",
		"create crawler c2_s", "create trigger wf_b_s_trigger", "create trigger wf_starting_trigger"}, f.calls)

	wf := f.seen["workflow wf"].(createdWith)
	require.Equal(t, &details, wf.entity.(glue.Workflow).BlueprintDetails)
	require.Equal(t, map[string]string{"team": "data"}, wf.tags)
	require.Equal(t, map[string]string{"owner": "me"}, f.seen["job b_s"].(createdWith).tags)
	require.Equal(t, "cron(0 1 * * ? *)", f.seen["crawler c1_s"].(createdWith).schedule)
	require.True(t, f.seen["trigger wf_b_s_trigger"].(createdWith).startOnCreation)
	require.False(t, f.seen["trigger wf_starting_trigger"].(createdWith).startOnCreation)

	require.Equal(t, testLayout(), l, "Apply must not modify the layout")
}

// Ensure a failure halfway rolls back, in reverse order, exactly what this
// call created, keeps what existed before, and records every failed delete.
func TestApply_RollbackHalfway(t *testing.T) {
	t.Parallel()
	f := newFakeGlue("job zz_other", "crawler c2_s") // c2_s existed before: its creation fails
	f.fail["delete job a_s"] = errors.New("disk on fire")
	f.fail["delete workflow wf"] = glue.Errorf(glue.ConcurrentModification, "workflow wf is busy")

	_, err := blueprint.Apply(context.Background(), f.creator(), testLayout(), details, f.opts())
	var ae *blueprint.ApplyError
	require.ErrorAs(t, err, &ae)
	require.Equal(t, "create crawler c2_s: crawler c2_s already exists", ae.Err.Error())
	require.Equal(t, glue.AlreadyExists, glue.CodeOf(err))
	require.Equal(t, "delete job a_s: disk on fire; delete workflow wf: workflow wf is busy", ae.Rollback.Error())
	require.Equal(t, ae.Err.Error()+"; rollback failed: "+ae.Rollback.Error(), err.Error())
	require.True(t, glue.IsCode(ae.Rollback, glue.ConcurrentModification))

	require.Equal(t, []string{
		"create workflow wf", "create job a_s", "create job b_s", "create crawler c1_s", "create crawler c2_s",
		"rollback", "delete crawler c1_s", "delete job b_s", "delete job a_s", "delete workflow wf",
	}, f.calls)
	require.Equal(t, map[string]bool{"job zz_other": true, "crawler c2_s": true, "job a_s": true, "workflow wf": true}, f.exists,
		"pre-existing entities are kept; failed deletes leave theirs")
}

// Ensure an AlreadyExists on the first entity deletes nothing and does not
// call OnRollback.
func TestApply_WorkflowAlreadyExists(t *testing.T) {
	t.Parallel()
	f := newFakeGlue("workflow wf")
	_, err := blueprint.Apply(context.Background(), f.creator(), testLayout(), details, f.opts())
	var ae *blueprint.ApplyError
	require.ErrorAs(t, err, &ae)
	require.Nil(t, ae.Rollback)
	require.Equal(t, "create workflow wf: workflow wf already exists", err.Error())
	require.Equal(t, []string{"create workflow wf"}, f.calls)
	require.True(t, f.exists["workflow wf"])
}

// Ensure a failing trigger rolls back the triggers created before it first,
// and that entities already gone count as deleted.
func TestApply_TriggerFailure(t *testing.T) {
	t.Parallel()
	f := newFakeGlue()
	f.fail["create trigger wf_starting_trigger"] = glue.Errorf(glue.InvalidInput, "bad trigger")
	f.onCreate = func(key string) {
		if key == "job b_s" { // someone deletes it behind our back
			f.mu.Lock()
			delete(f.exists, key)
			f.mu.Unlock()
		}
	}
	_, err := blueprint.Apply(context.Background(), f.creator(), testLayout(), details, f.opts())
	var ae *blueprint.ApplyError
	require.ErrorAs(t, err, &ae)
	require.Nil(t, ae.Rollback, "EntityNotFound while deleting is not a rollback failure")
	require.Equal(t, glue.InvalidInput, glue.CodeOf(err))
	require.Equal(t, []string{
		"rollback", "delete trigger wf_b_s_trigger", "delete crawler c2_s", "delete crawler c1_s",
		"delete job b_s", "delete job a_s", "delete workflow wf",
	}, f.calls[7:])
	require.Empty(t, f.exists)
}

// Ensure cancelling the context stops creation but not the rollback.
func TestApply_Cancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := newFakeGlue()
	f.onCreate = func(key string) {
		if key == "job a_s" {
			cancel()
		}
	}
	_, err := blueprint.Apply(ctx, f.creator(), testLayout(), details, f.opts())
	require.ErrorIs(t, err, context.Canceled)
	require.Equal(t, []string{"create workflow wf", "create job a_s", "rollback", "delete job a_s", "delete workflow wf"}, f.calls)
	require.Equal(t, []error{nil, nil}, f.deleteCtxErrs)
	require.Empty(t, f.exists)
}
