package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// Retention returns the deletion of expired history (see store.Retention).
// The same rules as store/sqlite's, in PostgreSQL's JSON dialect; completion
// times are read from the documents and compared as timestamps (migration
// 0006 adds no index: a retention pass scans the ended runs once an hour).
func (t *tx) Retention() store.Retention { return retention{t} }

type retention struct{ t *tx }

// Final states, as SQL lists.
var (
	endedWorkflowRun = sqlList(glue.WorkflowRunCompleted, glue.WorkflowRunStopped, glue.WorkflowRunError)
	endedJobRun      = sqlList(glue.JobRunStopped, glue.JobRunSucceeded, glue.JobRunFailed, glue.JobRunTimeout, glue.JobRunError, glue.JobRunExpired)
	endedCrawl       = sqlList(glue.CrawlCancelled, glue.CrawlSucceeded, glue.CrawlFailed, glue.CrawlError)
	endedBlueprint   = sqlList(glue.BlueprintRunSucceeded, glue.BlueprintRunFailed)
)

// completedBefore is the condition "the document's completion time (at
// path) is before $1". The time is epoch seconds in documents of format
// version 2 and RFC 3339 text in version 1 ones.
func completedBefore(alias, path string) string {
	at := alias + `.doc::jsonb #> '` + path + `'`
	text := alias + `.doc::jsonb #>> '` + path + `'`
	return `CASE jsonb_typeof(` + at + `) WHEN 'number' THEN to_timestamp((` + text + `)::double precision)
		ELSE (` + text + `)::timestamptz END < $1`
}

var (
	endedWorkflowRuns = `SELECT seq FROM workflow_runs w
		WHERE ` + completedBefore("w", "{run,CompletedOn}") + `
		AND w.status IN (` + endedWorkflowRun + `)
		AND NOT EXISTS (SELECT 1 FROM job_runs j WHERE j.workflow_run_id = w.id AND j.state NOT IN (` + endedJobRun + `))
		AND NOT EXISTS (SELECT 1 FROM crawls c WHERE c.workflow_run_id = w.id AND c.state NOT IN (` + endedCrawl + `))
		LIMIT $2`
	endedJobRuns       = endedMembers("job_runs", "{jobRun,CompletedOn}", endedJobRun, "carriedJobRuns")
	endedCrawls        = endedMembers("crawls", "{completedOn}", endedCrawl, "carriedCrawls")
	endedBlueprintRuns = `SELECT seq FROM blueprint_runs b
		WHERE ` + completedBefore("b", "{run,CompletedOn}") + `
		AND b.state IN (` + endedBlueprint + `)
		LIMIT $2`
)

// endedMembers selects, from table (job_runs or crawls), the ended members
// completed before $1 that belong to no stored workflow run and that no
// stored workflow run's carried list names, at most $2.
func endedMembers(table, completed, states, carried string) string {
	return `SELECT seq FROM ` + table + ` m
		WHERE ` + completedBefore("m", completed) + `
		AND m.state IN (` + states + `)
		AND NOT EXISTS (SELECT 1 FROM workflow_runs w WHERE w.id = m.workflow_run_id)
		AND NOT EXISTS (SELECT 1 FROM workflow_runs w
			WHERE jsonb_typeof(w.doc::jsonb -> '` + carried + `') = 'array'
			AND (w.doc::jsonb -> '` + carried + `') ? m.id)
		LIMIT $2`
}

func (r retention) ExpireWorkflowRuns(ctx context.Context, cutoff time.Time, limit int) ([]string, error) {
	ids, err := r.deleteReturning(ctx, `DELETE FROM workflow_runs WHERE seq IN (`+endedWorkflowRuns+`) RETURNING id`, cutoff, limit)
	if err != nil || len(ids) == 0 {
		return ids, err
	}
	if _, err := r.t.c.Exec(ctx, `DELETE FROM events WHERE run_id = ANY($1)`, ids); err != nil {
		return nil, fmt.Errorf("expire: %w", err)
	}
	return ids, r.deleteFirings(ctx, ids)
}

func (r retention) ExpireJobRuns(ctx context.Context, cutoff time.Time, limit int) ([]string, error) {
	ids, err := r.expireMembers(ctx, `DELETE FROM job_runs WHERE seq IN (`+endedJobRuns+`) RETURNING id`, cutoff, limit)
	if err != nil || len(ids) == 0 {
		return ids, err
	}
	if _, err := r.t.c.Exec(ctx, `DELETE FROM job_logs WHERE run_id = ANY($1)`, ids); err != nil {
		return nil, fmt.Errorf("expire: %w", err)
	}
	return ids, nil
}

func (r retention) ExpireCrawls(ctx context.Context, cutoff time.Time, limit int) ([]string, error) {
	return r.expireMembers(ctx, `DELETE FROM crawls WHERE seq IN (`+endedCrawls+`) RETURNING id`, cutoff, limit)
}

func (r retention) ExpireBlueprintRuns(ctx context.Context, cutoff time.Time, limit int) ([]string, error) {
	return r.deleteReturning(ctx, `DELETE FROM blueprint_runs WHERE seq IN (`+endedBlueprintRuns+`) RETURNING id`, cutoff, limit)
}

// expireMembers deletes job runs or crawls with query and the firings
// recorded under them.
func (r retention) expireMembers(ctx context.Context, query string, cutoff time.Time, limit int) ([]string, error) {
	ids, err := r.deleteReturning(ctx, query, cutoff, limit)
	if err != nil || len(ids) == 0 {
		return ids, err
	}
	return ids, r.deleteFirings(ctx, ids)
}

func (r retention) deleteFirings(ctx context.Context, keys []string) error {
	if _, err := r.t.c.Exec(ctx, `DELETE FROM firings WHERE key = ANY($1)`, keys); err != nil {
		return fmt.Errorf("expire: %w", err)
	}
	return nil
}

// deleteReturning runs a DELETE … RETURNING id with the cutoff and limit.
func (r retention) deleteReturning(ctx context.Context, query string, cutoff time.Time, limit int) ([]string, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("expire: limit must be positive, got %d", limit)
	}
	rows, err := r.t.c.Query(ctx, query, cutoff.UTC(), limit)
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

// sqlList quotes states as an SQL list: 'A', 'B'. States are constants
// without quotes.
func sqlList[S ~string](states ...S) string {
	q := make([]string, len(states))
	for i, s := range states {
		q[i] = "'" + string(s) + "'"
	}
	return strings.Join(q, ", ")
}
