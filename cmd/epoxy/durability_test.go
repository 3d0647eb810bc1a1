package main

// Durability tests (issue 3, "Durability"): the real `epoxy serve` binary is
// killed with SIGKILL while a workflow run executes real python3 job
// processes, restarted on the same data directory, and the run must go on to
// COMPLETED with every node run exactly once, as the restart policy in
// internal/engine/recover.go promises.
//
// Every job is the same small script. It appends "start <job> <run-id> <pid>
// <unix-time>" to start.log when it begins and "<job> <run-id> <unix-time>" to
// done.log when it has slept its --SLEEP seconds and found its --GATE file
// (when it has one), each line with one O_APPEND write, so the test knows what really executed, independently of what Epoxy
// recorded.

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/gluetest"
)

// ledgerPrelude is the start of the ledger job scripts: arg reads a
// Glue-style --NAME argument, append writes one line with one O_APPEND
// write (so concurrent jobs never interleave). It holds no %, so the
// scripts built on it stay fmt formats.
const ledgerPrelude = `import os, sys, time


def arg(name):
    args = sys.argv[1:]
    for i, a in enumerate(args):
        if a == "--" + name and i + 1 < len(args):
            return args[i + 1]
    return ""


def append(path, line):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.write(fd, (line + "\n").encode())
    finally:
        os.close(fd)

`

// durScript is the job script; %q placeholders are the two log files.
const durScript = ledgerPrelude + `START_LOG = %q
DONE_LOG = %q
name, run = arg("JOB_NAME"), arg("JOB_RUN_ID")
append(START_LOG, "start %%s %%s %%d %%.6f" %% (name, run, os.getpid(), time.time()))
time.sleep(float(arg("SLEEP") or "0.4"))
while arg("GATE") and not os.path.exists(arg("GATE")):
    time.sleep(0.02)
append(DONE_LOG, "%%s %%s %%.6f" %% (name, run, time.time()))
`

// durBinary returns the epoxy binary built from ./cmd/epoxy (the test's
// working directory). It is built once per test process and shared: every
// test that runs the real binary runs the same one.
func durBinary(t *testing.T) string {
	t.Helper()
	builtOnce.Do(func() {
		dir, err := os.MkdirTemp("", "epoxy-test-bin")
		if err != nil {
			builtErr = err
			return
		}
		builtDir, builtBin = dir, filepath.Join(dir, "epoxy")
		if out, err := exec.Command("go", "build", "-o", builtBin, ".").CombinedOutput(); err != nil {
			builtErr = fmt.Errorf("go build: %w\n%s", err, out)
		}
	})
	require.NoError(t, builtErr)
	return builtBin
}

var (
	builtOnce          sync.Once
	builtDir, builtBin string
	builtErr           error
)

// TestMain removes the shared binary after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if builtDir != "" {
		_ = os.RemoveAll(builtDir)
	}
	os.Exit(code)
}

// durHarness is one test's data directory, job logs, and the epoxy servers
// it started (one at a time).
type durHarness struct {
	t        *testing.T
	bin      string
	dir      string // scratch: scripts and logs
	data     string // epoxy's --data
	store    string // epoxy's --store; "" for SQLite in data
	script   string
	startLog string
	doneLog  string
	srvLog   string
	srv      *exec.Cmd
	exited   chan struct{}
	url      string
	client   *glue.Client
}

func newDurHarness(t *testing.T, bin string) *durHarness {
	t.Helper()
	dir := t.TempDir()
	h := &durHarness{t: t, bin: bin, dir: dir, data: filepath.Join(dir, "data"),
		script: filepath.Join(dir, "job.py"), startLog: filepath.Join(dir, "start.log"),
		doneLog: filepath.Join(dir, "done.log"), srvLog: filepath.Join(dir, "server.log")}
	require.NoError(t, os.WriteFile(h.script, []byte(fmt.Sprintf(durScript, h.startLog, h.doneLog)), 0o644))
	// Cleanups run last-in first-out, so this runs before t.TempDir's removal:
	// no server or job process is left writing into the directory.
	t.Cleanup(func() {
		h.kill()
		h.killJobs()
		if t.Failed() {
			if b, err := os.ReadFile(h.srvLog); err == nil {
				t.Logf("server log:\n%s", b)
			}
			for _, f := range []string{h.startLog, h.doneLog} {
				if b, err := os.ReadFile(f); err == nil {
					t.Logf("%s:\n%s", filepath.Base(f), b)
				}
			}
		}
	})
	return h
}

