package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// Retention returns the deletion of expired history (see store.Retention).
func (t *tx) Retention() store.Retention { return retention{t.c} }

type retention struct{ tx *conn }

// Final states, as SQL lists.
var (
	endedWorkflowRun = sqlList(glue.WorkflowRunCompleted, glue.WorkflowRunStopped, glue.WorkflowRunError)
	endedJobRun      = sqlList(glue.JobRunStopped, glue.JobRunSucceeded, glue.JobRunFailed, glue.JobRunTimeout, glue.JobRunError, glue.JobRunExpired)
	endedCrawl       = sqlList(glue.CrawlCancelled, glue.CrawlSucceeded, glue.CrawlFailed, glue.CrawlError)
	endedBlueprint   = sqlList(glue.BlueprintRunSucceeded, glue.BlueprintRunFailed)
)

// Completion times are compared as Julian day numbers, which SQLite
// computes from the stored time whatever its form: epoch seconds (format
// version 2), read as such by the 'auto' modifier, or RFC 3339 text
// (version 1), whatever its offset and precision; migration 0011 indexes
// the same expressions.
var (
	// endedWorkflowRuns selects ended workflow runs completed before ?1
	// none of whose members still runs, at most ?2.
	endedWorkflowRuns = `SELECT seq FROM workflow_runs w
		WHERE julianday(json_extract(doc, '$.run.CompletedOn'), 'auto') < julianday(?1)
		AND +status IN (` + endedWorkflowRun + `)
		AND NOT EXISTS (SELECT 1 FROM job_runs j WHERE j.workflow_run_id = w.id
			AND j.state NOT IN (` + endedJobRun + `))
		AND NOT EXISTS (SELECT 1 FROM crawls c WHERE c.workflow_run_id = w.id
			AND c.state NOT IN (` + endedCrawl + `))
		LIMIT ?2`
	// endedJobRuns selects ended job runs completed before ?1 outside any
	// stored workflow run and carried by none, at most ?2.
	endedJobRuns = endedMembers("job_runs", "$.jobRun.CompletedOn", endedJobRun, "$.carriedJobRuns")
	// endedCrawls is endedJobRuns for crawls.
	endedCrawls = endedMembers("crawls", "$.completedOn", endedCrawl, "$.carriedCrawls")
	// endedBlueprintRuns selects finished blueprint runs completed before
	// ?1, at most ?2.
	endedBlueprintRuns = `SELECT seq FROM blueprint_runs
		WHERE julianday(json_extract(doc, '$.run.CompletedOn'), 'auto') < julianday(?1)
		AND +state IN (` + endedBlueprint + `)
		LIMIT ?2`
)

func (r retention) ExpireWorkflowRuns(ctx context.Context, cutoff time.Time, limit int) ([]string, error) {
	ids, err := r.deleteReturning(ctx, `DELETE FROM workflow_runs WHERE seq IN (`+endedWorkflowRuns+`) RETURNING id`, cutoff, limit)
	if err != nil || len(ids) == 0 {
		return ids, err
	}
	if err := r.deleteKeyed(ctx, `DELETE FROM events WHERE run_id IN (SELECT value FROM json_each(?))`, ids); err != nil {
		return nil, err
	}
	return ids, r.deleteFirings(ctx, ids)
}

func (r retention) ExpireJobRuns(ctx context.Context, cutoff time.Time, limit int) ([]string, error) {
	ids, err := r.expireMembers(ctx, `DELETE FROM job_runs WHERE seq IN (`+endedJobRuns+`) RETURNING id`, cutoff, limit)
	if err != nil || len(ids) == 0 {
		return ids, err
	}
	return ids, r.deleteKeyed(ctx, `DELETE FROM job_logs WHERE run_id IN (SELECT value FROM json_each(?))`, ids)
}

func (r retention) ExpireCrawls(ctx context.Context, cutoff time.Time, limit int) ([]string, error) {
	return r.expireMembers(ctx, `DELETE FROM crawls WHERE seq IN (`+endedCrawls+`) RETURNING id`, cutoff, limit)
}

func (r retention) ExpireBlueprintRuns(ctx context.Context, cutoff time.Time, limit int) ([]string, error) {
	return r.deleteReturning(ctx, `DELETE FROM blueprint_runs WHERE seq IN (`+endedBlueprintRuns+`) RETURNING id`, cutoff, limit)
}

// expireMembers deletes job runs or crawls with query and the firings
// recorded under them (a trigger outside workflows fires once per
// completing run, keyed by its id).
func (r retention) expireMembers(ctx context.Context, query string, cutoff time.Time, limit int) ([]string, error) {
	ids, err := r.deleteReturning(ctx, query, cutoff, limit)
	if err != nil || len(ids) == 0 {
		return ids, err
	}
	return ids, r.deleteFirings(ctx, ids)
}

func (r retention) deleteFirings(ctx context.Context, keys []string) error {
	return r.deleteKeyed(ctx, `DELETE FROM firings WHERE key IN (SELECT value FROM json_each(?))`, keys)
}

// deleteReturning runs a DELETE ... RETURNING id with the cutoff and limit
// and returns the ids deleted.
func (r retention) deleteReturning(ctx context.Context, query string, cutoff time.Time, limit int) ([]string, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("expire: limit must be positive, got %d", limit)
	}
	rows, err := r.tx.QueryContext(ctx, query, cutoff.UTC().Format(time.RFC3339Nano), limit)
	if err != nil {
		return nil, fmt.Errorf("expire: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("expire: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// deleteKeyed runs a DELETE whose one parameter is a JSON array of keys,
// so the statement's text (and its cached preparation) does not depend on
// how many keys there are.
func (r retention) deleteKeyed(ctx context.Context, query string, keys []string) error {
	arr, err := json.Marshal(keys)
	if err != nil {
		return err
	}
	if _, err := r.tx.ExecContext(ctx, query, string(arr)); err != nil {
		return fmt.Errorf("expire: %w", err)
	}
	return nil
}

// endedMembers is the query selecting, from table (job_runs or crawls),
// the ended members completed before ?1 that belong to no stored workflow
// run and that no stored workflow run's carried list names, at most ?2.
func endedMembers(table, completed, states, carried string) string {
	return `SELECT seq FROM ` + table + ` m
		WHERE julianday(json_extract(doc, '` + completed + `'), 'auto') < julianday(?1)
		AND +state IN (` + states + `)
		AND NOT EXISTS (SELECT 1 FROM workflow_runs w WHERE w.id = m.workflow_run_id)
		AND id NOT IN (SELECT c.value FROM workflow_runs w, json_each(w.doc, '` + carried + `') c
			WHERE json_type(w.doc, '` + carried + `') IS NOT NULL)
		LIMIT ?2`
}

// sqlList quotes states as an SQL list: 'A', 'B'. States are constants
// without quotes.
func sqlList[S ~string](states ...S) string {
	q := make([]string, len(states))
	for i, s := range states {
		q[i] = "'" + string(s) + "'"
	}
	return strings.Join(q, ", ")
}
