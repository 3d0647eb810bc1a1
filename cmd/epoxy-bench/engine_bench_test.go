package main

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/crawl"
	"github.com/epoxy-run/epoxy/internal/engine"
	"github.com/epoxy-run/epoxy/internal/executor"
	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
	"github.com/epoxy-run/epoxy/internal/store/sqlite"
)

// The benchmarks below run workflows of real python3 jobs through Epoxy's
// engine in this process (SQLite store, local executor), so that
// `go test -bench Engine -cpuprofile cpu.out` profiles the engine, and so
// that each hop can be split in two with a clock the API does not show:
//
//   - teardown: from the job's status file being written (its CompletedOn)
//     to the process being reaped: python3's own exit;
//   - epoxy: from the process being reaped to the dependent job run being
//     claimed (its StartedOn): Epoxy's part.

// reapClock wraps the executor and records when each job's process was
// seen to end.
type reapClock struct {
	engine.Executor
	mu     sync.Mutex
	reaped map[string]time.Time
}

func (x *reapClock) Start(ctx context.Context, spec *glue.RunSpec) (glue.Process, error) {
	p, err := x.Executor.Start(ctx, spec)
	if err != nil {
		return nil, err
	}
	return &reapedProcess{Process: p, done: make(chan glue.ProcessResult, 1), id: spec.JobRunID, clock: x}, nil
}

// reapedProcess forwards a process's end, noting when it came.
type reapedProcess struct {
	glue.Process
	done  chan glue.ProcessResult
	once  sync.Once
	id    string
	clock *reapClock
}

func (p *reapedProcess) Done() <-chan glue.ProcessResult {
	p.once.Do(func() {
		go func() {
			res := <-p.Process.Done()
			p.clock.mu.Lock()
			p.clock.reaped[p.id] = time.Now()
			p.clock.mu.Unlock()
			p.done <- res
		}()
	})
	return p.done
}

type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

// engineHarness is an engine on a temporary data directory.
type engineHarness struct {
	engine *engine.Engine
	store  store.Store
	clock  *reapClock
	script string
}

func newEngineHarness(b *testing.B) *engineHarness {
	b.Helper()
	ctx, dir := context.Background(), b.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "epoxy.db"))
	require.NoError(b, err)
	local, err := executor.NewLocal(executor.Config{DataDir: dir, Python: resolvePython(ctx)})
	require.NoError(b, err)
	clock := &reapClock{Executor: local, reaped: map[string]time.Time{}}
	e, err := engine.New(engine.Config{Store: st, Executor: clock, Crawler: &crawl.Crawler{}, Clock: wallClock{}})
	require.NoError(b, err)
	require.NoError(b, e.Start(ctx))
	b.Cleanup(func() { _ = e.Close(); _ = st.Close() })
	script := filepath.Join(dir, "job.py")
	require.NoError(b, os.WriteFile(script, []byte("pass\n"), 0o644))
	return &engineHarness{engine: e, store: st, clock: clock, script: script}
}

// define stores the DAG's workflow, jobs and (activated) triggers.
func (h *engineHarness) define(b *testing.B, d *dag) {
	b.Helper()
	ctx := context.Background()
	require.NoError(b, h.store.Update(ctx, func(tx store.Tx) error {
		if err := tx.Workflows().Insert(ctx, d.workflow, &glue.Workflow{Name: d.workflow}); err != nil {
			return err
		}
		for _, j := range d.jobs {
			job := &glue.Job{Name: j, Command: glue.JobCommand{Name: glue.CommandPythonShell, ScriptLocation: h.script},
				ExecutionProperty: &glue.ExecutionProperty{MaxConcurrentRuns: 1000}}
			if err := tx.Jobs().Insert(ctx, j, job); err != nil {
				return err
			}
		}
		for _, t := range d.triggers {
			if err := tx.Triggers().Insert(ctx, t.name, storedTrigger(d.workflow, t)); err != nil {
				return err
			}
		}
		return nil
	}))
}