// start starts `epoxy serve` on a free port and waits for /healthz.
func (h *durHarness) start() {
	t := h.t
	t.Helper()
	require.Nil(t, h.srv, "a server is already running")
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		addr := durFreeAddr(t)
		logf, err := os.OpenFile(h.srvLog, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		require.NoError(t, err)
		fmt.Fprintf(logf, "---- epoxy serve --addr %s (%s)\n", addr, time.Now().Format(time.RFC3339Nano))
		cmd := exec.Command(h.bin, "serve", "--addr", addr, "--data", h.data, "--log-level", "debug", "--store", h.store)
		cmd.Stdout, cmd.Stderr = logf, logf
		cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test")
		err = cmd.Start()
		logf.Close()
		require.NoError(t, err)
		exited := make(chan struct{})
		go func() { _ = cmd.Wait(); close(exited) }()
		h.srv, h.exited, h.url = cmd, exited, "http://"+addr
		if lastErr = h.waitHealthy(); lastErr == nil {
			h.client = newClient(h.url, "us-east-1")
			return
		}
		h.kill() // e.g. the port was taken meanwhile; try another
	}
	require.NoError(t, lastErr, "epoxy serve did not become healthy")
}

func (h *durHarness) waitHealthy() error {
	hc := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		select {
		case <-h.exited:
			return fmt.Errorf("epoxy serve exited during start-up")
		default:
		}
		if resp, err := hc.Get(h.url + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("no healthy answer from %s/healthz within a minute", h.url)
}

// kill sends SIGKILL to the running server and waits for it to exit. Job
// processes it started are in their own process groups and keep running.
func (h *durHarness) kill() {
	if h.srv == nil {
		return
	}
	_ = h.srv.Process.Kill()
	select {
	case <-h.exited:
	case <-time.After(time.Minute):
		h.t.Errorf("epoxy serve (pid %d) did not exit after SIGKILL", h.srv.Process.Pid)
	}
	h.srv, h.exited, h.client = nil, nil, nil
}

// killJobs kills the process group of every job process this test started
// that may still run (a process group is only signalled while its leader is
// still this test's job script, so a reused pid is never hit).
func (h *durHarness) killJobs() {
	for _, l := range durLines(h.startLog) {
		f := strings.Fields(l)
		if len(f) != 5 {
			continue
		}
		pid, err := strconv.Atoi(f[3])
		if err != nil || pid <= 1 {
			continue
		}
		if cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid)); err == nil &&
			strings.Contains(string(cmdline), h.script) {
			_ = syscall.Kill(-pid, syscall.SIGKILL)
		}
	}
}

func durFreeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// durLines returns the complete lines of a log file (none if it is missing).
func durLines(path string) []string {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	s := string(b)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	} else {
		return nil
	}
	return strings.Split(s, "\n")
}

// jobStart is one execution of the job script, from start.log.
type jobStart struct {
	job, run string
	pid      int
	at       float64 // unix seconds
}

func (h *durHarness) starts() []jobStart {
	var out []jobStart
	for _, l := range durLines(h.startLog) {
		f := strings.Fields(l)
		if len(f) == 5 && f[0] == "start" {
			pid, _ := strconv.Atoi(f[3])
			at, _ := strconv.ParseFloat(f[4], 64)
			out = append(out, jobStart{f[1], f[2], pid, at})
		}
	}
	return out
}

// dones returns, per job run id, the job names that completed under it.
func (h *durHarness) dones() map[string][]string {
	out := map[string][]string{}
	for _, l := range durLines(h.doneLog) {
		f := strings.Fields(l)
		if len(f) == 3 {
			out[f[1]] = append(out[f[1]], f[0])
		}
	}
	return out
}

// doneAt returns when the script of a job run completed (unix seconds), or 0.
func (h *durHarness) doneAt(runID string) float64 {
	for _, l := range durLines(h.doneLog) {
		f := strings.Fields(l)
		if len(f) == 3 && f[1] == runID {
			at, _ := strconv.ParseFloat(f[2], 64)
			return at
		}
	}
	return 0
}

// waitFor polls cond until it holds, failing after timeout.
func (h *durHarness) waitFor(what string, timeout time.Duration, cond func() bool) {
	h.t.Helper()
	gluetest.Eventually(h.t, timeout, cond, "%s", what)
}

