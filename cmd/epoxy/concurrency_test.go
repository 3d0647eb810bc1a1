package main

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"
)

// Ensure many clients creating, updating and deleting at once leave a
// consistent store: every operation either succeeds or fails with a Glue
// error, and the final state is exactly what the survivors wrote.
func TestConcurrentClients(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	mustWorkflow(t, b, "shared")
	mustJob(t, b, "job")
	const workers, rounds = 16, 15
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds*6)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				name := fmt.Sprintf("w%02d-%02d", w, r)
				_, err := b.client.CreateWorkflow(ctx, &glue.CreateWorkflowInput{Name: aws.String(name)})
				errs <- err
				_, err = b.client.UpdateWorkflow(ctx, &glue.UpdateWorkflowInput{Name: aws.String(name), Description: aws.String("updated")})
				errs <- err
				_, err = b.client.CreateTrigger(ctx, &glue.CreateTriggerInput{Name: aws.String(name), WorkflowName: aws.String(name),
					Type: types.TriggerTypeOnDemand, Actions: []types.Action{{JobName: aws.String("job")}}})
				errs <- err
				// Every worker races to be the shared workflow's start trigger.
				_, err = b.client.CreateTrigger(ctx, &glue.CreateTriggerInput{Name: aws.String("start-" + name), WorkflowName: aws.String("shared"),
					Type: types.TriggerTypeOnDemand, Actions: []types.Action{{JobName: aws.String("job")}}})
				if err != nil {
					requireCode(t, err, "InvalidInputException", "start trigger")
				}
				if r%2 == 0 {
					_, err = b.client.DeleteWorkflow(ctx, &glue.DeleteWorkflowInput{Name: aws.String(name)})
					errs <- err
				}
				_, err = b.client.ListWorkflows(ctx, &glue.ListWorkflowsInput{})
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	shared := getGraph(t, b, "shared")
	triggers := 0
	for _, n := range shared.Nodes {
		if n.Type == types.NodeTypeTrigger {
			triggers++
		}
	}
	require.Equal(t, 1, triggers, "exactly one start trigger won the race")
	var all []string
	p := glue.NewListWorkflowsPaginator(b.client, &glue.ListWorkflowsInput{})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		require.NoError(t, err)
		all = append(all, out.Workflows...)
	}
	require.Len(t, all, 1+workers*(rounds/2))
	for _, n := range all {
		if n == "shared" {
			continue
		}
		wf, err := b.client.GetWorkflow(ctx, &glue.GetWorkflowInput{Name: aws.String(n), IncludeGraph: aws.Bool(true)})
		require.NoError(t, err)
		require.Equal(t, "updated", *wf.Workflow.Description)
		require.Len(t, wf.Workflow.Graph.Nodes, 2)
	}
}

// Ensure what was acknowledged before a restart is there after it.
func TestRestartKeepsDefinitions(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	b := setupWith(t, cfg)
	ctx := context.Background()
	mustWorkflow(t, b, "persist")
	mustJob(t, b, "pj")
	out, err := b.client.ListWorkflows(ctx, &glue.ListWorkflowsInput{MaxResults: aws.Int32(1)})
	require.NoError(t, err)
	b.srv.Close()
	require.NoError(t, b.app.Close())

	b2 := setupWith(t, cfg)
	_, err = b2.client.GetWorkflow(ctx, &glue.GetWorkflowInput{Name: aws.String("persist")})
	require.NoError(t, err)
	_, err = b2.client.GetJob(ctx, &glue.GetJobInput{JobName: aws.String("pj")})
	require.NoError(t, err)
	_, err = b2.client.ListWorkflows(ctx, &glue.ListWorkflowsInput{NextToken: out.NextToken})
	require.NoError(t, err, "tokens survive a restart")
}
