package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"
)

// Ensure malformed values an SDK never sends get AWS's error shape naming
// the member: null list elements and map values, bytes that are not UTF-8
// and lone UTF-16 surrogates are refused rather than dropped or replaced.
func TestWire_MalformedValues(t *testing.T) {
	t.Parallel()
	b := setup(t)
	requireWireValidation(t, post(t, b, "AWSGlue.BatchGetWorkflows", `{"Names":["a",null]}`),
		"1 validation error detected: Value null at 'names.2.member' failed to satisfy constraint: Member must not be null")
	requireWireValidation(t, post(t, b, "AWSGlue.CreateWorkflow", `{"Name":"w","DefaultRunProperties":{"k":null}}`),
		"1 validation error detected: Value '{k=null}' at 'defaultRunProperties' failed to satisfy constraint: Map value must satisfy constraint: [Member must not be null]")
	requireWireError(t, post(t, b, "AWSGlue.CreateWorkflow", `{"Name":"w\ud800"}`), 400, "SerializationException",
		`member 'Name' contains a lone UTF-16 surrogate \ud800`)
	requireWireError(t, post(t, b, "AWSGlue.CreateWorkflow", "{\"Name\":\"w\xff\"}"), 400, "SerializationException",
		"member 'Name' is not valid UTF-8")
	_, err := b.client.GetWorkflow(context.Background(), &glue.GetWorkflowInput{Name: aws.String("w")})
	requireCode(t, err, "EntityNotFoundException")
}

// Ensure X-Amz-Target must carry the AWSGlue. prefix: anything else is an
// unknown operation, even when it ends with an operation's name.
func TestWire_TargetPrefix(t *testing.T) {
	t.Parallel()
	b := setup(t)
	require.Equal(t, 200, post(t, b, "AWSGlue.CreateWorkflow", `{"Name":"w"}`).status)
	require.Equal(t, 200, post(t, b, "AWSGlue.GetWorkflow", `{"Name":"w"}`).status)
	for _, target := range []string{"GetWorkflow", "awsglue.GetWorkflow", "AWSGlueGetWorkflow", "Other.GetWorkflow", "xAWSGlue.GetWorkflow", "AWSGlue.", "AWSGlue.AWSGlue.GetWorkflow"} {
		requireWireError(t, post(t, b, target, `{"Name":"w"}`), 400, "UnknownOperationException", fmt.Sprintf("%q", target), "AWSGlue.<Operation>")
	}
}

// Ensure every BatchGet operation returns each entity once, in the order
// of the first request for it, however often a name repeats.
func TestBatchGet_DuplicateNames(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	names := []string{"b", "a", "b", "ghost", "a", "ghost", "b"}
	for _, n := range []string{"a", "b"} {
		_, err := b.client.CreateWorkflow(ctx, &glue.CreateWorkflowInput{Name: aws.String(n)})
		require.NoError(t, err)
		mustJob(t, b, n)
		_, err = b.client.CreateTrigger(ctx, &glue.CreateTriggerInput{Name: aws.String(n), Type: types.TriggerTypeOnDemand,
			Actions: []types.Action{{JobName: aws.String(n)}}})
		require.NoError(t, err)
		_, err = b.client.CreateCrawler(ctx, &glue.CreateCrawlerInput{Name: aws.String(n), Role: aws.String("r"),
			Targets: &types.CrawlerTargets{S3Targets: []types.S3Target{{Path: aws.String("/x")}}}})
		require.NoError(t, err)
	}

	wfs, err := b.client.BatchGetWorkflows(ctx, &glue.BatchGetWorkflowsInput{Names: names, IncludeGraph: aws.Bool(true)})
	require.NoError(t, err)
	require.Equal(t, []string{"b", "a"}, mapNames(wfs.Workflows, func(w types.Workflow) *string { return w.Name }))
	require.Equal(t, []string{"ghost"}, wfs.MissingWorkflows)

	jobs, err := b.client.BatchGetJobs(ctx, &glue.BatchGetJobsInput{JobNames: names})
	require.NoError(t, err)
	require.Equal(t, []string{"b", "a"}, mapNames(jobs.Jobs, func(j types.Job) *string { return j.Name }))
	require.Equal(t, []string{"ghost"}, jobs.JobsNotFound)

	trs, err := b.client.BatchGetTriggers(ctx, &glue.BatchGetTriggersInput{TriggerNames: names})
	require.NoError(t, err)
	require.Equal(t, []string{"b", "a"}, mapNames(trs.Triggers, func(t types.Trigger) *string { return t.Name }))
	require.Equal(t, []string{"ghost"}, trs.TriggersNotFound)

	crs, err := b.client.BatchGetCrawlers(ctx, &glue.BatchGetCrawlersInput{CrawlerNames: names})
	require.NoError(t, err)
	require.Equal(t, []string{"b", "a"}, mapNames(crs.Crawlers, func(c types.Crawler) *string { return c.Name }))
	require.Equal(t, []string{"ghost"}, crs.CrawlersNotFound)

	bps, err := b.client.BatchGetBlueprints(ctx, &glue.BatchGetBlueprintsInput{Names: []string{"ghost", "ghost", "other", "ghost"}})
	require.NoError(t, err)
	require.Empty(t, bps.Blueprints)
	require.Equal(t, []string{"ghost", "other"}, bps.MissingBlueprints)
}