// job creates a job whose runs sleep for sleep seconds.
func (h *durHarness) job(name string, sleep float64) {
	h.t.Helper()
	h.jobWith(name, map[string]string{"--SLEEP": strconv.FormatFloat(sleep, 'f', 2, 64)})
}

// gatedJob creates a job whose runs end once the file gate exists.
func (h *durHarness) gatedJob(name, gate string) {
	h.t.Helper()
	h.jobWith(name, map[string]string{"--SLEEP": "0", "--GATE": gate})
}

func (h *durHarness) jobWith(name string, args map[string]string) {
	h.t.Helper()
	_, err := h.client.CreateJob(context.Background(), &glue.CreateJobInput{
		Name: aws.String(name), Role: aws.String("arn:aws:iam::123456789012:role/glue"),
		Command:          &types.JobCommand{Name: aws.String("pythonshell"), ScriptLocation: aws.String(h.script)},
		DefaultArguments: args,
		// A run that the restart policy fails (its process was lost) is retried.
		MaxRetries: 1,
	})
	require.NoError(h.t, err)
}

func (h *durHarness) trigger(in *glue.CreateTriggerInput) {
	h.t.Helper()
	_, err := h.client.CreateTrigger(context.Background(), in)
	require.NoError(h.t, err)
}

// after is a CONDITIONAL trigger, started on creation, that starts target
// when every job in watched has SUCCEEDED.
func (h *durHarness) after(workflow, name string, watched []string, targets ...string) {
	h.t.Helper()
	var conds []types.Condition
	for _, w := range watched {
		conds = append(conds, types.Condition{LogicalOperator: types.LogicalOperatorEquals, JobName: aws.String(w), State: types.JobRunStateSucceeded})
	}
	var actions []types.Action
	for _, a := range targets {
		actions = append(actions, types.Action{JobName: aws.String(a)})
	}
	h.trigger(&glue.CreateTriggerInput{Name: aws.String(name), WorkflowName: aws.String(workflow), Type: types.TriggerTypeConditional,
		StartOnCreation: true, Predicate: &types.Predicate{Logical: types.LogicalAnd, Conditions: conds}, Actions: actions})
}

func (h *durHarness) onDemandStart(workflow, name, target string) {
	h.t.Helper()
	h.trigger(&glue.CreateTriggerInput{Name: aws.String(name), WorkflowName: aws.String(workflow), Type: types.TriggerTypeOnDemand,
		Actions: []types.Action{{JobName: aws.String(target)}}})
}

func (h *durHarness) getRun(workflow, runID string) *types.WorkflowRun {
	h.t.Helper()
	out := durRead(h, func() (*glue.GetWorkflowRunOutput, error) {
		return h.client.GetWorkflowRun(context.Background(), &glue.GetWorkflowRunInput{
			Name: aws.String(workflow), RunId: aws.String(runID), IncludeGraph: aws.Bool(true)})
	})
	return out.Run
}

// durRead makes a read-only call, repeating it when it failed with
// net.ErrClosed. That is a client-side race in aws-sdk-go-v2/smithy-go, not
// an Epoxy fault: the SDK closes the request body as soon as the response
// headers arrive, while net/http's writeLoop may still be checking the body
// for EOF; the failed check closes the connection under the response body
// being read (aws/aws-sdk-go-v2#2737, whose fix is to retry net.ErrClosed,
// which the SDK's retryer applies; this helper retries read calls on its own
// too, with more attempts). It hits responses larger
// than the transport's read buffer, such as a run graph.
func durRead[T any](h *durHarness, call func() (T, error)) T {
	h.t.Helper()
	for attempt := 1; ; attempt++ {
		out, err := call()
		if err == nil {
			return out
		}
		if !errors.Is(err, net.ErrClosed) || attempt == 5 {
			require.NoError(h.t, err, "server: %s", h.serverState())
		}
	}
}

// serverState says whether the current server is still running.
func (h *durHarness) serverState() string {
	if h.srv == nil {
		return "none started"
	}
	select {
	case <-h.exited:
		return fmt.Sprintf("pid %d exited: %v", h.srv.Process.Pid, h.srv.ProcessState)
	case <-time.After(100 * time.Millisecond):
		return fmt.Sprintf("pid %d running", h.srv.Process.Pid)
	}
}

