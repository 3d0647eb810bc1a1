package blueprint_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/blueprint"
	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/gluetest"
	"github.com/epoxy-run/epoxy/internal/service"
	"github.com/epoxy-run/epoxy/internal/store"
	"github.com/epoxy-run/epoxy/internal/store/sqlite"
)

// The service is the Creator the server wires in.
var _ blueprint.Creator = (*service.Service)(nil)

// testClock is the clock of the store's records in these tests.
var testClock = gluetest.NewClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))

func newService(t *testing.T) *service.Service {
	t.Helper()
	_, svc := newCatalog(t)
	return svc
}

// newCatalog opens a store in a temporary directory and returns it with a
// service over it.
func newCatalog(t *testing.T) (store.Store, *service.Service) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "epoxy.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	return st, service.New(service.Config{Store: st, Clock: testClock, Region: "eu-west-1", Account: "123456789012"})
}

const etlLayout = pyPrelude + `
def generate_layout(user_params, system_params):
    raw = Crawler(Name="raw", Role="r", Targets={"S3Targets": [{"Path": "s3://b/raw/"}]}, Schedule="cron(0 1 * * ? *)")
    a = job("a", system_params, DependsOn={raw: "SUCCEEDED"}, DefaultArguments={"--n": 1})
    b = job("b", system_params, DependsOn={a: "SUCCEEDED"})
    c = job("c", system_params, DependsOn={a: "SUCCEEDED"})
    d = job("d", system_params, DependsOn={b: "SUCCEEDED", c: "SUCCEEDED"}, WaitForDependencies="ANY")
    if user_params["Broken"]:
        d = job("d", system_params, DependsOn={b: "SUCCEEDED", job("ghost", system_params): "SUCCEEDED"})
    return Workflow(Name=user_params["WorkflowName"], Entities=Entities(Jobs=[a, b, c, d], Crawlers=[raw]))
`

const etlCfg = `{"layoutGenerator": "bp.layout.generate_layout", "parameterSpec": {
  "WorkflowName": {"type": "String"}, "Broken": {"type": "Boolean", "defaultValue": false}}}`

func names[T any](items []*T, name func(*T) string) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, name(it))
	}
	return out
}

// Ensure a generated layout is accepted by the real service end to end:
// the workflow carries BlueprintDetails and its graph has every node; a
// second run with the same workflow name fails on CreateWorkflow and
// deletes nothing; a run failing on its last trigger leaves nothing behind.
func TestApply_Service(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := newService(t)
	b := setupGen(t, etlCfg, etlLayout, nil)
	run := func(params, suffix, runID string) (string, error) {
		user, err := b.def.ResolveParameters(params)
		require.NoError(t, err)
		l, err := b.runner.Generate(ctx, b.root, b.def, user, system, suffix)
		require.NoError(t, err)
		return blueprint.Apply(ctx, svc, l, glue.BlueprintDetails{BlueprintName: "bp", RunID: runID}, blueprint.ApplyOptions{})
	}

	name, err := run(`{"WorkflowName": "etl"}`, "one", "r1")
	require.NoError(t, err)
	require.Equal(t, "etl", name)
	wf, err := svc.GetWorkflow(ctx, "etl", true)
	require.NoError(t, err)
	require.Equal(t, &glue.BlueprintDetails{BlueprintName: "bp", RunID: "r1"}, wf.BlueprintDetails)
	require.Len(t, wf.Graph.Nodes, 5+5) // 4 jobs + 1 crawler + 5 triggers
	job, err := svc.GetJob(ctx, "a_one")
	require.NoError(t, err)
	require.Equal(t, map[string]string{"--n": "1"}, job.DefaultArguments)
	crawler, err := svc.GetCrawler(ctx, "raw_one")
	require.NoError(t, err)
	require.Equal(t, "cron(0 1 * * ? *)", crawler.Schedule.ScheduleExpression)
	trigger, err := svc.GetTrigger(ctx, "etl_d_one_trigger")
	require.NoError(t, err)
	require.Equal(t, glue.LogicalAny, trigger.Predicate.Logical)
	require.Equal(t, glue.TriggerActivated, trigger.State)

	jobs := func() []string {
		all, err := svc.ListJobs(ctx, glue.ListOptions{})
		require.NoError(t, err)
		return names(all, func(j *glue.Job) string { return j.Name })
	}
	before := jobs()

	// Same workflow name: AlreadyExists on the first entity, nothing deleted.
	_, err = run(`{"WorkflowName": "etl"}`, "two", "r2")
	var ae *blueprint.ApplyError
	require.ErrorAs(t, err, &ae)
	require.Equal(t, glue.AlreadyExists, glue.CodeOf(err))
	require.Nil(t, ae.Rollback)
	wf, err = svc.GetWorkflow(ctx, "etl", false)
	require.NoError(t, err)
	require.Equal(t, "r1", wf.BlueprintDetails.RunID)
	require.Equal(t, before, jobs())

	// A trigger waiting for a job outside the layout fails last: the rollback
	// removes this run's workflow, jobs, crawler and earlier triggers.
	_, err = run(`{"WorkflowName": "broken", "Broken": true}`, "three", "r3")
	require.ErrorAs(t, err, &ae)
	require.Contains(t, ae.Err.Error(), "create trigger broken_d_three_trigger: ")
	require.Nil(t, ae.Rollback)
	_, err = svc.GetWorkflow(ctx, "broken", false)
	require.True(t, glue.IsCode(err, glue.EntityNotFound))
	require.Equal(t, before, jobs())
	crawlers, err := svc.ListCrawlers(ctx, glue.ListOptions{})
	require.NoError(t, err)
	require.Equal(t, []string{"raw_one"}, names(crawlers, func(c *glue.Crawler) string { return c.Name }))
	triggers, err := svc.ListTriggers(ctx, glue.ListOptions{})
	require.NoError(t, err)
	require.Len(t, triggers, 5)
}
