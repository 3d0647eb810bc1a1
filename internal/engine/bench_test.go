package engine

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
	"github.com/epoxy-run/epoxy/internal/store/postgres"
	"github.com/epoxy-run/epoxy/internal/store/postgres/pgtest"
	"github.com/epoxy-run/epoxy/internal/store/sqlite"
	"github.com/stretchr/testify/require"
)

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

// noopExecutor "runs" every job instantly and records when each run started
// and ended, to measure the engine's own overhead.
type noopExecutor struct {
	mu      sync.Mutex
	started map[string]time.Time
	ended   map[string]time.Time
}

type noopProcess struct{ done chan glue.ProcessResult }

func (p *noopProcess) PID() int                        { return 0 }
func (p *noopProcess) StartTime() uint64               { return 0 }
func (p *noopProcess) Done() <-chan glue.ProcessResult { return p.done }
func (p *noopProcess) Stop(time.Duration)              {}

func (x *noopExecutor) Start(_ context.Context, spec *glue.RunSpec) (glue.Process, error) {
	now := time.Now()
	x.mu.Lock()
	x.started[spec.JobRunID] = now
	x.ended[spec.JobRunID] = time.Now()
	x.mu.Unlock()
	p := &noopProcess{done: make(chan glue.ProcessResult, 1)}
	p.done <- glue.ProcessResult{}
	return p, nil
}

func (x *noopExecutor) Reattach(*glue.RunSpec, int, uint64) (glue.Process, error) {
	p := &noopProcess{done: make(chan glue.ProcessResult, 1)}
	p.done <- glue.ProcessResult{}
	return p, nil
}

type noopCrawler struct{}

func (noopCrawler) Crawl(context.Context, *glue.Crawler) (glue.CrawlResult, error) {
	return glue.CrawlResult{}, nil
}

func newBenchEngine(tb testing.TB) (*Engine, store.Store, *noopExecutor) {
	tb.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "bench.db"))
	require.NoError(tb, err)
	x := &noopExecutor{started: map[string]time.Time{}, ended: map[string]time.Time{}}
	e, err := New(Config{Store: st, Executor: x, Crawler: noopCrawler{}, Clock: realClock{}, Poll: 50 * time.Millisecond})
	require.NoError(tb, err)
	require.NoError(tb, e.Start(context.Background()))
	tb.Cleanup(func() {
		_ = e.Close()
		_ = st.Close()
	})
	return e, st, x
}

// defineChain stores a workflow whose jobs j000 → j001 → … run one after
// the other.
func defineChain(tb testing.TB, st store.Store, wf string, n int) {
	tb.Helper()
	ctx := context.Background()
	require.NoError(tb, st.Update(ctx, func(tx store.Tx) error {
		if err := tx.Workflows().Insert(ctx, wf, &glue.Workflow{Name: wf}); err != nil {
			return err
		}
		for i := range n {
			name := fmt.Sprintf("%s-j%03d", wf, i)
			job := &glue.Job{Name: name, Command: glue.JobCommand{Name: glue.CommandPythonShell}, ExecutionProperty: &glue.ExecutionProperty{MaxConcurrentRuns: 1000}}
			if err := tx.Jobs().Insert(ctx, name, job); err != nil {
				return err
			}
			t := &glue.Trigger{Name: fmt.Sprintf("%s-t%03d", wf, i), WorkflowName: wf, ID: glue.NewID("tr"), State: glue.TriggerActivated,
				Actions: []glue.Action{{JobName: name}}}
			if i == 0 {
				t.Type = glue.TriggerOnDemand
			} else {
				t.Type = glue.TriggerConditional
				t.Predicate = &glue.Predicate{Logical: glue.LogicalAnd, Conditions: []glue.Condition{{JobName: fmt.Sprintf("%s-j%03d", wf, i-1), State: "SUCCEEDED"}}}
			}
			if err := tx.Triggers().Insert(ctx, t.Name, t); err != nil {
				return err
			}
		}
		return nil
	}))
}

func waitCompleted(tb testing.TB, e *Engine, wf, id string) {
	tb.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		r, err := queries(e).GetWorkflowRun(context.Background(), wf, id, false)
		require.NoError(tb, err)
		if r.Status == glue.WorkflowRunCompleted {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	tb.Fatalf("run %s of %s did not complete", id, wf)
}

// BenchmarkHop measures the hop from one job run's end to the dispatch of
// the run that depends on it, through a 50-job chain with an instant
// executor: p50 and p99 are reported as hop-p50-ms and hop-p99-ms. On
// SQLite (one node), and on PostgreSQL as one node of several (leases and
// LISTEN/NOTIFY on) when TEST_DATABASE_URL is set.
func BenchmarkHop(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		e, st, x := newBenchEngine(b)
		benchHop(b, []*Engine{e}, st, x)
	})
	b.Run("postgres", func(b *testing.B) {
		es, st, x := newBenchNodes(b, 1)
		benchHop(b, es, st, x)
	})
}

