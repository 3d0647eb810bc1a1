package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
)

// Page sizes of the scale scenario.
const (
	runsPageSize = 100  // GetWorkflowRuns page measured (Epoxy's default)
	skipPageSize = 1000 // pages used to reach the middle (the model's maximum)
	maxWalkPages = 100_000
)

// runScale measures GetWorkflowRuns' first and middle pages on workflows
// with many stored runs, and a walk of ListWorkflows over many workflows.
// A self-started Epoxy gets its fixture written into its data directory
// before it starts; other targets are seeded through the API, each part
// within the seed budget, and the notes say how many runs they got.
func runScale(ctx context.Context, b *bench, t *target) ([]metric, error) {
	f := b.scaleFixture()
	var seed seedFunc
	if t.seedsStore() {
		b.logf("  seeding %s workflows and %v runs into the data directory", count(len(f.workflows)), f.runs)
		seed = f.seedStore
	}
	srv, err := b.open(ctx, t, seed)
	if err != nil {
		return nil, err
	}
	defer b.release(srv, t, "scale")
	seeded := &apiSeed{runs: f.runs, workflows: len(f.workflows)}
	if seed == nil {
		b.logf("  seeding through the API (at most %s per part)", b.cfg.sizes.seedBudget)
		if seeded, err = f.seedAPI(ctx, srv, b.cfg.sizes.seedBudget); err != nil {
			return nil, err
		}
	}
	if t.role == "epoxy" && (seeded.paging != nil || seeded.listing != nil) {
		return nil, fmt.Errorf("cannot page: %w", errors.Join(seeded.paging, seeded.listing))
	}
	return measureScale(ctx, b, t, srv, f, seeded)
}

// measureScale measures the pages of each run workflow and the walk of
// every workflow, with missing figures for what the endpoint cannot page.
func measureScale(ctx context.Context, b *bench, t *target, srv *server, f *scaleFixture, seeded *apiSeed) ([]metric, error) {
	var out []metric
	for k, wf := range f.runWorkflows {
		if seeded.paging != nil {
			out = append(out, missingPages(f.runs[k], seeded.paging)...)
			continue
		}
		ms, err := measurePages(ctx, b, srv, wf, f.runs[k], seeded.runs[k])
		if err != nil {
			return nil, err
		}
		out = append(out, ms...)
	}
	if seeded.listing != nil {
		why := "ListWorkflows fails once there is more than one page: " + shortError(seeded.listing)
		return append(out, missing(walkLabel(len(f.workflows)), walkMetricNames, why)...), nil
	}
	walk, err := measureWalk(ctx, b, srv, len(f.workflows), seeded.workflows)
	if err != nil && t.role == "peer" {
		walk, err = missing(walkLabel(len(f.workflows)), walkMetricNames, "the walk failed: "+shortError(err)), nil
	}
	return append(out, walk...), err
}

// missingPages stands for page measurements an endpoint cannot serve.
func missingPages(nominal int, cause error) []metric {
	why := "GetWorkflowRuns fails once a workflow has more runs than one page: " + shortError(cause)
	return append(missing(pageLabel("first", nominal), loadMetricNames, why), missing(pageLabel("middle", nominal), loadMetricNames, why)...)
}

func (b *bench) scaleFixture() *scaleFixture {
	sz := b.cfg.sizes
	f := &scaleFixture{runs: sz.scaleRuns}
	for _, n := range sz.scaleRuns {
		f.runWorkflows = append(f.runWorkflows, b.name("runs-%d", n))
	}
	f.workflows = append(f.workflows, f.runWorkflows...)
	for i := len(f.workflows); i < sz.scaleWorkflows; i++ {
		f.workflows = append(f.workflows, b.name("many-%05d", i))
	}
	return f
}

func pageLabel(which string, nominal int) string {
	return fmt.Sprintf("GetWorkflowRuns %s page of %d, %s runs", which, runsPageSize, count(nominal))
}

// measurePages times the first page, then the page in the middle of the
// runs, reached once by walking pages of skipPageSize.
func measurePages(ctx context.Context, b *bench, srv *server, wf string, nominal, stored int) ([]metric, error) {
	note := ""
	if stored != nominal {
		note = fmt.Sprintf("only %s runs stored (seeding through the API stopped at the budget)", count(stored))
	}
	first, err := measurePage(ctx, b, srv, wf, nil, pageLabel("first", nominal))
	if err != nil {
		return nil, err
	}
	token, err := skipRuns(ctx, srv.setup, wf, stored/2)
	if err != nil {
		return nil, fmt.Errorf("reach the middle of %s: %w", wf, err)
	}
	middle, err := measurePage(ctx, b, srv, wf, token, pageLabel("middle", nominal))
	if err != nil {
		return nil, err
	}
	first[0].Note, middle[0].Note = joinNotes(first[0].Note, note), joinNotes(middle[0].Note, note)
	return append(first, middle...), nil
}