func mapNames[T any](items []T, name func(T) *string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = aws.ToString(name(it))
	}
	return out
}

// Ensure run properties beyond Epoxy's limits (1000 entries, 128 KiB of
// keys and values) are refused with ValidationException naming the
// member, wherever they enter.
func TestRunProperties_Limits(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	many := map[string]string{}
	for i := range 1001 {
		many[fmt.Sprintf("k%04d", i)] = "v"
	}
	huge := map[string]string{"k": strings.Repeat("v", 128<<10)}

	_, err := b.client.CreateWorkflow(ctx, &glue.CreateWorkflowInput{Name: aws.String("w"), DefaultRunProperties: huge})
	requireValidation(t, err, "1 validation error detected: Value '"+javaMap(huge)+"' at 'defaultRunProperties' failed to satisfy constraint: Member must have a total size of keys and values less than or equal to 131072 bytes")
	_, err = b.client.CreateWorkflow(ctx, &glue.CreateWorkflowInput{Name: aws.String("w")})
	require.NoError(t, err)
	_, err = b.client.UpdateWorkflow(ctx, &glue.UpdateWorkflowInput{Name: aws.String("w"), DefaultRunProperties: many})
	requireValidation(t, err, "1 validation error detected: Value '"+javaMap(many)+"' at 'defaultRunProperties' failed to satisfy constraint: Member must have length less than or equal to 1000")
	_, err = b.client.StartWorkflowRun(ctx, &glue.StartWorkflowRunInput{Name: aws.String("w"), RunProperties: many})
	requireValidation(t, err, "1 validation error detected: Value '"+javaMap(many)+"' at 'runProperties' failed to satisfy constraint: Member must have length less than or equal to 1000")
	_, err = b.client.PutWorkflowRunProperties(ctx, &glue.PutWorkflowRunPropertiesInput{Name: aws.String("w"), RunId: aws.String("wr_x"), RunProperties: huge})
	requireValidation(t, err, "1 validation error detected: Value '"+javaMap(huge)+"' at 'runProperties' failed to satisfy constraint: Member must have a total size of keys and values less than or equal to 131072 bytes")

	delete(many, "k0000")
	_, err = b.client.UpdateWorkflow(ctx, &glue.UpdateWorkflowInput{Name: aws.String("w"), DefaultRunProperties: many})
	require.NoError(t, err, "1000 properties are allowed")
	got, err := b.client.GetWorkflow(ctx, &glue.GetWorkflowInput{Name: aws.String("w")})
	require.NoError(t, err)
	require.Len(t, got.Workflow.DefaultRunProperties, 1000)

	// PutWorkflowRunProperties merges into the run: the merged map is bounded
	// too, however many calls each stay within the limits.
	_, err = b.client.UpdateWorkflow(ctx, &glue.UpdateWorkflowInput{Name: aws.String("w"), DefaultRunProperties: map[string]string{}})
	require.NoError(t, err)
	run, err := b.client.StartWorkflowRun(ctx, &glue.StartWorkflowRunInput{Name: aws.String("w")})
	require.NoError(t, err)
	half := func(prefix string) map[string]string {
		m := map[string]string{}
		for i := range 600 {
			m[fmt.Sprintf("%s%04d", prefix, i)] = "v"
		}
		return m
	}
	_, err = b.client.PutWorkflowRunProperties(ctx, &glue.PutWorkflowRunPropertiesInput{Name: aws.String("w"), RunId: run.RunId, RunProperties: half("a")})
	require.NoError(t, err)
	_, err = b.client.PutWorkflowRunProperties(ctx, &glue.PutWorkflowRunPropertiesInput{Name: aws.String("w"), RunId: run.RunId, RunProperties: half("b")})
	requireCode(t, err, "InvalidInputException", "RunProperties", "1200 entries", "at most 1000")
	props, err := b.client.GetWorkflowRunProperties(ctx, &glue.GetWorkflowRunPropertiesInput{Name: aws.String("w"), RunId: run.RunId})
	require.NoError(t, err)
	require.Len(t, props.RunProperties, 600, "a refused merge changes nothing")
}

