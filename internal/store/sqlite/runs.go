package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

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

// queryDocs runs a query selecting (seq, doc_version, doc) and decodes
// every row, handing each seq to setSeq.
func queryDocs[T any](ctx context.Context, q *conn, setSeq func(*T, int64), query string, args ...any) ([]*T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	defer rows.Close()
	var out []*T
	for rows.Next() {
		var seq int64
		var version int
		var doc string
		if err := rows.Scan(&seq, &version, &doc); err != nil {
			return nil, fmt.Errorf("scan: %w", err)
		}
		v, err := decodeDoc[T](doc, version)
		if err != nil {
			return nil, err
		}
		setSeq(v, seq)
		out = append(out, v)
	}
	return out, rows.Err()
}

func queryOne[T any](ctx context.Context, q *conn, setSeq func(*T, int64), notFound error, query string, args ...any) (*T, error) {
	out, err := queryDocs(ctx, q, setSeq, query, args...)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, notFound
	}
	return out[0], nil
}

// insertedSeq reads the sequence number an INSERT ... ON CONFLICT DO NOTHING
// assigned, or reports the conflict as glue.AlreadyExists.
func insertedSeq(res sql.Result, seq *int64, exists error) error {
	if n, _ := res.RowsAffected(); n == 0 {
		return exists
	}
	var err error
	*seq, err = res.LastInsertId()
	return err
}

func pageLimit(limit int) int {
	if limit <= 0 {
		return -1
	}
	return limit
}

func beforeClause(before int64) int64 {
	if before <= 0 {
		return 1<<63 - 1
	}
	return before
}

var workflowRunSpec = newRunSpec(runtable.WorkflowRuns)

type workflowRuns struct {
	runTable[glue.WorkflowRunRecord]
}

func (w workflowRuns) Active(ctx context.Context, workflow string) ([]*glue.WorkflowRunRecord, error) {
	return w.inStates(ctx, workflow, anys([]glue.WorkflowRunStatus{glue.WorkflowRunRunning, glue.WorkflowRunStopping}))
}

func (w workflowRuns) DeleteWorkflow(ctx context.Context, workflow string) error {
	return w.deleteOwner(ctx, workflow)
}

var jobRunSpec = newRunSpec(runtable.JobRuns)

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
	return j.inStates(ctx, job, anys(states))
}

func (j jobRuns) LatestTriggered(ctx context.Context, job string) (*glue.JobRunRecord, error) {
	r, err := queryOne(ctx, j.tx, j.spec.SetSeq, errNone,
		`SELECT seq, doc_version, doc FROM job_runs WHERE job = ? AND workflow_run_id = '' AND trigger_name != '' AND retried = 0 ORDER BY seq DESC LIMIT 1`, job)
	if errors.Is(err, errNone) {
		return nil, nil
	}
	return r, err
}

var errNone = errors.New("none")

func (j jobRuns) DeleteJob(ctx context.Context, job string) error {
	return j.deleteOwner(ctx, job)
}

var crawlSpec = newRunSpec(runtable.Crawls)

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
	return c.inStates(ctx, "", anys(states))
}

func (c crawls) DeleteCrawler(ctx context.Context, crawler string) error {
	return c.deleteOwner(ctx, crawler)
}

type firings struct{ tx *conn }

func (f firings) Insert(ctx context.Context, key, trigger string) (bool, error) {
	res, err := f.tx.ExecContext(ctx, `INSERT INTO firings (key, trigger) VALUES (?, ?) ON CONFLICT DO NOTHING`, key, trigger)
	if err != nil {
		return false, fmt.Errorf("record firing: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

func (f firings) List(ctx context.Context, key string) ([]string, error) {
	rows, err := f.tx.QueryContext(ctx, `SELECT trigger FROM firings WHERE key = ? ORDER BY trigger`, key)
	if err != nil {
		return nil, fmt.Errorf("list firings: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// summaries reads member summaries with a query selecting (id, name, state,
// retried).
func summaries(ctx context.Context, q *conn, typ glue.NodeType, query string, args ...any) ([]glue.MemberSummary, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("query summaries: %w", err)
	}
	defer rows.Close()
	var out []glue.MemberSummary
	for rows.Next() {
		m := glue.MemberSummary{Type: typ}
		if err := rows.Scan(&m.ID, &m.Name, &m.State, &m.Retried); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func (j jobRuns) Summaries(ctx context.Context, runID string) ([]glue.MemberSummary, error) {
	return summaries(ctx, j.tx, glue.NodeJob, `SELECT id, job, state, retried FROM job_runs WHERE workflow_run_id = ? ORDER BY seq`, runID)
}

func (c crawls) Summaries(ctx context.Context, runID string) ([]glue.MemberSummary, error) {
	return summaries(ctx, c.tx, glue.NodeCrawler, `SELECT id, crawler, state, 0 FROM crawls WHERE workflow_run_id = ? ORDER BY seq`, runID)
}
