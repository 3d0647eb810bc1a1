package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"
)

func TestPagination_WalksEveryPage(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	var want []string
	for i := range 23 {
		n := fmt.Sprintf("n%02d", i)
		want = append(want, n)
		mustWorkflow(t, b, n)
		mustJob(t, b, n)
		mustCrawler(t, b, n)
		mustTrigger(t, b, &glue.CreateTriggerInput{Name: aws.String(n), Type: types.TriggerTypeOnDemand, Actions: []types.Action{{JobName: aws.String(n)}}})
	}
	var got []string
	wp := glue.NewListWorkflowsPaginator(b.client, &glue.ListWorkflowsInput{MaxResults: aws.Int32(5)})
	pages := 0
	for wp.HasMorePages() {
		out, err := wp.NextPage(ctx)
		require.NoError(t, err)
		require.LessOrEqual(t, len(out.Workflows), 5)
		got = append(got, out.Workflows...)
		pages++
	}
	require.Equal(t, want, got)
	require.Equal(t, 5, pages)

	got = nil
	jp := glue.NewGetJobsPaginator(b.client, &glue.GetJobsInput{MaxResults: aws.Int32(4)})
	for jp.HasMorePages() {
		out, err := jp.NextPage(ctx)
		require.NoError(t, err)
		for _, j := range out.Jobs {
			got = append(got, *j.Name)
		}
	}
	require.Equal(t, want, got)

	got = nil
	lj := glue.NewListJobsPaginator(b.client, &glue.ListJobsInput{MaxResults: aws.Int32(10)})
	for lj.HasMorePages() {
		out, err := lj.NextPage(ctx)
		require.NoError(t, err)
		got = append(got, out.JobNames...)
	}
	require.Equal(t, want, got)

	got = nil
	tp := glue.NewListTriggersPaginator(b.client, &glue.ListTriggersInput{MaxResults: aws.Int32(6)})
	for tp.HasMorePages() {
		out, err := tp.NextPage(ctx)
		require.NoError(t, err)
		got = append(got, out.TriggerNames...)
	}
	require.Equal(t, want, got)

	got = nil
	gt := glue.NewGetTriggersPaginator(b.client, &glue.GetTriggersInput{MaxResults: aws.Int32(6)})
	for gt.HasMorePages() {
		out, err := gt.NextPage(ctx)
		require.NoError(t, err)
		for _, tr := range out.Triggers {
			got = append(got, *tr.Name)
		}
	}
	require.Equal(t, want, got)

	got = nil
	cp := glue.NewGetCrawlersPaginator(b.client, &glue.GetCrawlersInput{MaxResults: aws.Int32(7)})
	for cp.HasMorePages() {
		out, err := cp.NextPage(ctx)
		require.NoError(t, err)
		for _, c := range out.Crawlers {
			got = append(got, *c.Name)
		}
	}
	require.Equal(t, want, got)

	got = nil
	var token *string
	for {
		out, err := b.client.ListCrawlers(ctx, &glue.ListCrawlersInput{MaxResults: aws.Int32(9), NextToken: token})
		require.NoError(t, err)
		got = append(got, out.CrawlerNames...)
		if out.NextToken == nil {
			break
		}
		token = out.NextToken
	}
	require.Equal(t, want, got)
}

func TestPagination_BadTokens(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	for i := range 3 {
		mustWorkflow(t, b, fmt.Sprintf("w%d", i))
		mustJob(t, b, fmt.Sprintf("j%d", i))
	}
	out, err := b.client.ListWorkflows(ctx, &glue.ListWorkflowsInput{MaxResults: aws.Int32(1)})
	require.NoError(t, err)
	require.NotNil(t, out.NextToken)
	tok := *out.NextToken

	tampered := strings.Replace(tok, tok[2:3], string(rune(tok[2]^1)), 1)
	_, err = b.client.ListWorkflows(ctx, &glue.ListWorkflowsInput{NextToken: aws.String(tampered)})
	requireCode(t, err, "InvalidInputException", "NextToken")
	_, err = b.client.ListWorkflows(ctx, &glue.ListWorkflowsInput{NextToken: aws.String("garbage")})
	requireCode(t, err, "InvalidInputException", "NextToken")
	_, err = b.client.ListJobs(ctx, &glue.ListJobsInput{NextToken: aws.String(tok)})
	requireCode(t, err, "InvalidInputException", "NextToken")

	jobs, err := b.client.ListJobs(ctx, &glue.ListJobsInput{MaxResults: aws.Int32(1), Tags: map[string]string{}})
	require.NoError(t, err)
	_, err = b.client.ListJobs(ctx, &glue.ListJobsInput{NextToken: jobs.NextToken, Tags: map[string]string{"a": "b"}})
	requireCode(t, err, "InvalidInputException", "filters")

	// A token from another server's key is refused too.
	other := setup(t)
	_, err = other.client.ListWorkflows(ctx, &glue.ListWorkflowsInput{NextToken: aws.String(tok)})
	requireCode(t, err, "InvalidInputException", "NextToken")
}

// Ensure keyset pages neither skip nor repeat items that existed for the
// whole walk while other clients create and delete workflows.
func TestPagination_StableUnderWrites(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	var stable []string
	for i := range 40 {
		n := fmt.Sprintf("s%03d", i*2)
		stable = append(stable, n)
		mustWorkflow(t, b, n)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			n := fmt.Sprintf("s%03d", (i%40)*2+1)
			_, _ = b.client.CreateWorkflow(ctx, &glue.CreateWorkflowInput{Name: aws.String(n)})
			_, _ = b.client.DeleteWorkflow(ctx, &glue.DeleteWorkflowInput{Name: aws.String(fmt.Sprintf("s%03d", ((i+7)%40)*2+1))})
		}
	}()
	seen := map[string]int{}
	p := glue.NewListWorkflowsPaginator(b.client, &glue.ListWorkflowsInput{MaxResults: aws.Int32(3)})
	var order []string
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		require.NoError(t, err)
		for _, n := range out.Workflows {
			seen[n]++
			order = append(order, n)
		}
	}
	close(stop)
	wg.Wait()
	require.True(t, sort.StringsAreSorted(order))
	for _, n := range stable {
		require.Equal(t, 1, seen[n], "workflow %s seen %d times", n, seen[n])
	}
}
