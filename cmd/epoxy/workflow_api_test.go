package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"
)

func TestWorkflow_CreateGetUpdateDelete(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	before := time.Now().Add(-time.Second)

	_, err := b.client.CreateWorkflow(ctx, &glue.CreateWorkflowInput{
		Name: aws.String("etl"), Description: aws.String("nightly"),
		DefaultRunProperties: map[string]string{"env": "dev"}, MaxConcurrentRuns: aws.Int32(2),
		Tags: map[string]string{"team": "data"},
	})
	require.NoError(t, err)

	got, err := b.client.GetWorkflow(ctx, &glue.GetWorkflowInput{Name: aws.String("etl")})
	require.NoError(t, err)
	wf := got.Workflow
	require.Equal(t, "etl", *wf.Name)
	require.Equal(t, "nightly", *wf.Description)
	require.Equal(t, map[string]string{"env": "dev"}, wf.DefaultRunProperties)
	require.Equal(t, int32(2), *wf.MaxConcurrentRuns)
	require.WithinRange(t, *wf.CreatedOn, before, time.Now().Add(time.Second))
	require.Nil(t, wf.Graph, "no graph unless IncludeGraph")

	_, err = b.client.UpdateWorkflow(ctx, &glue.UpdateWorkflowInput{Name: aws.String("etl"), Description: aws.String("hourly")})
	require.NoError(t, err)
	got, err = b.client.GetWorkflow(ctx, &glue.GetWorkflowInput{Name: aws.String("etl")})
	require.NoError(t, err)
	require.Equal(t, "hourly", *got.Workflow.Description)
	require.Equal(t, map[string]string{"env": "dev"}, got.Workflow.DefaultRunProperties, "members not in the update are kept")

	del, err := b.client.DeleteWorkflow(ctx, &glue.DeleteWorkflowInput{Name: aws.String("etl")})
	require.NoError(t, err)
	require.Equal(t, "etl", *del.Name)
	_, err = b.client.GetWorkflow(ctx, &glue.GetWorkflowInput{Name: aws.String("etl")})
	requireCode(t, err, "EntityNotFoundException", "etl")

	_, err = b.client.DeleteWorkflow(ctx, &glue.DeleteWorkflowInput{Name: aws.String("etl")})
	require.NoError(t, err, "DeleteWorkflow is idempotent")
}

func TestWorkflow_Errors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	_, err := b.client.CreateWorkflow(ctx, &glue.CreateWorkflowInput{Name: aws.String("w")})
	require.NoError(t, err)
	_, err = b.client.CreateWorkflow(ctx, &glue.CreateWorkflowInput{Name: aws.String("w")})
	requireCode(t, err, "AlreadyExistsException")
	_, err = b.client.UpdateWorkflow(ctx, &glue.UpdateWorkflowInput{Name: aws.String("missing")})
	requireCode(t, err, "EntityNotFoundException")
	_, err = b.client.CreateWorkflow(ctx, &glue.CreateWorkflowInput{Name: aws.String(strings.Repeat("n", 256))})
	requireValidation(t, err, "1 validation error detected: Value '"+strings.Repeat("n", 256)+"' at 'name' failed to satisfy constraint: Member must have length less than or equal to 255")
	_, err = b.client.CreateWorkflow(ctx, &glue.CreateWorkflowInput{Name: aws.String("a\nb")})
	requireValidation(t, err, "1 validation error detected: Value 'a\nb' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\t]*")
	_, err = b.client.CreateWorkflow(ctx, &glue.CreateWorkflowInput{Name: aws.String("x"), MaxConcurrentRuns: aws.Int32(-1)})
	requireCode(t, err, "InvalidInputException", "MaxConcurrentRuns")
	tags := map[string]string{}
	for i := range 51 {
		tags[strings.Repeat("k", i+1)] = "v"
	}
	_, err = b.client.CreateWorkflow(ctx, &glue.CreateWorkflowInput{Name: aws.String("tagged"), Tags: tags})
	requireValidation(t, err, "1 validation error detected: Value '"+javaMap(tags)+"' at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50")
}

func TestWorkflow_BatchGet(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	for _, n := range []string{"a", "b"} {
		_, err := b.client.CreateWorkflow(ctx, &glue.CreateWorkflowInput{Name: aws.String(n)})
		require.NoError(t, err)
	}
	out, err := b.client.BatchGetWorkflows(ctx, &glue.BatchGetWorkflowsInput{Names: []string{"a", "nope", "b"}, IncludeGraph: aws.Bool(true)})
	require.NoError(t, err)
	require.Len(t, out.Workflows, 2)
	require.NotNil(t, out.Workflows[0].Graph)
	require.Equal(t, []string{"nope"}, out.MissingWorkflows)

	_, err = b.client.BatchGetWorkflows(ctx, &glue.BatchGetWorkflowsInput{Names: make26()})
	requireValidation(t, err, "1 validation error detected: Value '[a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, s, t, u, v, w, x, y, z]' at 'names' failed to satisfy constraint: Member must have length less than or equal to 25")
}

func make26() []string {
	out := make([]string, 26)
	for i := range out {
		out[i] = string(rune('a' + i))
	}
	return out
}

