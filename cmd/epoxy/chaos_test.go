package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"
)

// chaosScript appends "start <job> <job-run-id> <pid> <workflow-run-id>"
// to the start ledger before its work and "<job> <job-run-id>
// <workflow-run-id>" to the done ledger after it, each with one O_APPEND
// write: what really executed, independently of what Epoxy records.
const chaosScript = ledgerPrelude + `job, run, wf = arg("JOB_NAME"), arg("JOB_RUN_ID"), arg("WORKFLOW_RUN_ID")
append(%q, "start %%s %%s %%d %%s" %% (job, run, os.getpid(), wf))
time.sleep(float(arg("SLEEP") or "0.05"))
append(%q, "%%s %%s %%s" %% (job, run, wf))
`

// chaosNodes is the DAG every run executes: a → (b, c) → d (AND) → e.
var chaosNodes = []string{"a", "b", "c", "d", "e"}

// Ensure that under repeated kill -9 of `epoxy serve` at random moments
// while many workflow runs execute real job processes, every run completes,
// every node of every run executes exactly once (the ledger the jobs write
// says so, and the API agrees), statistics equal the graph, and every
// create the server acknowledged is still there. The kill moments are
// random but chosen by events (the ledger growing by a random number of
// lines), never by durations.
func TestChaos_KillDuringManyRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("kills real servers running real jobs")
	}
	t.Parallel()
	runs, kills := chaosSize("EPOXY_CHAOS_RUNS", 10), chaosSize("EPOXY_CHAOS_KILLS", 8)
	h := newDurHarness(t, durBinary(t))
	require.NoError(t, os.WriteFile(h.script, []byte(fmt.Sprintf(chaosScript, h.startLog, h.doneLog)), 0o644))
	h.start()
	chaosWorkflow(h)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	t.Logf("%d runs of a %d-node DAG, %d kills at random ledger sizes", runs, len(chaosNodes), kills)

	var ids []string
	for i := 0; i < runs; i++ {
		out, err := h.client.StartWorkflowRun(context.Background(), &glue.StartWorkflowRunInput{Name: aws.String("chaos")})
		require.NoError(t, err)
		ids = append(ids, aws.ToString(out.RunId))
	}
	acked := &ackedCreates{}
	for k := 0; k < kills; k++ {
		stop := acked.createWhileRunning(h)
		target := len(durLines(h.startLog)) + len(durLines(h.doneLog)) + 1 + rng.IntN(8)
		h.waitFor("the ledger to grow", 2*time.Minute, func() bool {
			return len(durLines(h.startLog))+len(durLines(h.doneLog)) >= target || len(durLines(h.doneLog)) == runs*len(chaosNodes)
		})
		h.kill()
		stop()
		h.start()
	}
	for _, id := range ids {
		run := h.waitCompleted("chaos", id, 3*time.Minute)
		require.Equal(t, int32(len(chaosNodes)), aws.ToInt32(&run.Statistics.SucceededActions), "run %s: %+v", id, run.Statistics)
		require.Equal(t, int32(len(chaosNodes)), aws.ToInt32(&run.Statistics.TotalActions), "run %s: %+v", id, run.Statistics)
		for job, jrs := range durJobNodes(t, run) {
			require.Len(t, jrs, 1, "run %s node %s: %s", id, job, durDescribe(jrs))
			require.Equal(t, types.JobRunStateSucceeded, jrs[0].JobRunState, "run %s node %s: %s", id, job, durDescribe(jrs))
		}
	}
	requireLedgerExactlyOnce(t, h, ids)
	acked.requirePresent(h)
}

// chaosSize reads a size of the chaos test from the environment, for longer
// soak runs (EPOXY_CHAOS_RUNS=60 EPOXY_CHAOS_KILLS=25); the default suite
// uses def.
func chaosSize(env string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(env)); err == nil && n > 0 {
		return n
	}
	return def
}

// chaosWorkflow creates the DAG's jobs (no retries: any failure a crash
// caused would show) and triggers.
func chaosWorkflow(h *durHarness) {
	ctx := context.Background()
	_, err := h.client.CreateWorkflow(ctx, &glue.CreateWorkflowInput{Name: aws.String("chaos")})
	require.NoError(h.t, err)
	for _, n := range chaosNodes {
		_, err := h.client.CreateJob(ctx, &glue.CreateJobInput{Name: aws.String(n), Role: aws.String(runRole),
			Command:           &types.JobCommand{Name: aws.String("pythonshell"), ScriptLocation: aws.String(h.script)},
			ExecutionProperty: &types.ExecutionProperty{MaxConcurrentRuns: 100}})
		require.NoError(h.t, err)
	}
	h.onDemandStart("chaos", "start", "a")
	h.after("chaos", "after-a", []string{"a"}, "b", "c")
	h.after("chaos", "after-bc", []string{"b", "c"}, "d")
	h.after("chaos", "after-d", []string{"d"}, "e")
}

// requireLedgerExactlyOnce checks that every node of every run started and
// finished exactly once.
func requireLedgerExactlyOnce(t *testing.T, h *durHarness, ids []string) {
	t.Helper()
	starts, dones := map[string]int{}, map[string]int{}
	for _, l := range durLines(h.startLog) {
		f := strings.Fields(l)
		require.Len(t, f, 5, "start line %q", l)
		starts[f[4]+"/"+f[1]]++
	}
	for _, l := range durLines(h.doneLog) {
		f := strings.Fields(l)
		require.Len(t, f, 3, "done line %q", l)
		dones[f[2]+"/"+f[0]]++
	}
	twice := 0
	for _, id := range ids {
		for _, n := range chaosNodes {
			k := id + "/" + n
			if starts[k] != 1 || dones[k] != 1 {
				twice++
				t.Errorf("node %s executed %d times (finished %d)", k, starts[k], dones[k])
			}
		}
	}
	t.Logf("ledger: %d node executions, %d not exactly once", len(starts), twice)
}

// createsPerKill bounds the creates made between two kills.
const createsPerKill = 40

// ackedCreates remembers the workflows the server acknowledged creating
// while it was being killed.
type ackedCreates struct {
	mu    sync.Mutex
	names []string
	n     int
}

// createWhileRunning creates workflows in the background, at most
// createsPerKill of them, until the returned function is called (after the
// kill).
func (a *ackedCreates) createWhileRunning(h *durHarness) (stop func()) {
	client := h.client
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < createsPerKill; i++ {
			select {
			case <-done:
				return
			default:
			}
			a.mu.Lock()
			a.n++
			name := fmt.Sprintf("acked-%d", a.n)
			a.mu.Unlock()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			_, err := client.CreateWorkflow(ctx, &glue.CreateWorkflowInput{Name: aws.String(name)}, func(o *glue.Options) { o.RetryMaxAttempts = 1 })
			cancel()
			if err != nil {
				return // the server is gone
			}
			a.mu.Lock()
			a.names = append(a.names, name)
			a.mu.Unlock()
		}
	}()
	return func() { close(done); wg.Wait() }
}

func (a *ackedCreates) requirePresent(h *durHarness) {
	h.t.Helper()
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, name := range a.names {
		_, err := h.client.GetWorkflow(context.Background(), &glue.GetWorkflowInput{Name: aws.String(name)})
		require.NoError(h.t, err, "acknowledged CreateWorkflow %s is kept", name)
	}
	h.t.Logf("%d acknowledged creates during the kills, all present", len(a.names))
}
