package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// logWriter sends the bench's progress lines to the test log.
type logWriter struct{ t *testing.T }

func (w logWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// Ensure the whole bench runs in --quick mode against a self-started Epoxy
// (and a self-started moto when moto_server is installed) and reports sane
// figures for every scenario, so that the command cannot rot.
func TestBench_Quick(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed; the orchestration scenario needs it")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	path := filepath.Join(t.TempDir(), "bench.json")
	args := []string{"--quick", "--json", path}
	_, motoErr := exec.LookPath("moto_server")
	withMoto := motoErr == nil
	if withMoto {
		args = append(args, "--start-moto")
	}
	var md bytes.Buffer
	require.NoError(t, run(ctx, args, &md, logWriter{t}))
	require.Contains(t, md.String(), "## Targets")

	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var rep report
	require.NoError(t, json.Unmarshal(b, &rep))
	require.Equal(t, scenarioNames, rep.Scenarios)
	require.Empty(t, rep.Errors)
	for _, s := range scenarioNames {
		require.True(t, slices.ContainsFunc(rep.Rows, func(r row) bool { return r.Scenario == s }), "no figures for scenario %s", s)
	}
	for _, r := range rep.Rows {
		requireSane(t, r)
	}
	require.Len(t, rep.Targets, 9)
	for _, m := range []struct{ measurement, metric string }{{idleGetLabel, "req/s"}, {busyGetLabel, "req/s"}, {keptLabel, "kept"}} {
		r := rep.find("api", m.measurement, m.metric)
		require.NotNil(t, r, "no %s figure for %s", m.metric, m.measurement)
		require.Nil(t, r.Peer, "only Epoxy runs jobs")
	}
	require.Empty(t, rep.find("api", busyGetLabel, "req/s").Note, "every CPU-bound job ran to the end of the measurement")
	if withMoto {
		get := rep.find("api", "GetWorkflow, 16 clients", "req/s")
		require.NotNil(t, get)
		require.NotNil(t, get.Peer, "moto was started but has no GetWorkflow figure")
		require.GreaterOrEqual(t, *get.Peer, 0.0)
	}
}

// requireSane checks one figure's shape: finite and not negative. It does
// not ask for a positive rate: on a busy machine a --quick measurement
// window may pass before one python job has started, and how fast the
// machine is must not decide whether the suite passes.
func requireSane(t *testing.T, r row) {
	t.Helper()
	what := r.Scenario + " / " + r.Measurement + " / " + r.Metric
	require.False(t, math.IsNaN(r.Epoxy) || math.IsInf(r.Epoxy, 0), what)
	require.GreaterOrEqual(t, r.Epoxy, 0.0, what)
	if r.Peer != nil {
		require.GreaterOrEqual(t, *r.Peer, 0.0, what)
	}
}
