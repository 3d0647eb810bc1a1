package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
	"github.com/epoxy-run/epoxy/internal/store/runtable"
)

func (t *tx) WorkflowRuns() store.WorkflowRuns {
	return workflowRuns{runTable[glue.WorkflowRunRecord]{t.c, workflowRunSpec}}
}

func (t *tx) JobRuns() store.JobRuns { return jobRuns{runTable[glue.JobRunRecord]{t.c, jobRunSpec}} }
func (t *tx) Crawls() store.Crawls   { return crawls{runTable[glue.CrawlRecord]{t.c, crawlSpec}} }
func (t *tx) Firings() store.Firings { return firings{t.c} }

func (t *tx) BlueprintRuns() store.BlueprintRuns {
	return blueprintRuns{runTable[glue.BlueprintRunRecord]{t.c, blueprintRunSpec}}
}

var workflowRunSpec = newRunSpec(runtable.WorkflowRuns)

type workflowRuns struct {
	runTable[glue.WorkflowRunRecord]
}

func (w workflowRuns) Active(ctx context.Context, workflow string) ([]*glue.WorkflowRunRecord, error) {
	return w.inStates(ctx, workflow, runtable.States([]glue.WorkflowRunStatus{glue.WorkflowRunRunning, glue.WorkflowRunStopping}))
}

func (w workflowRuns) DeleteWorkflow(ctx context.Context, workflow string) error {
	return w.deleteOwner(ctx, workflow)
}

var jobRunSpec = withWakes(newRunSpec(runtable.JobRuns), func(r *glue.JobRunRecord) bool {
	return r.JobRun.JobRunState == glue.JobRunStarting
})

type jobRuns struct {
	runTable[glue.JobRunRecord]
}

func (j jobRuns) ByID(ctx context.Context, id string) (*glue.JobRunRecord, error) {
	return j.byID(ctx, id)
}

func (j jobRuns) OfWorkflowRun(ctx context.Context, runID string) ([]*glue.JobRunRecord, error) {
	return j.where(ctx, "workflow_run_id", runID)
}

func (j jobRuns) InStates(ctx context.Context, job string, states ...glue.JobRunState) ([]*glue.JobRunRecord, error) {
	return j.inStates(ctx, job, runtable.States(states))
}

func (j jobRuns) LatestTriggered(ctx context.Context, job string) (*glue.JobRunRecord, error) {
	r, err := queryOne(ctx, j.tx, j.spec.SetSeq, errNone,
		`SELECT seq, doc_version, doc FROM job_runs WHERE job = $1 AND workflow_run_id = '' AND trigger_name != '' AND NOT retried ORDER BY seq DESC LIMIT 1`, job)
	if errors.Is(err, errNone) {
		return nil, nil
	}
	return r, err
}

var errNone = errors.New("none")

func (j jobRuns) DeleteJob(ctx context.Context, job string) error {
	return j.deleteOwner(ctx, job)
}

func (j jobRuns) Summaries(ctx context.Context, runID string) ([]glue.MemberSummary, error) {
	return summaries(ctx, j.tx, glue.NodeJob, `SELECT id, job, state, retried FROM job_runs WHERE workflow_run_id = $1 ORDER BY seq`, runID)
}

var crawlSpec = withWakes(newRunSpec(runtable.Crawls), func(c *glue.CrawlRecord) bool {
	return c.State == glue.CrawlRunning && c.Node == ""
})

func withWakes[T any](s *runSpec[T], wakes func(*T) bool) *runSpec[T] {
	s.wakes = wakes
	return s
}

type crawls struct {
	runTable[glue.CrawlRecord]
}

// Get returns a crawl by id alone: crawl ids are unique across crawlers.
func (c crawls) Get(ctx context.Context, id string) (*glue.CrawlRecord, error) {
	return c.byID(ctx, id)
}

func (c crawls) OfWorkflowRun(ctx context.Context, runID string) ([]*glue.CrawlRecord, error) {
	return c.where(ctx, "workflow_run_id", runID)
}

func (c crawls) InStates(ctx context.Context, states ...glue.CrawlState) ([]*glue.CrawlRecord, error) {
	return c.inStates(ctx, "", runtable.States(states))
}

func (c crawls) DeleteCrawler(ctx context.Context, crawler string) error {
	return c.deleteOwner(ctx, crawler)
}

func (c crawls) Summaries(ctx context.Context, runID string) ([]glue.MemberSummary, error) {
	return summaries(ctx, c.tx, glue.NodeCrawler, `SELECT id, crawler, state, false FROM crawls WHERE workflow_run_id = $1 ORDER BY seq`, runID)
}

var blueprintRunSpec = newRunSpec(runtable.BlueprintRuns)

type blueprintRuns struct {
	runTable[glue.BlueprintRunRecord]
}

func (b blueprintRuns) InStates(ctx context.Context, states ...glue.BlueprintRunState) ([]*glue.BlueprintRunRecord, error) {
	return b.inStates(ctx, "", runtable.States(states))
}

func (b blueprintRuns) DeleteBlueprint(ctx context.Context, blueprint string) error {
	return b.deleteOwner(ctx, blueprint)
}

type firings struct{ tx pgx.Tx }

func (f firings) Insert(ctx context.Context, key, trigger string) (bool, error) {
	tag, err := f.tx.Exec(ctx, `INSERT INTO firings (key, trigger) VALUES ($1, $2) ON CONFLICT DO NOTHING`, key, trigger)
	if err != nil {
		return false, fmt.Errorf("record firing: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

func (f firings) List(ctx context.Context, key string) ([]string, error) {
	rows, err := f.tx.Query(ctx, `SELECT trigger FROM firings WHERE key = $1 ORDER BY trigger`, key)
	if err != nil {
		return nil, fmt.Errorf("list firings: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// summaries reads member summaries with a query selecting (id, name, state,
// retried).
func summaries(ctx context.Context, q pgx.Tx, typ glue.NodeType, query string, args ...any) ([]glue.MemberSummary, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("query summaries: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (glue.MemberSummary, error) {
		m := glue.MemberSummary{Type: typ}
		err := r.Scan(&m.ID, &m.Name, &m.State, &m.Retried)
		return m, err
	})
}