// waitCompleted polls GetWorkflowRun until the run is COMPLETED.
func (h *durHarness) waitCompleted(workflow, runID string, timeout time.Duration) *types.WorkflowRun {
	h.t.Helper()
	var run *types.WorkflowRun
	gluetest.Eventually(h.t, timeout, func() bool {
		run = h.getRun(workflow, runID)
		if run.Status == types.WorkflowRunStatusStopped || run.Status == types.WorkflowRunStatusError {
			h.t.Fatalf("workflow run %s ended %s: %s", runID, run.Status, aws.ToString(run.ErrorMessage))
		}
		return run.Status == types.WorkflowRunStatusCompleted
	}, "workflow run %s COMPLETED; last seen %s", runID, gluetest.Lazy(func() string {
		return fmt.Sprintf("%s, statistics %+v", run.Status, run.Statistics)
	}))
	return run
}

// durJobNodes returns the run graph's JOB nodes by job name.
func durJobNodes(t *testing.T, run *types.WorkflowRun) map[string][]types.JobRun {
	t.Helper()
	require.NotNil(t, run.Graph, "GetWorkflowRun with IncludeGraph returns the graph")
	out := map[string][]types.JobRun{}
	for _, n := range run.Graph.Nodes {
		if n.Type != types.NodeTypeJob {
			continue
		}
		var runs []types.JobRun
		if n.JobDetails != nil {
			runs = n.JobDetails.JobRuns
		}
		out[aws.ToString(n.Name)] = runs
	}
	return out
}

// durNodeOutcome checks one JOB node's runs: exactly one first attempt (its
// trigger fired once), every run but the last a FAILED attempt retried by the
// next (Attempt+1, PreviousRunId), the last SUCCEEDED. It returns the
// succeeded run and the failed attempts.
func durNodeOutcome(t *testing.T, job, trigger string, runs []types.JobRun) (types.JobRun, []types.JobRun) {
	t.Helper()
	require.NotEmpty(t, runs, "job node %s has no job run", job)
	byID := map[string]types.JobRun{}
	first := 0
	succeeded := 0
	for _, r := range runs {
		require.Equal(t, job, aws.ToString(r.JobName))
		byID[aws.ToString(r.Id)] = r
		if r.Attempt == 0 {
			first++
			require.Empty(t, aws.ToString(r.PreviousRunId), "first attempt of %s has a PreviousRunId", job)
		}
		if r.JobRunState == types.JobRunStateSucceeded {
			succeeded++
		}
		require.Equal(t, trigger, aws.ToString(r.TriggerName), "job run %s of %s was started by the wrong trigger", aws.ToString(r.Id), job)
	}
	require.Equal(t, 1, first, "job %s was started %d times in the run (a trigger fired twice, or a node started twice): %s", job, first, durDescribe(runs))
	require.Equal(t, 1, succeeded, "job %s has %d SUCCEEDED runs: %s", job, succeeded, durDescribe(runs))
	require.Len(t, byID, len(runs), "job run ids of %s are not unique", job)

	// Follow the attempt chain from the first attempt.
	var chain []types.JobRun
	next := map[string]types.JobRun{}
	for _, r := range runs {
		if p := aws.ToString(r.PreviousRunId); p != "" {
			_, dup := next[p]
			require.False(t, dup, "job run %s of %s was retried twice: %s", p, job, durDescribe(runs))
			require.Contains(t, byID, p, "retry %s of %s names a PreviousRunId outside the run", aws.ToString(r.Id), job)
			next[p] = r
		}
	}
	for _, r := range runs {
		if r.Attempt == 0 {
			chain = append(chain, r)
		}
	}
	for {
		cur := chain[len(chain)-1]
		n, ok := next[aws.ToString(cur.Id)]
		if !ok {
			break
		}
		require.Equal(t, cur.Attempt+1, n.Attempt, "retry of %s", job)
		chain = append(chain, n)
	}
	require.Len(t, chain, len(runs), "job %s has runs outside its attempt chain: %s", job, durDescribe(runs))
	last := chain[len(chain)-1]
	require.Equal(t, types.JobRunStateSucceeded, last.JobRunState, "final attempt of %s: %s", job, durDescribe(runs))
	for _, r := range chain[:len(chain)-1] {
		require.Equal(t, types.JobRunStateFailed, r.JobRunState, "a retried attempt of %s must be FAILED: %s", job, durDescribe(runs))
	}
	return last, chain[:len(chain)-1]
}

