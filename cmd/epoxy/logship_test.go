package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/executor"
	"github.com/epoxy-run/epoxy/internal/gluetest"
	"github.com/epoxy-run/epoxy/internal/logsapi"
	"github.com/epoxy-run/epoxy/internal/store/postgres"
	"github.com/epoxy-run/epoxy/internal/store/postgres/pgtest"
)

// Ensure the output of a job run on one node is readable from a node that
// does not have its files, on PostgreSQL: a job printing more than a
// chunk (thousands of lines and one line longer than a chunk) runs on
// `serve --store postgres` with data directory A; `epoxy logs` with data
// directory B prints exactly its stdout and stderr, and the Logs API over
// B's reader returns the same events, with the same timestamps, as A's
// Logs API reading the files.
func TestLogship_OutputReadableFromAnotherNode(t *testing.T) {
	url := pgtest.URL(t)
	t.Parallel()
	cfg := testConfig(t)
	var err error
	cfg.store, err = parseStore(url)
	require.NoError(t, err)
	b := setupWith(t, cfg)
	script := pyScript(t, t.TempDir(), "chatty", `
import sys
for i in range(3000):
    print("line %d" % i)
sys.stdout.flush()
print("x" * 300000)
print("to stderr", file=sys.stderr)
print("done")
`)
	scriptJob(t, b, "chatty", script)
	id := startJobRun(t, b, &glue.StartJobRunInput{JobName: aws.String("chatty")})
	waitJobRunState(t, b, "chatty", id, types.JobRunStateSucceeded, 2*time.Minute)

	ctx := context.Background()
	st, err := postgres.OpenUnmigrated(ctx, url)
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	dirB := t.TempDir()
	remote := logReader(dirB, st)
	gluetest.Eventually(t, time.Minute, func() bool {
		for _, s := range []string{"stdout", "stderr"} {
			if info, err := remote.Info(ctx, id, s); err != nil || !info.Ended {
				return false
			}
		}
		return true
	}, "the output of %s is shipped whole", id)

	for _, s := range []string{"stdout", "stderr"} {
		want, err := os.ReadFile(filepath.Join(executor.LogDir(cfg.DataDir, id), s))
		require.NoError(t, err)
		out, _, err := runCLI(t, "logs", "--data", dirB, "--store", url, "--stream", s, id)
		require.NoError(t, err)
		require.Equal(t, string(want), out, "epoxy logs --stream %s from another data directory", s)
		out, _, err = runCLI(t, "logs", "--data", dirB, "--store", url, "--stream", s, "--follow", id)
		require.NoError(t, err)
		require.Equal(t, string(want), out, "--follow ends at the final chunk")
	}
	_, _, err = runCLI(t, "logs", "--data", dirB, id)
	require.ErrorContains(t, err, "no logs for job run", "without --store, B has no output of the run")

	nodeB := httptest.NewServer(logsapi.New(logsapi.Config{Runs: logsapi.StoreRuns{Store: st}, Lines: jobLines(remote),
		Region: cfg.Region, Account: cfg.AccountID, Clock: systemClock{}}))
	t.Cleanup(nodeB.Close)
	for _, group := range []string{"/aws-glue/python-jobs/output", "/aws-glue/python-jobs/error"} {
		onA, onB := logEvents(t, b.url, group, id), logEvents(t, nodeB.URL, group, id)
		require.NotEmpty(t, onA)
		require.True(t, slices.Equal(onA, onB), "events of %s differ: %d on A, %d on B", group, len(onA), len(onB))
	}
	// 3000 lines, the long one in two events (as MaxLineBytes splits it), "done".
	require.Equal(t, 3003, len(logEvents(t, nodeB.URL, "/aws-glue/python-jobs/output", id)))
}

// logEvent is an event of GetLogEvents.
type logEvent struct {
	Timestamp int64  `json:"timestamp"`
	Message   string `json:"message"`
}

// logEvents returns every event of a log stream, through GetLogEvents from
// the head, following the forward token until it stops moving.
func logEvents(t *testing.T, endpoint, group, stream string) []logEvent {
	t.Helper()
	var all []logEvent
	token := ""
	for {
		in := map[string]any{"logGroupName": group, "logStreamName": stream, "startFromHead": true}
		if token != "" {
			in["nextToken"] = token
		}
		body, _ := json.Marshal(in)
		req, err := http.NewRequest(http.MethodPost, endpoint+"/", bytes.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("X-Amz-Target", logsapi.TargetPrefix+".GetLogEvents")
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		var out struct {
			Events           []logEvent `json:"events"`
			NextForwardToken string     `json:"nextForwardToken"`
		}
		err = json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		all = append(all, out.Events...)
		if out.NextForwardToken == token || len(out.Events) == 0 {
			return all
		}
		token = out.NextForwardToken
	}
}