// Ensure MaxConcurrentRuns below 1 is refused on workflows (leaving it out
// means no limit), a negative job limit is refused, and a job limit of 0
// (what SDKs send for "not set") takes the default of 1.
func TestMaxConcurrentRuns_Bounds(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	for _, n := range []int32{0, -1} {
		_, err := b.client.CreateWorkflow(ctx, &glue.CreateWorkflowInput{Name: aws.String("w"), MaxConcurrentRuns: aws.Int32(n)})
		requireCode(t, err, "InvalidInputException", fmt.Sprintf("Value %d at 'MaxConcurrentRuns'", n), "greater than or equal to 1")
	}
	_, err := b.client.CreateWorkflow(ctx, &glue.CreateWorkflowInput{Name: aws.String("w"), MaxConcurrentRuns: aws.Int32(1)})
	require.NoError(t, err)
	_, err = b.client.UpdateWorkflow(ctx, &glue.UpdateWorkflowInput{Name: aws.String("w"), MaxConcurrentRuns: aws.Int32(0)})
	requireCode(t, err, "InvalidInputException", "Value 0 at 'MaxConcurrentRuns'")
	got, err := b.client.GetWorkflow(ctx, &glue.GetWorkflowInput{Name: aws.String("w")})
	require.NoError(t, err)
	require.Equal(t, int32(1), aws.ToInt32(got.Workflow.MaxConcurrentRuns), "the refused update changed nothing")

	cmd := &types.JobCommand{Name: aws.String("pythonshell"), ScriptLocation: aws.String("/x.py")}
	_, err = b.client.CreateJob(ctx, &glue.CreateJobInput{Name: aws.String("j"), Role: aws.String("r"), Command: cmd,
		ExecutionProperty: &types.ExecutionProperty{MaxConcurrentRuns: -1}})
	requireCode(t, err, "InvalidInputException", "Value -1 at 'ExecutionProperty.MaxConcurrentRuns'", "greater than or equal to 0")
	_, err = b.client.CreateJob(ctx, &glue.CreateJobInput{Name: aws.String("j"), Role: aws.String("r"), Command: cmd,
		ExecutionProperty: &types.ExecutionProperty{MaxConcurrentRuns: 0}})
	require.NoError(t, err)
	_, err = b.client.UpdateJob(ctx, &glue.UpdateJobInput{JobName: aws.String("j"), JobUpdate: &types.JobUpdate{Role: aws.String("r"), Command: cmd,
		ExecutionProperty: &types.ExecutionProperty{MaxConcurrentRuns: -3}}})
	requireCode(t, err, "InvalidInputException", "Value -3 at 'JobUpdate.ExecutionProperty.MaxConcurrentRuns'")
	job, err := b.client.GetJob(ctx, &glue.GetJobInput{JobName: aws.String("j")})
	require.NoError(t, err)
	require.Equal(t, int32(1), job.Job.ExecutionProperty.MaxConcurrentRuns)
}