// Ensure the graph is derived from the workflow's triggers as Glue derives
// it, with node ids that stay stable while triggers change around them.
func TestWorkflow_Graph(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	mustWorkflow(t, b, "g")
	for _, j := range []string{"extract", "transform", "load"} {
		mustJob(t, b, j)
	}
	mustCrawler(t, b, "crawl")
	mustTrigger(t, b, &glue.CreateTriggerInput{Name: aws.String("start"), WorkflowName: aws.String("g"), Type: types.TriggerTypeOnDemand,
		Actions: []types.Action{{JobName: aws.String("extract")}, {CrawlerName: aws.String("crawl")}}})
	mustTrigger(t, b, &glue.CreateTriggerInput{Name: aws.String("after"), WorkflowName: aws.String("g"), Type: types.TriggerTypeConditional,
		Predicate: &types.Predicate{Logical: types.LogicalAnd, Conditions: []types.Condition{
			{JobName: aws.String("extract"), State: types.JobRunStateSucceeded, LogicalOperator: types.LogicalOperatorEquals},
			{CrawlerName: aws.String("crawl"), CrawlState: types.CrawlStateSucceeded, LogicalOperator: types.LogicalOperatorEquals},
		}},
		Actions: []types.Action{{JobName: aws.String("transform")}}})

	g := getGraph(t, b, "g")
	require.Len(t, g.Nodes, 5)
	ids := map[string]string{}
	for _, n := range g.Nodes {
		ids[string(n.Type)+":"+*n.Name] = *n.UniqueId
		require.True(t, strings.HasPrefix(*n.UniqueId, "wnode_"))
		if n.Type == types.NodeTypeTrigger {
			require.Equal(t, *n.Name, *n.TriggerDetails.Trigger.Name)
		}
	}
	edges := map[[2]string]bool{}
	for _, e := range g.Edges {
		edges[[2]string{*e.SourceId, *e.DestinationId}] = true
	}
	want := [][2]string{
		{"TRIGGER:start", "JOB:extract"}, {"TRIGGER:start", "CRAWLER:crawl"},
		{"JOB:extract", "TRIGGER:after"}, {"CRAWLER:crawl", "TRIGGER:after"}, {"TRIGGER:after", "JOB:transform"},
	}
	require.Len(t, edges, len(want))
	for _, w := range want {
		require.True(t, edges[[2]string{ids[w[0]], ids[w[1]]}], "missing edge %v", w)
	}

	// Adding a trigger keeps every existing node's id.
	mustTrigger(t, b, &glue.CreateTriggerInput{Name: aws.String("last"), WorkflowName: aws.String("g"), Type: types.TriggerTypeConditional,
		Predicate: &types.Predicate{Conditions: []types.Condition{{JobName: aws.String("transform"), State: types.JobRunStateSucceeded}}},
		Actions:   []types.Action{{JobName: aws.String("load")}}})
	g2 := getGraph(t, b, "g")
	require.Len(t, g2.Nodes, 7)
	for _, n := range g2.Nodes {
		if id, ok := ids[string(n.Type)+":"+*n.Name]; ok {
			require.Equal(t, id, *n.UniqueId)
		}
	}

	// Deleting the workflow deletes its triggers but keeps jobs and crawlers.
	_, err := b.client.DeleteWorkflow(ctx, &glue.DeleteWorkflowInput{Name: aws.String("g")})
	require.NoError(t, err)
	_, err = b.client.GetTrigger(ctx, &glue.GetTriggerInput{Name: aws.String("after")})
	requireCode(t, err, "EntityNotFoundException")
	_, err = b.client.GetJob(ctx, &glue.GetJobInput{JobName: aws.String("extract")})
	require.NoError(t, err)
	_, err = b.client.GetCrawler(ctx, &glue.GetCrawlerInput{Name: aws.String("crawl")})
	require.NoError(t, err)
}

func getGraph(t *testing.T, b *testBundle, name string) *types.WorkflowGraph {
	t.Helper()
	out, err := b.client.GetWorkflow(context.Background(), &glue.GetWorkflowInput{Name: aws.String(name), IncludeGraph: aws.Bool(true)})
	require.NoError(t, err)
	require.NotNil(t, out.Workflow.Graph)
	return out.Workflow.Graph
}

func mustWorkflow(t *testing.T, b *testBundle, name string) {
	t.Helper()
	_, err := b.client.CreateWorkflow(context.Background(), &glue.CreateWorkflowInput{Name: aws.String(name)})
	require.NoError(t, err)
}

func mustJob(t *testing.T, b *testBundle, name string) {
	t.Helper()
	_, err := b.client.CreateJob(context.Background(), &glue.CreateJobInput{Name: aws.String(name), Role: aws.String("arn:aws:iam::123456789012:role/glue"),
		Command: &types.JobCommand{Name: aws.String("pythonshell"), ScriptLocation: aws.String("/tmp/" + name + ".py")}})
	require.NoError(t, err)
}

func mustCrawler(t *testing.T, b *testBundle, name string) {
	t.Helper()
	_, err := b.client.CreateCrawler(context.Background(), &glue.CreateCrawlerInput{Name: aws.String(name), Role: aws.String("role"),
		Targets: &types.CrawlerTargets{S3Targets: []types.S3Target{{Path: aws.String("/tmp/data")}}}})
	require.NoError(t, err)
}

func mustTrigger(t *testing.T, b *testBundle, in *glue.CreateTriggerInput) {
	t.Helper()
	_, err := b.client.CreateTrigger(context.Background(), in)
	require.NoError(t, err)
}
