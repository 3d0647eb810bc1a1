package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"
)

// The benchmarks drive Epoxy as the tests do: wired as `epoxy serve` wires
// it, behind an httptest server, through the AWS SDK. Each op therefore
// includes the client's signing and the HTTP round trip, and allocations
// are counted for client and server together.

// benchSetup starts Epoxy as setupWith does and returns its client.
func benchSetup(tb testing.TB) *glue.Client {
	tb.Helper()
	return setupWith(tb, testConfig(tb)).client
}

func benchJob(tb testing.TB, c *glue.Client, name string) {
	tb.Helper()
	_, err := c.CreateJob(context.Background(), &glue.CreateJobInput{Name: aws.String(name), Role: aws.String("arn:aws:iam::123456789012:role/glue"),
		Command: &types.JobCommand{Name: aws.String("pythonshell"), ScriptLocation: aws.String("/tmp/" + name + ".py")}})
	require.NoError(tb, err)
}

// chainWorkflow creates workflow name with jobs jobs chained by triggers:
// an ON_DEMAND start trigger runs job 0, and conditional trigger i runs job
// i when job i-1 succeeds. Its graph has 2*jobs nodes.
func chainWorkflow(tb testing.TB, c *glue.Client, name string, jobs int) {
	tb.Helper()
	ctx := context.Background()
	_, err := c.CreateWorkflow(ctx, &glue.CreateWorkflowInput{Name: aws.String(name)})
	require.NoError(tb, err)
	job := func(i int) string { return fmt.Sprintf("%s-job-%02d", name, i) }
	for i := range jobs {
		benchJob(tb, c, job(i))
	}
	_, err = c.CreateTrigger(ctx, &glue.CreateTriggerInput{Name: aws.String(name + "-start"), WorkflowName: aws.String(name),
		Type: types.TriggerTypeOnDemand, Actions: []types.Action{{JobName: aws.String(job(0))}}})
	require.NoError(tb, err)
	for i := 1; i < jobs; i++ {
		_, err = c.CreateTrigger(ctx, &glue.CreateTriggerInput{Name: aws.String(fmt.Sprintf("%s-after-%02d", name, i)), WorkflowName: aws.String(name),
			Type: types.TriggerTypeConditional, Actions: []types.Action{{JobName: aws.String(job(i))}},
			Predicate: &types.Predicate{Conditions: []types.Condition{{JobName: aws.String(job(i - 1)), State: types.JobRunStateSucceeded}}}})
		require.NoError(tb, err)
	}
}

func getGraphNodes(tb testing.TB, c *glue.Client, name string) int {
	tb.Helper()
	out, err := c.GetWorkflow(context.Background(), &glue.GetWorkflowInput{Name: aws.String(name), IncludeGraph: aws.Bool(true)})
	require.NoError(tb, err)
	require.NotNil(tb, out.Workflow.Graph)
	return len(out.Workflow.Graph.Nodes)
}

// manyWorkflows creates n workflows with a few concurrent clients.
func manyWorkflows(tb testing.TB, c *glue.Client, n int) {
	tb.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	next := atomic.Int64{}
	for range 8 {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				_, err := c.CreateWorkflow(context.Background(), &glue.CreateWorkflowInput{Name: aws.String(fmt.Sprintf("wf-%04d", i))})
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(tb, err)
	}
}

// walkWorkflows lists every workflow page by page and checks the count.
func walkWorkflows(c *glue.Client, pageSize int32, want int) error {
	n := 0
	var token *string
	for {
		out, err := c.ListWorkflows(context.Background(), &glue.ListWorkflowsInput{MaxResults: aws.Int32(pageSize), NextToken: token})
		if err != nil {
			return err
		}
		n += len(out.Workflows)
		if out.NextToken == nil {
			break
		}
		token = out.NextToken
	}
	if n != want {
		return fmt.Errorf("walked %d workflows, want %d", n, want)
	}
	return nil
}

func BenchmarkCreateWorkflow(b *testing.B) {
	c := benchSetup(b)
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_, err := c.CreateWorkflow(ctx, &glue.CreateWorkflowInput{Name: aws.String(fmt.Sprintf("wf-%09d", i)),
			Description: aws.String("benchmark"), DefaultRunProperties: map[string]string{"env": "bench"}})
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCreateWorkflowParallel(b *testing.B) {
	c := benchSetup(b)
	ctx := context.Background()
	var seq atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			_, err := c.CreateWorkflow(ctx, &glue.CreateWorkflowInput{Name: aws.String(fmt.Sprintf("wf-%09d", seq.Add(1)))})
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkGetWorkflow(b *testing.B) {
	c := benchSetup(b)
	ctx := context.Background()
	_, err := c.CreateWorkflow(ctx, &glue.CreateWorkflowInput{Name: aws.String("w"), Description: aws.String("d")})
	require.NoError(b, err)
	in := &glue.GetWorkflowInput{Name: aws.String("w")}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.GetWorkflow(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGetWorkflowParallel(b *testing.B) {
	c := benchSetup(b)
	ctx := context.Background()
	_, err := c.CreateWorkflow(ctx, &glue.CreateWorkflowInput{Name: aws.String("w"), Description: aws.String("d")})
	require.NoError(b, err)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		in := &glue.GetWorkflowInput{Name: aws.String("w")}
		for pb.Next() {
			if _, err := c.GetWorkflow(ctx, in); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// graph100 sets up a workflow of 50 chained jobs: 50 triggers and 50 jobs
// make 100 graph nodes.
func graph100(b *testing.B) *glue.Client {
	c := benchSetup(b)
	chainWorkflow(b, c, "chain", 50)
	require.Equal(b, 100, getGraphNodes(b, c, "chain"))
	return c
}

func BenchmarkGetWorkflowGraph100(b *testing.B) {
	c := graph100(b)
	ctx := context.Background()
	in := &glue.GetWorkflowInput{Name: aws.String("chain"), IncludeGraph: aws.Bool(true)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.GetWorkflow(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGetWorkflowGraph100Parallel(b *testing.B) {
	c := graph100(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		in := &glue.GetWorkflowInput{Name: aws.String("chain"), IncludeGraph: aws.Bool(true)}
		for pb.Next() {
			if _, err := c.GetWorkflow(ctx, in); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkListWorkflows walks all 1,000 workflows in pages of 25: one op
// is 40 ListWorkflows calls.
func BenchmarkListWorkflows(b *testing.B) {
	c := benchSetup(b)
	manyWorkflows(b, c, 1000)
	require.NoError(b, walkWorkflows(c, 25, 1000))
	b.ReportAllocs()
	for b.Loop() {
		if err := walkWorkflows(c, 25, 1000); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkListWorkflowsParallel(b *testing.B) {
	c := benchSetup(b)
	manyWorkflows(b, c, 1000)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := walkWorkflows(c, 25, 1000); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
