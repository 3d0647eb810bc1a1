package engine

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/gluetest"
	"github.com/epoxy-run/epoxy/internal/service"
	"github.com/epoxy-run/epoxy/internal/store"
	"github.com/epoxy-run/epoxy/internal/store/sqlite"
	"github.com/stretchr/testify/require"
)

// The harness drives the transition core through the Dispatcher's runOnce
// with a fake clock and a fake executor whose processes the test ends by
// hand, in the manner of Nomad's scheduler harness: no python, no timers,
// exact assertions. A "crash" throws the Dispatcher away and builds a new
// Engine on the same store and the same (still running) fake processes.

// fakeProc is a job process that ends when the test says so.
type fakeProc struct {
	id      string
	pid     int
	done    chan glue.ProcessResult
	mu      sync.Mutex
	stopped bool
	ended   *glue.ProcessResult
}

func (p *fakeProc) PID() int                        { return p.pid }
func (p *fakeProc) StartTime() uint64               { return uint64(p.pid) }
func (p *fakeProc) Done() <-chan glue.ProcessResult { return p.done }

// Stop ends the process at once, as a process that honours SIGTERM does.
func (p *fakeProc) Stop(time.Duration) {
	p.mu.Lock()
	p.stopped = true
	p.mu.Unlock()
	p.finish(glue.ProcessResult{ExitCode: 143, Error: "the job's process was killed by signal terminated"})
}

// finish ends the process once; later calls do nothing.
func (p *fakeProc) finish(res glue.ProcessResult) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ended != nil {
		return false
	}
	p.ended = &res
	p.done <- res
	return true
}

// fakeExec starts fakeProcs and finds them again after a crash: a process
// it never started is glue.ErrNotStarted, as the local executor's fence
// proves it.
type fakeExec struct {
	mu     sync.Mutex
	procs  map[string]*fakeProc
	starts []string // job run ids, in start order
	fail   map[string]string
	nextID int
}

func newFakeExec() *fakeExec {
	return &fakeExec{procs: map[string]*fakeProc{}, fail: map[string]string{}, nextID: 1000}
}

func (x *fakeExec) Start(_ context.Context, spec *glue.RunSpec) (glue.Process, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if msg, ok := x.fail[spec.Job.Name]; ok {
		return nil, fmt.Errorf("%s", msg)
	}
	x.nextID++
	p := &fakeProc{id: spec.JobRunID, pid: x.nextID, done: make(chan glue.ProcessResult, 1)}
	x.procs[spec.JobRunID] = p
	x.starts = append(x.starts, spec.JobRunID)
	return p, nil
}

func (x *fakeExec) Reattach(spec *glue.RunSpec, _ int, _ uint64) (glue.Process, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	old := x.procs[spec.JobRunID]
	if old == nil {
		return nil, glue.ErrNotStarted
	}
	// A new handle on the same process, as a restarted server gets one.
	p := &fakeProc{id: old.id, pid: old.pid, done: make(chan glue.ProcessResult, 1)}
	old.mu.Lock()
	if old.ended != nil {
		p.ended = old.ended
		p.done <- *old.ended
	}
	old.mu.Unlock()
	x.procs[spec.JobRunID] = p
	return p, nil
}

func (x *fakeExec) proc(id string) *fakeProc {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.procs[id]
}

func (x *fakeExec) startCount(id string) int {
	x.mu.Lock()
	defer x.mu.Unlock()
	n := 0
	for _, s := range x.starts {
		if s == id {
			n++
		}
	}
	return n
}

// fakeCrawler finishes every crawl at once, finding one file.
type fakeCrawler struct{}

func (fakeCrawler) Crawl(context.Context, *glue.Crawler) (glue.CrawlResult, error) {
	return glue.CrawlResult{Files: 1, Folders: 1}, nil
}

type harness struct {
	t      *testing.T
	ctx    context.Context
	store  store.Store
	clock  *gluetest.Clock
	exec   *fakeExec
	engine *Engine
	stop   context.CancelFunc
	logs   *syncBuffer
}

// syncBuffer is a bytes.Buffer safe for the logger's concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "epoxy.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	h := &harness{t: t, ctx: context.Background(), store: st, exec: newFakeExec(), logs: &syncBuffer{},
		clock: gluetest.NewClock(time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))}
	h.engine = h.newEngine()
	return h
}

// newEngine builds an engine whose services are never started: the test
// calls their passes.
func (h *harness) newEngine() *Engine {
	e, err := New(Config{Store: h.store, Executor: h.exec, Crawler: fakeCrawler{}, Clock: h.clock,
		Logger: slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelInfo}))})
	require.NoError(h.t, err)
	ctx, cancel := context.WithCancel(context.Background())
	e.disp.ctx = ctx
	h.stop = cancel
	h.t.Cleanup(func() { cancel(); e.disp.wg.Wait() })
	return e
}

// crash throws the engine away without recording anything more, and starts
// a new one on the same store that recovers what the old one left.
func (h *harness) crash() {
	h.stop()
	h.engine.disp.wg.Wait()
	h.engine = h.newEngine()
	require.NoError(h.t, h.engine.disp.recover(h.engine.disp.ctx))
}

// pass runs one dispatcher pass.
func (h *harness) pass() {
	h.t.Helper()
	require.NoError(h.t, h.engine.disp.runOnce(h.ctx))
}

// passUntil runs passes until cond holds. Between passes it yields to the
// dispatcher's own goroutines (a stop, a crawl), which hand their ends over
// in memory; it fails after a generous bound, never on a duration.
func (h *harness) passUntil(what string, cond func() bool) {
	h.t.Helper()
	for i := 0; i < 10000; i++ {
		h.pass()
		if cond() {
			return
		}
		time.Sleep(time.Millisecond)
	}
	h.t.Fatalf("never true: %s", what)
}