func benchHop(b *testing.B, es []*Engine, st store.Store, x *noopExecutor) {
	e := es[0]
	ctx := context.Background()
	var hops []time.Duration
	for i := 0; b.Loop(); i++ {
		wf := fmt.Sprintf("chain%d", i)
		b.StopTimer()
		defineChain(b, st, wf, 50)
		b.StartTimer()
		id, err := e.StartWorkflowRun(ctx, wf, nil)
		require.NoError(b, err)
		waitCompleted(b, e, wf, id)
		b.StopTimer()
		hops = append(hops, chainHops(b, e, x, wf)...)
		b.StartTimer()
	}
	slices.Sort(hops)
	b.ReportMetric(float64(hops[len(hops)/2].Microseconds())/1000, "hop-p50-ms")
	b.ReportMetric(float64(hops[len(hops)*99/100].Microseconds())/1000, "hop-p99-ms")
}

// newBenchNodes starts n engines as nodes sharing a new PostgreSQL schema
// (skipping without TEST_DATABASE_URL), each woken by its own Listener as
// epoxy serve wires it, with one instant executor.
func newBenchNodes(tb testing.TB, n int) ([]*Engine, store.Store, *noopExecutor) {
	tb.Helper()
	ctx := context.Background()
	st, err := postgres.Open(ctx, pgtest.URL(tb))
	require.NoError(tb, err)
	x := &noopExecutor{started: map[string]time.Time{}, ended: map[string]time.Time{}}
	var es []*Engine
	for i := range n {
		e, err := New(Config{Store: st, Executor: x, Crawler: noopCrawler{}, Clock: realClock{}, Poll: time.Second,
			Node: fmt.Sprintf("n%d", i), Lease: 15 * time.Second})
		require.NoError(tb, err)
		require.NoError(tb, e.Start(ctx))
		l := &postgres.Listener{Store: st, Wake: e.Wake, Log: slog.New(slog.DiscardHandler)}
		l.Start(ctx)
		tb.Cleanup(func() { l.Stop(); _ = e.Close() })
		es = append(es, e)
	}
	tb.Cleanup(func() { _ = st.Close() })
	return es, st, x
}

func chainHops(tb testing.TB, e *Engine, x *noopExecutor, wf string) []time.Duration {
	var ids []string
	for i := range 50 {
		runs, _, err := queries(e).GetJobRuns(context.Background(), fmt.Sprintf("%s-j%03d", wf, i), 0, 1)
		require.NoError(tb, err)
		require.Len(tb, runs, 1)
		ids = append(ids, runs[0].ID)
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	var hops []time.Duration
	for i := 1; i < len(ids); i++ {
		hops = append(hops, x.started[ids[i]].Sub(x.ended[ids[i-1]]))
	}
	return hops
}

// BenchmarkTransitions measures node transitions per second: 20 workflow
// runs of 10-job chains in flight at once, each job run counting two
// transitions (dispatched, ended). On SQLite (one node), and on PostgreSQL
// with one and with three nodes dispatching (runs started round-robin on
// them) when TEST_DATABASE_URL is set.
func BenchmarkTransitions(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		e, st, _ := newBenchEngine(b)
		benchTransitions(b, []*Engine{e}, st)
	})
	for _, n := range []int{1, 3} {
		b.Run(fmt.Sprintf("postgres/nodes=%d", n), func(b *testing.B) {
			es, st, _ := newBenchNodes(b, n)
			benchTransitions(b, es, st)
		})
	}
}

func benchTransitions(b *testing.B, es []*Engine, st store.Store) {
	ctx := context.Background()
	const runs, length = 20, 10
	total := 0
	var elapsed time.Duration
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		var wfs, ids []string
		for r := range runs {
			wf := fmt.Sprintf("t%d-%d", i, r)
			defineChain(b, st, wf, length)
			wfs = append(wfs, wf)
		}
		b.StartTimer()
		start := time.Now()
		for k, wf := range wfs {
			id, err := es[k%len(es)].StartWorkflowRun(ctx, wf, nil)
			require.NoError(b, err)
			ids = append(ids, id)
		}
		for k, wf := range wfs {
			waitCompleted(b, es[0], wf, ids[k])
		}
		elapsed += time.Since(start)
		total += runs * length * 2
	}
	b.ReportMetric(float64(total)/elapsed.Seconds(), "transitions/s")
}