func durDescribe(runs []types.JobRun) string {
	var parts []string
	for _, r := range runs {
		parts = append(parts, fmt.Sprintf("{%s attempt=%d prev=%s %s %q}", aws.ToString(r.Id), r.Attempt,
			aws.ToString(r.PreviousRunId), r.JobRunState, aws.ToString(r.ErrorMessage)))
	}
	return strings.Join(parts, " ")
}

// checkExecutions compares what the scripts logged with the run graph: every
// SUCCEEDED job run executed exactly once, to completion, as its own job; no
// run id started twice; nothing ran that is not in the graph; a script that
// completed under a FAILED attempt is reported (the restart policy failed a
// run whose process had in fact run).
func (h *durHarness) checkExecutions(nodes map[string][]types.JobRun, succeeded map[string]types.JobRun) {
	t := h.t
	t.Helper()
	inGraph := map[string]types.JobRun{}
	for _, runs := range nodes {
		for _, r := range runs {
			inGraph[aws.ToString(r.Id)] = r
		}
	}
	startsByRun := map[string]int{}
	for _, s := range h.starts() {
		startsByRun[s.run]++
		r, ok := inGraph[s.run]
		require.True(t, ok, "job script %s executed under run id %s, which is not in the run graph", s.job, s.run)
		require.Equal(t, aws.ToString(r.JobName), s.job, "run id %s executed the wrong job", s.run)
	}
	dones := h.dones()
	for id, jobs := range dones {
		r, ok := inGraph[id]
		require.True(t, ok, "job script completed under run id %s, which is not in the run graph", id)
		require.Equal(t, []string{aws.ToString(r.JobName)}, jobs, "run id %s completed more than once or as the wrong job", id)
		// Every script succeeds, so a run whose script completed must be
		// SUCCEEDED: a restart may not take a started process for one that
		// never started (the executor's pid file covers that window).
		require.Equal(t, types.JobRunStateSucceeded, r.JobRunState, "job %s's script completed under run %s, recorded %s (%q)",
			aws.ToString(r.JobName), id, r.JobRunState, aws.ToString(r.ErrorMessage))
	}
	for job, r := range succeeded {
		id := aws.ToString(r.Id)
		require.Equal(t, 1, startsByRun[id], "SUCCEEDED run %s of %s: its script started %d times", id, job, startsByRun[id])
		require.Equal(t, []string{job}, dones[id], "SUCCEEDED run %s of %s: its script did not complete exactly once", id, job)
	}
	for id, n := range startsByRun {
		require.Equal(t, 1, n, "run id %s executed %d times", id, n)
	}
}

