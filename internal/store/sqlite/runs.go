package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

func (t *tx) WorkflowRuns() store.WorkflowRuns { return workflowRuns{t.c} }
func (t *tx) JobRuns() store.JobRuns           { return jobRuns{t.c} }
func (t *tx) Crawls() store.Crawls             { return crawls{t.c} }
func (t *tx) Firings() store.Firings           { return firings{t.c} }

// queryDocs runs a query selecting (seq, doc) and decodes every row,
// handing each seq to setSeq. Rows are copied out and the statement
// closed before any document is decoded, so decoding never keeps a cursor
// open.
func queryDocs[T any](ctx context.Context, q *conn, setSeq func(*T, int64), query string, args ...any) ([]*T, error) {
	raw, err := scanSeqDocs(ctx, q, query, args...)
	if err != nil {
		return nil, err
	}
	out := make([]*T, 0, len(raw))
	for _, r := range raw {
		v, err := decode[T](r.doc)
		if err != nil {
			return nil, err
		}
		setSeq(v, r.seq)
		out = append(out, v)
	}
	return out, nil
}

// seqDoc is one row of a run table, not yet decoded.
type seqDoc struct {
	seq int64
	doc string
}

// scanSeqDocs runs a query selecting (seq, doc) and returns its rows.
func scanSeqDocs(ctx context.Context, q *conn, query string, args ...any) ([]seqDoc, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("query: %w", err)
	}
	defer rows.Close()
	var out []seqDoc
	for rows.Next() {
		var r seqDoc
		if err := rows.Scan(&r.seq, &r.doc); err != nil {
			return nil, fmt.Errorf("scan: %w", err)
		}
		out = append(out, r)
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
func insertedSeq(res sql.Result, seq *int64, label, id string) error {
	if n, _ := res.RowsAffected(); n == 0 {
		return glue.Errorf(glue.AlreadyExists, "%s %s already exists", label, id)
	}
	var err error
	*seq, err = res.LastInsertId()
	return err
}

func marshal(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

func placeholders[S ~string](states []S) (string, []any) {
	args := make([]any, len(states))
	for i, s := range states {
		args[i] = string(s)
	}
	return strings.TrimSuffix(strings.Repeat("?,", len(states)), ","), args
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

type workflowRuns struct{ tx *conn }

func setRunSeq(r *glue.WorkflowRunRecord, s int64) { r.Seq = s }

func (w workflowRuns) Insert(ctx context.Context, r *glue.WorkflowRunRecord) error {
	doc, err := marshal(r)
	if err != nil {
		return err
	}
	res, err := w.tx.ExecContext(ctx, `INSERT INTO workflow_runs (id, workflow, status, doc) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
		r.Run.WorkflowRunID, r.Run.Name, r.Run.Status, doc)
	if err != nil {
		return fmt.Errorf("insert workflow run: %w", err)
	}
	return insertedSeq(res, &r.Seq, "Workflow run", r.Run.WorkflowRunID)
}

func (w workflowRuns) Get(ctx context.Context, workflow, id string) (*glue.WorkflowRunRecord, error) {
	return queryOne(ctx, w.tx, setRunSeq, glue.Errorf(glue.EntityNotFound, "Workflow run %s of workflow %s not found", id, workflow),
		`SELECT seq, doc FROM workflow_runs WHERE workflow = ? AND id = ?`, workflow, id)
}

func (w workflowRuns) Update(ctx context.Context, r *glue.WorkflowRunRecord) error {
	doc, err := marshal(r)
	if err != nil {
		return err
	}
	_, err = w.tx.ExecContext(ctx, `UPDATE workflow_runs SET status = ?, doc = ? WHERE id = ?`, r.Run.Status, doc, r.Run.WorkflowRunID)
	if err != nil {
		return fmt.Errorf("update workflow run: %w", err)
	}
	return nil
}

func (w workflowRuns) List(ctx context.Context, workflow string, beforeSeq int64, limit int) ([]*glue.WorkflowRunRecord, error) {
	return queryDocs(ctx, w.tx, setRunSeq, `SELECT seq, doc FROM workflow_runs WHERE workflow = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
		workflow, beforeClause(beforeSeq), pageLimit(limit))
}

func (w workflowRuns) Active(ctx context.Context, workflow string) ([]*glue.WorkflowRunRecord, error) {
	q := `SELECT seq, doc FROM workflow_runs WHERE status IN ('RUNNING', 'STOPPING')`
	args := []any{}
	if workflow != "" {
		q += ` AND workflow = ?`
		args = append(args, workflow)
	}
	return queryDocs(ctx, w.tx, setRunSeq, q+` ORDER BY seq`, args...)
}

func (w workflowRuns) DeleteWorkflow(ctx context.Context, workflow string) error {
	_, err := w.tx.ExecContext(ctx, `DELETE FROM workflow_runs WHERE workflow = ?`, workflow)
	return err
}

type jobRuns struct{ tx *conn }

func setJobRunSeq(r *glue.JobRunRecord, s int64) { r.Seq = s }

func (j jobRuns) Insert(ctx context.Context, r *glue.JobRunRecord) error {
	doc, err := marshal(r)
	if err != nil {
		return err
	}
	res, err := j.tx.ExecContext(ctx, `INSERT INTO job_runs (id, job, workflow_run_id, trigger_name, state, retried, doc) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
		r.JobRun.ID, r.JobRun.JobName, r.WorkflowRunID, r.JobRun.TriggerName, r.JobRun.JobRunState, r.Retried, doc)
	if err != nil {
		return fmt.Errorf("insert job run: %w", err)
	}
	return insertedSeq(res, &r.Seq, "Job run", r.JobRun.ID)
}

func (j jobRuns) Get(ctx context.Context, job, id string) (*glue.JobRunRecord, error) {
	return queryOne(ctx, j.tx, setJobRunSeq, glue.Errorf(glue.EntityNotFound, "Job run %s of job %s not found", id, job),
		`SELECT seq, doc FROM job_runs WHERE job = ? AND id = ?`, job, id)
}

func (j jobRuns) ByID(ctx context.Context, id string) (*glue.JobRunRecord, error) {
	return queryOne(ctx, j.tx, setJobRunSeq, glue.Errorf(glue.EntityNotFound, "Job run %s not found", id),
		`SELECT seq, doc FROM job_runs WHERE id = ?`, id)
}

func (j jobRuns) Update(ctx context.Context, r *glue.JobRunRecord) error {
	doc, err := marshal(r)
	if err != nil {
		return err
	}
	_, err = j.tx.ExecContext(ctx, `UPDATE job_runs SET state = ?, retried = ?, doc = ? WHERE id = ?`, r.JobRun.JobRunState, r.Retried, doc, r.JobRun.ID)
	if err != nil {
		return fmt.Errorf("update job run: %w", err)
	}
	return nil
}

func (j jobRuns) List(ctx context.Context, job string, beforeSeq int64, limit int) ([]*glue.JobRunRecord, error) {
	return queryDocs(ctx, j.tx, setJobRunSeq, `SELECT seq, doc FROM job_runs WHERE job = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
		job, beforeClause(beforeSeq), pageLimit(limit))
}

func (j jobRuns) OfWorkflowRun(ctx context.Context, runID string) ([]*glue.JobRunRecord, error) {
	return queryDocs(ctx, j.tx, setJobRunSeq, `SELECT seq, doc FROM job_runs WHERE workflow_run_id = ? ORDER BY seq`, runID)
}

func (j jobRuns) InStates(ctx context.Context, job string, states ...glue.JobRunState) ([]*glue.JobRunRecord, error) {
	ph, args := placeholders(states)
	q := `SELECT seq, doc FROM job_runs WHERE state IN (` + ph + `)`
	if job != "" {
		q += ` AND job = ?`
		args = append(args, job)
	}
	return queryDocs(ctx, j.tx, setJobRunSeq, q+` ORDER BY seq`, args...)
}

func (j jobRuns) LatestTriggered(ctx context.Context, job string) (*glue.JobRunRecord, error) {
	r, err := queryOne(ctx, j.tx, setJobRunSeq, errNone,
		`SELECT seq, doc FROM job_runs WHERE job = ? AND workflow_run_id = '' AND trigger_name != '' AND retried = 0 ORDER BY seq DESC LIMIT 1`, job)
	if errors.Is(err, errNone) {
		return nil, nil
	}
	return r, err
}

var errNone = errors.New("none")

func (j jobRuns) DeleteJob(ctx context.Context, job string) error {
	_, err := j.tx.ExecContext(ctx, `DELETE FROM job_runs WHERE job = ?`, job)
	return err
}

type crawls struct{ tx *conn }

func setCrawlSeq(c *glue.CrawlRecord, s int64) { c.Seq = s }

func (c crawls) Insert(ctx context.Context, r *glue.CrawlRecord) error {
	doc, err := marshal(r)
	if err != nil {
		return err
	}
	res, err := c.tx.ExecContext(ctx, `INSERT INTO crawls (id, crawler, workflow_run_id, state, doc) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
		r.ID, r.CrawlerName, r.WorkflowRunID, r.State, doc)
	if err != nil {
		return fmt.Errorf("insert crawl: %w", err)
	}
	return insertedSeq(res, &r.Seq, "Crawl", r.ID)
}

func (c crawls) Get(ctx context.Context, id string) (*glue.CrawlRecord, error) {
	return queryOne(ctx, c.tx, setCrawlSeq, glue.Errorf(glue.EntityNotFound, "Crawl %s not found", id),
		`SELECT seq, doc FROM crawls WHERE id = ?`, id)
}

func (c crawls) Update(ctx context.Context, r *glue.CrawlRecord) error {
	doc, err := marshal(r)
	if err != nil {
		return err
	}
	_, err = c.tx.ExecContext(ctx, `UPDATE crawls SET state = ?, doc = ? WHERE id = ?`, r.State, doc, r.ID)
	if err != nil {
		return fmt.Errorf("update crawl: %w", err)
	}
	return nil
}

func (c crawls) List(ctx context.Context, crawler string, beforeSeq int64, limit int) ([]*glue.CrawlRecord, error) {
	return queryDocs(ctx, c.tx, setCrawlSeq, `SELECT seq, doc FROM crawls WHERE crawler = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
		crawler, beforeClause(beforeSeq), pageLimit(limit))
}

func (c crawls) OfWorkflowRun(ctx context.Context, runID string) ([]*glue.CrawlRecord, error) {
	return queryDocs(ctx, c.tx, setCrawlSeq, `SELECT seq, doc FROM crawls WHERE workflow_run_id = ? ORDER BY seq`, runID)
}

func (c crawls) InStates(ctx context.Context, states ...glue.CrawlState) ([]*glue.CrawlRecord, error) {
	ph, args := placeholders(states)
	return queryDocs(ctx, c.tx, setCrawlSeq, `SELECT seq, doc FROM crawls WHERE state IN (`+ph+`) ORDER BY seq`, args...)
}

func (c crawls) DeleteCrawler(ctx context.Context, crawler string) error {
	_, err := c.tx.ExecContext(ctx, `DELETE FROM crawls WHERE crawler = ?`, crawler)
	return err
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
