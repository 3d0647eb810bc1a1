package sqlite

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/store/storetest"
)

// queryPlan returns the details of query's plan, one line per step.
func queryPlan(t *testing.T, s *Store, query string, args ...any) string {
	t.Helper()
	rows, err := s.read.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+query, args...)
	require.NoError(t, err)
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		require.NoError(t, rows.Scan(&id, &parent, &unused, &detail))
		lines = append(lines, detail)
	}
	require.NoError(t, rows.Err())
	return strings.Join(lines, "\n")
}

// Ensure a retention pass finds expired runs through the completion-time
// indexes and resumed runs through the partial indexes, rather than by
// reading every run document: every ended run matches the state indexes,
// so a plan using them would read the whole table in the writer's
// transaction.
func TestRetention_UsesIndexes(t *testing.T) {
	t.Parallel()
	b := setup(t, filepath.Join(t.TempDir(), "epoxy.db"))
	for query, want := range map[string][]string{
		endedWorkflowRuns:  {"workflow_runs_by_completed"},
		endedJobRuns:       {"job_runs_by_completed", "workflow_runs_carrying_job_runs"},
		endedCrawls:        {"crawls_by_completed", "workflow_runs_carrying_crawls"},
		endedBlueprintRuns: {"blueprint_runs_by_completed"},
	} {
		plan := queryPlan(t, b.store, query, "2024-01-01T00:00:00Z", 10)
		for _, index := range want {
			require.Contains(t, plan, "USING INDEX "+index, "plan of\n%s", query)
		}
	}
}

// Ensure retention reads the completion time of rows in either document
// format (see storetest.RetentionBothFormats), through the same indexes.
func TestRetention_BothFormats(t *testing.T) {
	t.Parallel()
	b := setup(t, filepath.Join(t.TempDir(), "epoxy.db"))
	storetest.RetentionBothFormats(t, b.store, func(t *testing.T, table, id string, path ...string) {
		var doc string
		require.NoError(t, b.store.read.QueryRowContext(b.ctx, `SELECT doc FROM `+table+` WHERE id = ?`, id).Scan(&doc))
		_, err := b.store.write.ExecContext(b.ctx, `UPDATE `+table+` SET doc = ?, doc_version = 1 WHERE id = ?`,
			storetest.Version1(t, doc, path...), id)
		require.NoError(t, err)
	})
}