// TestDurability_KillDuringWorkflow kills `epoxy serve` with SIGKILL twice
// during a 20-node workflow run (once during the fan-out, once during the
// chain after the fan-in), restarts it on the same data directory each time,
// and checks that the run completes with every node run exactly once.
//
//	start (ON_DEMAND) → j00 → fanout → j01..j08 → fanin (AND) → j09 → t10 → j10 → … → t19 → j19
func TestDurability_KillDuringWorkflow(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the epoxy binary and real python3 jobs")
	}
	t.Parallel()
	began := time.Now()
	h := newDurHarness(t, durBinary(t))
	h.start()
	ctx := context.Background()

	const wf = "durable"
	_, err := h.client.CreateWorkflow(ctx, &glue.CreateWorkflowInput{Name: aws.String(wf)})
	require.NoError(t, err)
	jobs := make([]string, 20)
	for i := range jobs {
		jobs[i] = fmt.Sprintf("j%02d", i)
		h.job(jobs[i], 0.05+float64((i*7)%4)*0.05) // 0.05 .. 0.2 s
	}
	// trigger[j] is the trigger that starts job j.
	trigger := map[string]string{"j00": "start"}
	h.onDemandStart(wf, "start", "j00")
	h.after(wf, "fanout", []string{"j00"}, jobs[1:9]...)
	for _, j := range jobs[1:9] {
		trigger[j] = "fanout"
	}
	h.after(wf, "fanin", jobs[1:9], "j09")
	trigger["j09"] = "fanin"
	for i := 10; i < 20; i++ {
		name := fmt.Sprintf("t%02d", i)
		h.after(wf, name, []string{jobs[i-1]}, jobs[i])
		trigger[jobs[i]] = name
	}

	started, err := h.client.StartWorkflowRun(ctx, &glue.StartWorkflowRunInput{Name: aws.String(wf)})
	require.NoError(t, err)
	runID := aws.ToString(started.RunId)

	// Kill during the fan-out: j00 and two fan-out jobs have finished, others
	// are running (or about to).
	h.waitFor("3 finished jobs", runWait, func() bool { return len(durLines(h.doneLog)) >= 3 })
	require.Less(t, len(durLines(h.doneLog)), 20)
	t.Logf("kill -9 #1 after %d finished jobs (%s)", len(durLines(h.doneLog)), time.Since(began).Round(time.Millisecond))
	h.kill()
	h.start()
	require.Equal(t, types.WorkflowRunStatusRunning, h.getRun(wf, runID).Status, "the run goes on after a restart")

	// Kill during the chain after the fan-in.
	h.waitFor("13 finished jobs", runWait, func() bool { return len(durLines(h.doneLog)) >= 13 })
	require.Less(t, len(durLines(h.doneLog)), 20)
	t.Logf("kill -9 #2 after %d finished jobs (%s)", len(durLines(h.doneLog)), time.Since(began).Round(time.Millisecond))
	h.kill()
	h.start()

	run := h.waitCompleted(wf, runID, runWait)
	t.Logf("run COMPLETED after %s", time.Since(began).Round(time.Millisecond))
	require.NotNil(t, run.CompletedOn)

	nodes := durJobNodes(t, run)
	require.Len(t, nodes, 20, "20 job nodes in the run graph")
	succeeded := map[string]types.JobRun{}
	failedAttempts := 0
	for _, j := range jobs {
		last, failed := durNodeOutcome(t, j, trigger[j], nodes[j])
		succeeded[j] = last
		failedAttempts += len(failed)
		for _, f := range failed {
			started := slices.ContainsFunc(h.starts(), func(s jobStart) bool { return s.run == aws.ToString(f.Id) })
			t.Logf("job %s: attempt %s FAILED by the restart policy and retried: %q (its script started: %v, completed: %v)",
				j, aws.ToString(f.Id), aws.ToString(f.ErrorMessage), started, h.doneAt(aws.ToString(f.Id)) > 0)
		}
	}

	// Statistics count each node's final attempt only.
	st := run.Statistics
	require.NotNil(t, st)
	require.Equal(t, types.WorkflowRunStatistics{TotalActions: 20, SucceededActions: 20}, *st,
		"statistics (%d failed attempts were retried)", failedAttempts)
	require.Zero(t, failedAttempts, "a crash of Epoxy is never counted as a failure of the job (the start fence)")

	// Each trigger fired once, with the final runs it watched as predecessors.
	wantPred := map[string][]string{"j09": jobs[1:9]}
	for _, j := range jobs[1:9] {
		wantPred[j] = []string{"j00"}
	}
	for i := 10; i < 20; i++ {
		wantPred[jobs[i]] = []string{jobs[i-1]}
	}
	for j, preds := range wantPred {
		var want, got []string
		for _, p := range preds {
			want = append(want, p+"/"+aws.ToString(succeeded[p].Id))
		}
		for _, p := range succeeded[j].PredecessorRuns {
			got = append(got, aws.ToString(p.JobName)+"/"+aws.ToString(p.RunId))
		}
		slices.Sort(want)
		slices.Sort(got)
		require.Equal(t, want, got, "PredecessorRuns of %s", j)
	}

	// No job run outside the workflow run graph.
	for _, j := range jobs {
		out := durRead(h, func() (*glue.GetJobRunsOutput, error) {
			return h.client.GetJobRuns(ctx, &glue.GetJobRunsInput{JobName: aws.String(j)})
		})
		var got, want []string
		for _, r := range out.JobRuns {
			got = append(got, aws.ToString(r.Id))
		}
		for _, r := range nodes[j] {
			want = append(want, aws.ToString(r.Id))
		}
		require.ElementsMatch(t, want, got, "GetJobRuns(%s) and the run graph disagree", j)
	}

	h.checkExecutions(nodes, succeeded)
}

