package main

import (
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"

	epoxyglue "github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
	"github.com/epoxy-run/epoxy/internal/store/sqlite"
)

// seedBatch is how many rows one seeding transaction inserts.
const seedBatch = 5000

// scaleFixture is what the scale scenario stores: workflows with many
// completed runs, and enough other workflows to reach a total.
type scaleFixture struct {
	runWorkflows []string // one per size in runs
	runs         []int
	workflows    []string // every workflow, run workflows included
}

// seedStore writes the fixture straight into an Epoxy data directory
// through the store package, before the server starts: the same rows the
// API would write for runs of a workflow without a start trigger, which
// complete at once.
func (f *scaleFixture) seedStore(ctx context.Context, dataDir string) error {
	st, err := sqlite.Open(ctx, filepath.Join(dataDir, "epoxy.db"))
	if err != nil {
		return err
	}
	defer st.Close()
	now := time.Now().UTC().Truncate(time.Millisecond)
	for i := 0; i < len(f.workflows); i += seedBatch {
		part := f.workflows[i:min(i+seedBatch, len(f.workflows))]
		if err := st.Update(ctx, func(tx store.Tx) error { return insertWorkflows(ctx, tx, part, now) }); err != nil {
			return err
		}
	}
	for k, wf := range f.runWorkflows {
		base := now.Add(-time.Duration(f.runs[k]) * time.Millisecond)
		for i := 0; i < f.runs[k]; i += seedBatch {
			from, to := i, min(i+seedBatch, f.runs[k])
			if err := st.Update(ctx, func(tx store.Tx) error { return insertRuns(ctx, tx, wf, base, from, to) }); err != nil {
				return err
			}
		}
	}
	return nil
}

func insertWorkflows(ctx context.Context, tx store.Tx, names []string, now time.Time) error {
	for _, n := range names {
		if err := tx.Workflows().Insert(ctx, n, &epoxyglue.Workflow{Name: n, CreatedOn: epoxyglue.At(now), LastModifiedOn: epoxyglue.At(now)}); err != nil {
			return err
		}
	}
	return nil
}

// insertRuns stores completed runs from..to of a workflow, one
// millisecond apart.
func insertRuns(ctx context.Context, tx store.Tx, workflow string, base time.Time, from, to int) error {
	for i := from; i < to; i++ {
		at := base.Add(time.Duration(i) * time.Millisecond)
		rec := &epoxyglue.WorkflowRunRecord{Triggers: []*epoxyglue.Trigger{}, Run: epoxyglue.WorkflowRun{Name: workflow,
			WorkflowRunID: epoxyglue.NewID("wr"), WorkflowRunProperties: map[string]string{}, StartedOn: epoxyglue.At(at), CompletedOn: epoxyglue.At(at),
			Status: epoxyglue.WorkflowRunCompleted}}
		if err := tx.WorkflowRuns().Insert(ctx, rec); err != nil {
			return err
		}
	}
	return nil
}

// apiSeed is what seeding through the API achieved.
type apiSeed struct {
	runs      []int // runs stored per run workflow
	workflows int   // workflows created
	// paging is set when GetWorkflowRuns failed to page through the runs of
	// the first run workflow; larger ones are then not seeded.
	paging error
	// listing is set when ListWorkflows failed to page through the first
	// workflows; the others are then not created.
	listing error
}

// seedAPI creates the fixture through the API, each part within budget:
// workflows with CreateWorkflow, runs with StartWorkflowRun on workflows
// without a start trigger (they complete at once).
func (f *scaleFixture) seedAPI(ctx context.Context, srv *server, budget time.Duration) (*apiSeed, error) {
	c := srv.setup
	seed := &apiSeed{runs: make([]int, len(f.runWorkflows))}
	if err := f.createWorkflowsAPI(ctx, srv, budget, seed); err != nil {
		return nil, err
	}
	for k, wf := range f.runWorkflows {
		var err error
		seed.runs[k], err = untilDeadline(ctx, f.runs[k], budget, func(ctx context.Context, _ int) error {
			_, err := c.StartWorkflowRun(ctx, &glue.StartWorkflowRunInput{Name: aws.String(wf)})
			return err
		})
		if err != nil {
			return nil, err
		}
		if seed.paging = checkPaging(ctx, srv.load, wf, seed.runs[k]); seed.paging != nil {
			break
		}
	}
	return seed, nil
}

// createWorkflowsAPI creates the run workflows and a page and a half of
// others, checks that ListWorkflows can page through them, then creates
// the rest within budget.
func (f *scaleFixture) createWorkflowsAPI(ctx context.Context, srv *server, budget time.Duration, seed *apiSeed) error {
	c := srv.setup
	first := min(len(f.workflows), max(len(f.runWorkflows), listPageSize+listPageSize/2))
	if err := createWorkflows(ctx, c, f.workflows[:first]); err != nil {
		return err
	}
	seed.workflows = first
	if _, seed.listing = srv.load.ListWorkflows(ctx, &glue.ListWorkflowsInput{MaxResults: aws.Int32(1)}); seed.listing != nil {
		return nil
	}
	rest := f.workflows[first:]
	created, err := untilDeadline(ctx, len(rest), budget, func(ctx context.Context, i int) error {
		return createWorkflow(ctx, c, rest[i])
	})
	seed.workflows += created
	return err
}

// checkPaging asks for the runs one per page, which fails on endpoints that
// cannot build a NextToken for them. c should not retry.
func checkPaging(ctx context.Context, c *glue.Client, wf string, stored int) error {
	if stored < 2 {
		return nil
	}
	_, err := c.GetWorkflowRuns(ctx, &glue.GetWorkflowRunsInput{Name: aws.String(wf), MaxResults: aws.Int32(1)})
	return err
}

// untilDeadline calls fn for up to n items with 16 workers, stopping when
// budget runs out, and returns how many calls succeeded.
func untilDeadline(ctx context.Context, n int, budget time.Duration, fn func(ctx context.Context, i int) error) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	var done atomic.Int64
	err := forEach(ctx, n, 16, func(ctx context.Context, i int) error {
		if err := fn(ctx, i); err != nil {
			return err
		}
		done.Add(1)
		return nil
	})
	if errors.Is(err, context.DeadlineExceeded) || (err != nil && ctx.Err() != nil) {
		err = nil
	}
	return int(done.Load()), err
}

// count formats n with thousands separators: 100000 → "100,000".
func count(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// plural returns "1 run", "2 runs".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return count(n) + " " + noun + "s"
}
