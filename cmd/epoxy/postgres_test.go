package main

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/store/postgres/pgtest"
)

// Ensure `epoxy serve --store postgres://...` runs the API and the engine
// on PostgreSQL: a workflow of three real python jobs in a chain runs to
// COMPLETED with every job run once, and a new server started after the
// first is killed reads the run back as it was. The data directory holds
// the job logs and no SQLite database.
func TestPostgres_ServeWorkflowAndRestart(t *testing.T) {
	url := pgtest.URL(t)
	t.Parallel()
	h := newDurHarness(t, durBinary(t))
	h.store = url
	h.start()
	ctx := context.Background()

	const wf = "etl"
	_, err := h.client.CreateWorkflow(ctx, &glue.CreateWorkflowInput{Name: aws.String(wf)})
	require.NoError(t, err)
	for _, j := range []string{"extract", "transform", "load"} {
		h.job(j, 0.05)
	}
	h.onDemandStart(wf, "start", "extract")
	h.after(wf, "after-extract", []string{"extract"}, "transform")
	h.after(wf, "after-transform", []string{"transform"}, "load")
	started, err := h.client.StartWorkflowRun(ctx, &glue.StartWorkflowRunInput{Name: aws.String(wf)})
	require.NoError(t, err)
	runID := aws.ToString(started.RunId)

	run := h.waitCompleted(wf, runID, 2*time.Minute)
	nodes := durJobNodes(t, run)
	ids := map[string]string{}
	for _, j := range []string{"extract", "transform", "load"} {
		require.Len(t, nodes[j], 1, "%s ran once", j)
		require.Equal(t, types.JobRunStateSucceeded, nodes[j][0].JobRunState, j)
		ids[j] = aws.ToString(nodes[j][0].Id)
		require.Equal(t, []string{j}, h.dones()[ids[j]], "the script of %s ran once", j)
	}
	require.NoFileExists(t, filepath.Join(h.data, "epoxy.db"), "the state is in PostgreSQL")

	h.kill()
	h.start()
	again := h.getRun(wf, runID)
	require.Equal(t, types.WorkflowRunStatusCompleted, again.Status)
	require.Equal(t, run.Statistics, again.Statistics)
	for j, n := range durJobNodes(t, again) {
		require.Len(t, n, 1, j)
		require.Equal(t, ids[j], aws.ToString(n[0].Id), j)
	}
	logs, err := exec.Command(h.bin, "logs", "--data", h.data, ids["load"]).CombinedOutput()
	require.NoError(t, err, "%s", logs)
}

// Ensure `epoxy migrate` reports, applies and rolls back a PostgreSQL
// schema: status lists every migration pending on a new schema, up
// applies them, down 3 leaves the first three, and a server starting on
// the half-migrated schema applies the rest.
func TestPostgres_MigrateCommand(t *testing.T) {
	url := pgtest.URL(t)
	t.Parallel()
	bin := durBinary(t)
	migrate := func(args ...string) []string {
		t.Helper()
		out, err := exec.Command(bin, append([]string{"migrate", "--store", url}, args...)...).CombinedOutput()
		require.NoError(t, err, "%s", out)
		return strings.Split(strings.TrimSpace(string(out)), "\n")
	}
	count := func(lines []string, word string) int {
		n := 0
		for _, l := range lines {
			if strings.Contains(l, word) {
				n++
			}
		}
		return n
	}
	status := migrate()
	require.Equal(t, len(status), count(status, "pending"), "%q", status)
	require.Equal(t, len(status), count(migrate("up"), " applied "))
	down := migrate("down", "3")
	require.Equal(t, 3, count(down, " applied "), "%q", down)
	require.Equal(t, len(status)-3, count(down, "pending"), "%q", down)

	h := newDurHarness(t, bin)
	h.store = url
	h.start()
	require.Equal(t, len(status), count(migrate("status"), " applied "), "serve migrated the schema up")
}

// Ensure a second `epoxy serve` on the PostgreSQL schema another serves
// serves it too: a write acknowledged by one is read on the other, and a
// pagination token one issued is good on the other (they share its key).
func TestPostgres_TwoReplicasServeOneSchema(t *testing.T) {
	url := pgtest.URL(t)
	t.Parallel()
	bin := durBinary(t)
	a, b := newDurHarness(t, bin), newDurHarness(t, bin)
	a.store, b.store = url, url
	a.start()
	b.start()
	ctx := context.Background()
	for _, name := range []string{"w1", "w2", "w3"} {
		_, err := a.client.CreateWorkflow(ctx, &glue.CreateWorkflowInput{Name: aws.String(name)})
		require.NoError(t, err)
	}
	got, err := b.client.GetWorkflow(ctx, &glue.GetWorkflowInput{Name: aws.String("w2")})
	require.NoError(t, err, "a write acknowledged by one replica is read on the other")
	require.Equal(t, "w2", aws.ToString(got.Workflow.Name))
	page, err := a.client.ListWorkflows(ctx, &glue.ListWorkflowsInput{MaxResults: aws.Int32(2)})
	require.NoError(t, err)
	require.NotNil(t, page.NextToken)
	rest, err := b.client.ListWorkflows(ctx, &glue.ListWorkflowsInput{MaxResults: aws.Int32(2), NextToken: page.NextToken})
	require.NoError(t, err, "a token from one replica is good on the other")
	require.Equal(t, []string{"w3"}, rest.Workflows)
}