func measurePage(ctx context.Context, b *bench, srv *server, wf string, token *string, label string) ([]metric, error) {
	b.logf("  %s", label)
	return runLoad(ctx, srv, 1, b.cfg.Duration, func(int) opFunc {
		in := &glue.GetWorkflowRunsInput{Name: aws.String(wf), MaxResults: aws.Int32(runsPageSize), NextToken: token}
		return func(ctx context.Context) error {
			out, err := srv.load.GetWorkflowRuns(ctx, in)
			if err == nil && len(out.Runs) == 0 {
				err = fmt.Errorf("GetWorkflowRuns returned an empty page")
			}
			return err
		}
	}).metrics(label)
}

// skipRuns walks the first n runs of wf and returns the token of the page
// after them (nil when n is 0).
func skipRuns(ctx context.Context, c *glue.Client, wf string, n int) (*string, error) {
	var token *string
	for skipped := 0; skipped < n; {
		size := min(skipPageSize, n-skipped)
		out, err := c.GetWorkflowRuns(ctx, &glue.GetWorkflowRunsInput{Name: aws.String(wf), MaxResults: aws.Int32(int32(size)), NextToken: token})
		if err != nil {
			return nil, err
		}
		if out.NextToken == nil || len(out.Runs) == 0 {
			return nil, fmt.Errorf("the runs ended after %d of %d", skipped+len(out.Runs), n)
		}
		skipped += len(out.Runs)
		token = out.NextToken
	}
	return token, nil
}

var walkMetricNames = []string{"page p50", "page p99", "whole walk p50"}

func walkLabel(nominal int) string {
	return fmt.Sprintf("ListWorkflows, all pages of %d, %s workflows", listPageSize, count(nominal))
}

// measureWalk lists every workflow, page by page, again and again for
// --duration, finishing at least one walk (within a hard limit).
func measureWalk(ctx context.Context, b *bench, srv *server, nominal, stored int) ([]metric, error) {
	label := walkLabel(nominal)
	b.logf("  %s", label)
	start := time.Now()
	deadline, hardLimit := start.Add(b.cfg.Duration), start.Add(max(10*b.cfg.Duration, 2*time.Minute))
	var pages, walks []time.Duration
	listed := 0
	for walk := 0; walk < 10_000 && (walk == 0 || time.Now().Before(deadline)); walk++ {
		t0 := time.Now()
		n, lat, err := walkWorkflows(ctx, srv.load, hardLimit)
		if err != nil {
			return nil, err
		}
		pages, listed = append(pages, lat...), n
		walks = append(walks, time.Since(t0))
	}
	note := fmt.Sprintf("%d walks of %d pages", len(walks), len(pages)/len(walks))
	if listed != nominal {
		note += fmt.Sprintf("; a walk listed %s workflows (%s stored by the bench)", count(listed), count(stored))
	}
	return []metric{
		{Measurement: label, Name: walkMetricNames[0], Unit: "ms", Value: msOf(percentile(pages, 50)), Note: note},
		{Measurement: label, Name: walkMetricNames[1], Unit: "ms", Value: msOf(percentile(pages, 99))},
		{Measurement: label, Name: walkMetricNames[2], Unit: "ms", Value: msOf(percentile(walks, 50))},
	}, nil
}

// walkWorkflows lists every page once and returns the number of workflows
// and each page's latency.
func walkWorkflows(ctx context.Context, c *glue.Client, limit time.Time) (int, []time.Duration, error) {
	var token *string
	var lat []time.Duration
	n := 0
	for page := 0; page < maxWalkPages; page++ {
		if time.Now().After(limit) {
			return 0, nil, fmt.Errorf("a ListWorkflows walk did not finish in time (%d pages so far)", page)
		}
		t0 := time.Now()
		out, err := c.ListWorkflows(ctx, &glue.ListWorkflowsInput{MaxResults: aws.Int32(listPageSize), NextToken: token})
		if err != nil {
			return 0, nil, err
		}
		lat = append(lat, time.Since(t0))
		n += len(out.Workflows)
		if token = out.NextToken; token == nil {
			return n, lat, nil
		}
	}
	return 0, nil, fmt.Errorf("ListWorkflows did not end after %d pages", maxWalkPages)
}