// TestDurability_KillWhileJobRunning kills the server while a job runs,
// held by a gate file the test opens. The job's process outlives the server; the restarted server adopts
// it, whether it is still running at the restart or ended while no server
// was up (its bootstrap left its exit status): the job run ends SUCCEEDED,
// as one attempt, and the trigger watching it fires once.
func TestDurability_KillWhileJobRunning(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the epoxy binary and real python3 jobs")
	}
	t.Parallel()
	bin := durBinary(t)
	for _, tc := range []struct {
		name         string
		finishWhenUp bool // restart before the job ends
	}{
		{"RestartedBeforeJobEnds", true},
		{"JobEndsWhileServerDown", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newDurHarness(t, bin)
			h.start()
			ctx := context.Background()
			const wf = "adopt"
			_, err := h.client.CreateWorkflow(ctx, &glue.CreateWorkflowInput{Name: aws.String(wf)})
			require.NoError(t, err)
			gate := filepath.Join(t.TempDir(), "gate")
			h.gatedJob("long", gate)
			h.job("next", 0.3)
			h.onDemandStart(wf, "start", "long")
			h.after(wf, "then", []string{"long"}, "next")

			started, err := h.client.StartWorkflowRun(ctx, &glue.StartWorkflowRunInput{Name: aws.String(wf)})
			require.NoError(t, err)
			runID := aws.ToString(started.RunId)

			h.waitFor("the long job to start", runWait, func() bool { return len(h.starts()) >= 1 })
			long := h.starts()[0]
			require.Equal(t, "long", long.job)
			h.kill()
			require.True(t, durProcessRunning(long.pid), "the job's process outlives the server")

			if tc.finishWhenUp {
				h.start()
				require.True(t, durProcessRunning(long.pid), "the job waits for its gate")
				require.Empty(t, h.dones(), "the job is still running")
				gluetest.OpenGate(t, gate)
			} else {
				gluetest.OpenGate(t, gate)
				h.waitFor("the long job to end", runWait, func() bool { return !durProcessRunning(long.pid) })
				require.Equal(t, map[string][]string{long.run: {"long"}}, h.dones())
				h.start()
			}

			run := h.waitCompleted(wf, runID, runWait)
			nodes := durJobNodes(t, run)
			require.Len(t, nodes, 2)
			lastLong, failed := durNodeOutcome(t, "long", "start", nodes["long"])
			require.Empty(t, failed, "the adopted run must not be failed and retried: %s", durDescribe(nodes["long"]))
			require.Equal(t, long.run, aws.ToString(lastLong.Id), "the run that executed is the one that SUCCEEDED")
			require.Equal(t, int32(0), lastLong.Attempt)
			require.Empty(t, aws.ToString(lastLong.ErrorMessage))
			lastNext, failed := durNodeOutcome(t, "next", "then", nodes["next"])
			require.Empty(t, failed)
			require.Len(t, lastNext.PredecessorRuns, 1)
			require.Equal(t, long.run, aws.ToString(lastNext.PredecessorRuns[0].RunId))
			require.Equal(t, types.WorkflowRunStatistics{TotalActions: 2, SucceededActions: 2}, *run.Statistics)

			got := durRead(h, func() (*glue.GetJobRunOutput, error) {
				return h.client.GetJobRun(ctx, &glue.GetJobRunInput{JobName: aws.String("long"), RunId: aws.String(long.run)})
			})
			require.Equal(t, types.JobRunStateSucceeded, got.JobRun.JobRunState)
			if jr := got.JobRun; jr.StartedOn != nil && jr.CompletedOn != nil {
				ended := time.Unix(0, int64(h.doneAt(long.run)*1e9))
				t.Logf("long: StartedOn %s, CompletedOn %s (script ended %s, %s earlier), ExecutionTime %d s",
					jr.StartedOn.Format(time.StampMilli), jr.CompletedOn.Format(time.StampMilli), ended.Format(time.StampMilli),
					jr.CompletedOn.Sub(ended).Round(time.Millisecond), jr.ExecutionTime)
			}
			h.checkExecutions(nodes, map[string]types.JobRun{"long": lastLong, "next": lastNext})
			require.Len(t, h.starts(), 2, "each job executed once")
		})
	}
}

// durProcessRunning reports whether pid is a live (not zombie) process.
func durProcessRunning(pid int) bool {
	f, err := os.Open(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	defer f.Close()
	line, _ := bufio.NewReader(f).ReadString('\n')
	i := strings.LastIndexByte(line, ')')
	if i < 0 {
		return false
	}
	fields := strings.Fields(line[i+1:])
	return len(fields) > 0 && fields[0] != "Z" && fields[0] != "X"
}