func storedTrigger(workflow string, t trigger) *glue.Trigger {
	g := &glue.Trigger{Name: t.name, WorkflowName: workflow, ID: glue.NewID("tr"), Type: glue.TriggerOnDemand, State: glue.TriggerActivated}
	for _, j := range t.jobs {
		g.Actions = append(g.Actions, glue.Action{JobName: j})
	}
	if len(t.after) > 0 {
		g.Type, g.Predicate = glue.TriggerConditional, &glue.Predicate{Logical: glue.LogicalAnd}
		for _, j := range t.after {
			g.Predicate.Conditions = append(g.Predicate.Conditions, glue.Condition{JobName: j, State: string(glue.JobRunSucceeded)})
		}
	}
	return g
}

// run runs the workflow to completion and returns its job runs by job.
func (h *engineHarness) run(b *testing.B, workflow string) map[string]*glue.JobRunRecord {
	b.Helper()
	ctx := context.Background()
	id, err := h.engine.StartWorkflowRun(ctx, workflow, nil)
	require.NoError(b, err)
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(20 * time.Millisecond) {
		var status glue.WorkflowRunStatus
		require.NoError(b, h.store.View(ctx, func(tx store.Tx) error {
			r, err := tx.WorkflowRuns().Get(ctx, workflow, id)
			if err == nil {
				status = r.Run.Status
			}
			return err
		}))
		if status != glue.WorkflowRunRunning {
			break
		}
		require.True(b, time.Now().Before(deadline), "run %s did not end", id)
	}
	byJob := map[string]*glue.JobRunRecord{}
	require.NoError(b, h.store.View(ctx, func(tx store.Tx) error {
		runs, err := tx.JobRuns().OfWorkflowRun(ctx, id)
		for _, r := range runs {
			byJob[r.JobRun.JobName] = r
		}
		return err
	}))
	return byJob
}

// split returns a job's hop in two: its last predecessor's teardown and
// Epoxy's part.
func (h *engineHarness) split(d *dag, runs map[string]*glue.JobRunRecord, job string) (teardown, epoxy time.Duration) {
	h.clock.mu.Lock()
	defer h.clock.mu.Unlock()
	var last *glue.JobRunRecord
	for _, p := range d.preds[job] {
		if r := runs[p]; last == nil || h.clock.reaped[r.JobRun.ID].After(h.clock.reaped[last.JobRun.ID]) {
			last = r
		}
	}
	reaped := h.clock.reaped[last.JobRun.ID]
	return reaped.Sub(last.JobRun.CompletedOn.Time), runs[job].JobRun.StartedOn.Sub(reaped)
}

func benchmarkEngine(b *testing.B, build func(workflow string) *dag) {
	h := newEngineHarness(b)
	var teardowns, epoxys []time.Duration
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		d := build(b.Name() + "-" + count(i))
		h.define(b, d)
		b.StartTimer()
		runs := h.run(b, d.workflow)
		require.Len(b, runs, len(d.jobs))
		for _, j := range d.jobs {
			if len(d.preds[j]) > 0 {
				td, ep := h.split(d, runs, j)
				teardowns, epoxys = append(teardowns, td), append(epoxys, ep)
			}
		}
	}
	b.ReportMetric(msOf(percentile(teardowns, 50)), "teardown-p50-ms")
	b.ReportMetric(msOf(percentile(epoxys, 50)), "epoxy-p50-ms")
	b.ReportMetric(msOf(percentile(epoxys, 99)), "epoxy-p99-ms")
}

// BenchmarkEngineChain runs a chain of 50 python3 jobs.
func BenchmarkEngineChain(b *testing.B) {
	benchmarkEngine(b, func(wf string) *dag { return chainsDAG(wf, 1, 50) })
}

// BenchmarkEngineFan runs a fan-out/fan-in DAG of 100 python3 jobs.
func BenchmarkEngineFan(b *testing.B) {
	benchmarkEngine(b, func(wf string) *dag { return fanDAG(wf, 100) })
}
