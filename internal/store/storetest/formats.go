package storetest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// Downgrade rewrites the stored document of the run id in table (job_runs
// or workflow_runs) with Version1, and records it as format version 1.
type Downgrade func(t *testing.T, table, id string, path ...string)

// Version1 returns doc with the time at path written as format version 1
// wrote times: RFC 3339 text instead of epoch seconds.
func Version1(t *testing.T, doc string, path ...string) string {
	t.Helper()
	var v map[string]any
	require.NoError(t, json.Unmarshal([]byte(doc), &v))
	obj := v
	for _, p := range path[:len(path)-1] {
		obj = obj[p].(map[string]any)
	}
	last := path[len(path)-1]
	raw, err := json.Marshal(obj[last])
	require.NoError(t, err)
	var ts glue.Timestamp
	require.NoError(t, json.Unmarshal(raw, &ts))
	obj[last] = ts.Format(time.RFC3339Nano)
	out, err := json.Marshal(v)
	require.NoError(t, err)
	return string(out)
}

// RetentionBothFormats checks that retention reads the completion time of
// rows in either document format: epoch seconds (version 2) and RFC 3339
// text (version 1) both expire when before the cutoff and stay when after
// it. downgrade turns rows of s into version 1 ones.
func RetentionBothFormats(t *testing.T, s store.Store, downgrade Downgrade) {
	t.Helper()
	ctx := t.Context()
	cutoff := time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)
	before, after := glue.At(cutoff.Add(-time.Millisecond)), glue.At(cutoff.Add(time.Millisecond))
	require.NoError(t, s.Update(ctx, func(tx store.Tx) error {
		for id, done := range map[string]glue.Timestamp{"v1_old": before, "v1_new": after, "v2_old": before, "v2_new": after} {
			jr := &glue.JobRunRecord{JobRun: glue.JobRun{ID: "jr_" + id, JobName: "j", JobRunState: glue.JobRunSucceeded, CompletedOn: done}}
			wr := &glue.WorkflowRunRecord{Run: glue.WorkflowRun{Name: "w", WorkflowRunID: "wr_" + id, Status: glue.WorkflowRunCompleted, CompletedOn: done}}
			if err := tx.JobRuns().Insert(ctx, jr); err != nil {
				return err
			}
			if err := tx.WorkflowRuns().Insert(ctx, wr); err != nil {
				return err
			}
		}
		return nil
	}))
	for _, id := range []string{"v1_old", "v1_new"} {
		downgrade(t, "job_runs", "jr_"+id, "jobRun", "CompletedOn")
		downgrade(t, "workflow_runs", "wr_"+id, "run", "CompletedOn")
	}
	var jobRuns, workflowRuns []string
	require.NoError(t, s.Update(ctx, func(tx store.Tx) error {
		var err error
		if jobRuns, err = tx.Retention().ExpireJobRuns(ctx, cutoff, 10); err != nil {
			return err
		}
		workflowRuns, err = tx.Retention().ExpireWorkflowRuns(ctx, cutoff, 10)
		return err
	}))
	require.ElementsMatch(t, []string{"jr_v1_old", "jr_v2_old"}, jobRuns)
	require.ElementsMatch(t, []string{"wr_v1_old", "wr_v2_old"}, workflowRuns)
}