// exit ends a job run's process with code and waits until the dispatcher
// has taken the end over (an in-memory hand-over, no store write yet).
func (h *harness) exit(id string, code int) {
	h.t.Helper()
	p := h.exec.proc(id)
	require.NotNil(h.t, p, "job run %s has no process", id)
	res := glue.ProcessResult{ExitCode: code}
	if code != 0 {
		res.Error = fmt.Sprintf("the job's process exited with status %d", code)
	}
	require.True(h.t, p.finish(res), "process of %s ended already", id)
	h.waitHandedOver(id)
}

func (h *harness) waitHandedOver(id string) {
	h.t.Helper()
	d := h.engine.disp
	for i := 0; i < 100000; i++ {
		d.mu.Lock()
		ok := slices.ContainsFunc(d.ended, func(e ending) bool { return e.id == id })
		d.mu.Unlock()
		if ok {
			return
		}
		time.Sleep(100 * time.Microsecond)
	}
	h.t.Fatalf("the end of %s was never handed to the dispatcher", id)
}

func (h *harness) update(fn func(ctx context.Context, tx store.Tx) error) {
	h.t.Helper()
	require.NoError(h.t, h.store.Update(h.ctx, func(tx store.Tx) error { return fn(h.ctx, tx) }))
}

func (h *harness) job(name string, opts ...func(*glue.Job)) {
	j := &glue.Job{Name: name, Command: glue.JobCommand{Name: glue.CommandPythonShell, ScriptLocation: "/dev/null"},
		ExecutionProperty: &glue.ExecutionProperty{MaxConcurrentRuns: 10}}
	for _, o := range opts {
		o(j)
	}
	h.update(func(ctx context.Context, tx store.Tx) error { return tx.Jobs().Insert(ctx, name, j) })
}

func (h *harness) crawler(name string) {
	h.update(func(ctx context.Context, tx store.Tx) error {
		return tx.Crawlers().Insert(ctx, name, &glue.Crawler{Name: name, State: glue.CrawlerStateReady})
	})
}

// workflow stores a workflow with its triggers: an ON_DEMAND start trigger
// starting start, then the given conditional triggers.
func (h *harness) workflow(name string, start []glue.Action, conds ...*glue.Trigger) {
	h.update(func(ctx context.Context, tx store.Tx) error {
		if err := tx.Workflows().Insert(ctx, name, &glue.Workflow{Name: name}); err != nil {
			return err
		}
		all := append([]*glue.Trigger{{Name: name + "-start", WorkflowName: name, Type: glue.TriggerOnDemand,
			State: glue.TriggerCreated, Actions: start}}, conds...)
		for _, t := range all {
			t.WorkflowName = name
			if t.State == "" {
				t.State = glue.TriggerActivated
			}
			if err := tx.Triggers().Insert(ctx, t.Name, t); err != nil {
				return err
			}
		}
		return nil
	})
}

func jobs(names ...string) []glue.Action {
	var out []glue.Action
	for _, n := range names {
		out = append(out, glue.Action{JobName: n})
	}
	return out
}

// when returns a CONDITIONAL trigger starting targets once the jobs reached
// state (logical AND unless ANY is given).
func when(name string, logical glue.Logical, state glue.JobRunState, watched []string, targets ...string) *glue.Trigger {
	p := &glue.Predicate{Logical: logical}
	for _, w := range watched {
		p.Conditions = append(p.Conditions, glue.Condition{LogicalOperator: "EQUALS", JobName: w, State: string(state)})
	}
	return &glue.Trigger{Name: name, Type: glue.TriggerConditional, Predicate: p, Actions: jobs(targets...)}
}

func (h *harness) startRun(workflow string) string {
	h.t.Helper()
	id, err := h.engine.StartWorkflowRun(h.ctx, workflow, nil)
	require.NoError(h.t, err)
	return id
}

func (h *harness) run(workflow, id string) *glue.WorkflowRun {
	h.t.Helper()
	r, err := queries(h.engine).GetWorkflowRun(h.ctx, workflow, id, true)
	require.NoError(h.t, err)
	return r
}

// runsOf returns a job's runs, oldest first.
func (h *harness) runsOf(job string) []*glue.JobRun {
	h.t.Helper()
	runs, _, err := queries(h.engine).GetJobRuns(h.ctx, job, 0, 0)
	require.NoError(h.t, err)
	slices.Reverse(runs)
	return runs
}

// only returns a job's single run.
func (h *harness) only(job string) *glue.JobRun {
	h.t.Helper()
	runs := h.runsOf(job)
	require.Len(h.t, runs, 1, "runs of %s", job)
	return runs[0]
}

func (h *harness) requireState(job string, want ...any) {
	h.t.Helper()
	var msg []any
	if len(want) > 0 {
		if s, ok := want[len(want)-1].(string); ok {
			want, msg = want[:len(want)-1], []any{s}
		}
	}
	var got []any
	for _, r := range h.runsOf(job) {
		got = append(got, r.JobRunState)
	}
	require.Equal(h.t, want, got, append([]any{"states of %s's runs, oldest first %v", job}, msg...)...)
}

func (h *harness) requireStatus(workflow, id string, want glue.WorkflowRunStatus) *glue.WorkflowRun {
	h.t.Helper()
	r := h.run(workflow, id)
	require.Equal(h.t, want, r.Status)
	return r
}

// queries is the read side of runs over the engine's store, as the API
// serves it.
func queries(e *Engine) *service.Service {
	return service.New(service.Config{Store: e.store, Clock: e.m.clock})
}
