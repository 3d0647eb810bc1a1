package engine

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
	"github.com/stretchr/testify/require"
)

// Several nodes on one store, through the harness: each node is an Engine
// with its own fake executor (its own machine) and a name, sharing the
// store and the fake clock. Lease renewals and passes are called by hand.

const testLease = 15 * time.Second

// node is one Engine of several sharing the harness's store.
type node struct {
	h    *harness
	e    *Engine
	exec *fakeExec
	stop context.CancelFunc
}

func (h *harness) node(name string, opts ...func(*Config)) *node {
	h.t.Helper()
	n := &node{h: h, exec: newFakeExec()}
	cfg := Config{Store: h.store, Executor: n.exec, Crawler: fakeCrawler{}, Clock: h.clock, Node: name, Lease: testLease,
		Logger: slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelInfo}))}
	for _, o := range opts {
		o(&cfg)
	}
	e, err := New(cfg)
	require.NoError(h.t, err)
	ctx, cancel := context.WithCancel(context.Background())
	e.disp.ctx, n.e, n.stop = ctx, e, cancel
	h.t.Cleanup(func() { cancel(); e.disp.wg.Wait() })
	return n
}

// beat renews the node's lease.
func (n *node) beat() {
	n.h.t.Helper()
	require.NoError(n.h.t, n.e.member.beat(n.h.ctx))
	n.e.disp.renew()
}

func (n *node) pass() {
	n.h.t.Helper()
	require.NoError(n.h.t, n.e.disp.runOnce(n.h.ctx))
}

func (n *node) schedPass() {
	n.h.t.Helper()
	require.NoError(n.h.t, n.e.sched.runOnce(n.h.ctx))
}

// exit ends a job run's process on this node and waits for the hand-over.
func (n *node) exit(id string, code int) {
	n.h.t.Helper()
	p := n.exec.proc(id)
	require.NotNil(n.h.t, p)
	require.True(n.h.t, p.finish(glue.ProcessResult{ExitCode: code}))
	n.waitHandedOver(id)
}

func (n *node) waitHandedOver(id string) {
	n.h.t.Helper()
	saved := n.h.engine
	n.h.engine = n.e
	defer func() { n.h.engine = saved }()
	n.h.waitHandedOver(id)
}

func (h *harness) recordOf(id string) *glue.JobRunRecord {
	h.t.Helper()
	var rec *glue.JobRunRecord
	require.NoError(h.t, h.store.View(h.ctx, func(tx store.Tx) error {
		var err error
		rec, err = tx.JobRuns().ByID(h.ctx, id)
		return err
	}))
	return rec
}

// Ensure the lease rule: a free or lapsed lease is taken with the next
// term, a live one of another holder is refused, and renewing keeps the
// term.
func TestNodes_Acquire(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	l, ok := acquire(nil, "leader", "a", "", now, time.Second)
	require.True(t, ok)
	require.Equal(t, &store.Lease{Name: "leader", Holder: "a", Term: 1, Until: now.Add(time.Second)}, l)
	_, ok = acquire(l, "leader", "b", "", now.Add(999*time.Millisecond), time.Second)
	require.False(t, ok, "a live lease of another holder is refused")
	again, ok := acquire(l, "leader", "a", "", now.Add(500*time.Millisecond), time.Second)
	require.True(t, ok)
	require.Equal(t, int64(1), again.Term, "renewing keeps the term")
	taken, ok := acquire(again, "leader", "b", "", again.Until, time.Second)
	require.True(t, ok, "a lease is free from its Until on")
	require.Equal(t, int64(2), taken.Term)
}

// Ensure two nodes claim each job run once between them, and a node's
// capacity caps what it runs at once.
func TestNodes_ClaimEachRunOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, j := range []string{"a", "b", "c"} {
		h.job(j)
	}
	h.workflow("fan", jobs("a", "b", "c"))
	capOne := func(c *Config) { c.Capacity = 1 }
	x, y := h.node("x", capOne), h.node("y", capOne)
	x.beat()
	y.beat()
	h.startRun("fan")
	x.pass()
	y.pass()
	x.pass()
	y.pass()
	require.Len(t, x.exec.starts, 1, "capacity 1")
	require.Len(t, y.exec.starts, 1, "capacity 1")
	require.NotEqual(t, x.exec.starts[0], y.exec.starts[0])
	require.Equal(t, "x", h.recordOf(x.exec.starts[0]).Node)
	require.Equal(t, "y", h.recordOf(y.exec.starts[0]).Node)
	x.exit(x.exec.starts[0], 0)
	y.pass()
	require.Len(t, y.exec.starts, 1, "y does not record x's end, and has no room")
	x.pass()
	require.Len(t, x.exec.starts, 2, "x recorded its end and took the third run")
}

// Ensure a node that stopped renewing its lease is rescued by the leader
// once the lease lapses: its RUNNING job run ends FAILED naming the lost
// node and is retried on a live node as a new attempt; the lost node,
// which fenced itself off at half a lease, stopped its process first, and
// its late end changes nothing.
func TestNodes_LostNodeIsRescued(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.job("a", func(j *glue.Job) { j.MaxRetries = 1 })
	h.workflow("one", jobs("a"))
	x := h.node("x")
	y := h.node("y", func(c *Config) { c.NoJobs = true })
	x.beat()
	y.beat()
	id := h.startRun("one")
	y.pass()
	require.Empty(t, y.exec.starts, "a node without workers starts nothing")
	x.pass()
	first := h.only("a").ID
	require.Equal(t, []string{first}, x.exec.starts)

	h.clock.Advance(testLease/2 + time.Second) // x misses its renewals
	y.beat()
	x.pass() // x is no longer fresh: it fences itself off
	x.waitHandedOver(first)
	require.True(t, x.exec.proc(first).stopped, "a node that cannot renew its lease stops its processes")
	x.stop() // and then x is gone without recording anything

	y.schedPass()
	h.requireState("a", glue.JobRunRunning, "x's lease has not lapsed yet")
	h.clock.Advance(testLease / 2)
	y.beat()
	y.schedPass() // y leads and rescues
	runs := h.runsOf("a")
	require.Len(t, runs, 2)
	require.Equal(t, glue.JobRunFailed, runs[0].JobRunState)
	require.Contains(t, runs[0].ErrorMessage, "node x")
	require.Equal(t, glue.JobRunStarting, runs[1].JobRunState)
	require.Equal(t, int32(1), runs[1].Attempt)

	z := h.node("z")
	z.beat()
	z.pass()
	require.Equal(t, []string{runs[1].ID}, z.exec.starts)
	z.exit(runs[1].ID, 0)
	z.pass()
	h.requireStatus("one", id, glue.WorkflowRunCompleted)
	require.Len(t, x.exec.starts, 1, "the lost node never ran anything again")
}

// Ensure a node recording an end checks it still holds the run: after a
// rescue, a late end of the old process is not recorded over the rescue.
func TestNodes_LateEndOfRescuedRunIsIgnored(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.job("a")
	h.workflow("one", jobs("a"))
	x, y := h.node("x"), h.node("y", func(c *Config) { c.NoJobs = true })
	x.beat()
	h.startRun("one")
	x.pass()
	id := h.only("a").ID
	h.clock.Advance(testLease + time.Second)
	y.beat()
	y.schedPass()
	h.requireState("a", glue.JobRunFailed)
	before := h.recordOf(id)

	x.beat() // x comes back: a new lease under its name
	x.exit(id, 0)
	x.pass()
	require.Equal(t, before, h.recordOf(id), "the rescued run keeps its rescue")
}

// Ensure one live process holds a node name: a second incarnation is
// refused until the first one's lease lapses.
func TestNodes_NameHeldByOneProcess(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	x := h.node("x")
	x.beat()
	again := h.node("x")
	err := again.e.member.beat(h.ctx)
	require.ErrorIs(t, err, ErrNodeNameTaken)
	h.clock.Advance(testLease)
	require.NoError(t, again.e.member.beat(h.ctx))
	require.ErrorIs(t, x.e.member.beat(h.ctx), ErrNodeNameTaken, "the old process has lost the name")
}

// Ensure one node at a time leads: a scheduled trigger fires once per fire
// time whichever node passes, the leader lease passes to another node when
// it lapses (next term), and a graceful Close hands it over at once.
func TestNodes_OneLeader(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.job("a")
	h.update(func(ctx context.Context, tx store.Tx) error {
		return tx.Triggers().Insert(ctx, "every-minute", &glue.Trigger{Name: "every-minute", Type: glue.TriggerScheduled,
			Schedule: "cron(* * * * ? *)", State: glue.TriggerActivated, Actions: jobs("a")})
	})
	long := func(c *Config) { c.Lease = 5 * time.Minute }
	x, y := h.node("x", long), h.node("y", long)
	x.beat()
	y.beat()
	x.schedPass() // x leads; the schedule is registered
	y.schedPass()
	require.True(t, x.e.member.leading)
	require.False(t, y.e.member.leading)
	h.clock.Advance(time.Minute)
	x.beat()
	y.beat()
	y.schedPass()
	require.Empty(t, h.runsOf("a"), "a node that does not lead fires nothing")
	x.schedPass()
	x.schedPass()
	require.Len(t, h.runsOf("a"), 1, "the leader fires a fire time once")

	h.clock.Advance(5*time.Minute + time.Second) // x is gone
	y.beat()
	y.schedPass()
	require.True(t, y.e.member.leading)
	require.Len(t, h.runsOf("a"), 2, "the new leader fires the next fire time, once")
	y.schedPass()
	require.Len(t, h.runsOf("a"), 2)
	var lead *store.Lease
	require.NoError(t, h.store.View(h.ctx, func(tx store.Tx) error {
		var err error
		lead, err = tx.Leases().Get(h.ctx, leaderLease)
		return err
	}))
	require.Equal(t, "y", lead.Holder)
	require.Equal(t, int64(2), lead.Term)

	x.beat()
	require.NoError(t, y.e.member.leave(h.ctx))
	x.schedPass()
	require.True(t, x.e.member.leading, "a node that leaves hands the leader lease over at once")
}

// Ensure a RUNNING crawl is crawled by one node: the first to pass claims
// it; a worker (NoCrawls) never does.
func TestNodes_CrawlClaimedOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.crawler("c")
	w := h.node("w", func(c *Config) { c.NoCrawls = true })
	x, y := h.node("x"), h.node("y")
	for _, n := range []*node{w, x, y} {
		n.beat()
	}
	require.NoError(t, x.e.StartCrawler(h.ctx, "c"))
	w.pass()
	y.pass()
	var crawl *glue.CrawlRecord
	require.NoError(t, h.store.View(h.ctx, func(tx store.Tx) error {
		cs, err := tx.Crawls().List(h.ctx, "c", 0, 10)
		crawl = cs[0]
		return err
	}))
	require.Contains(t, []string{"y", ""}, crawl.Node)
	for i := 0; i < 1000 && crawl.State == glue.CrawlRunning; i++ {
		y.pass()
		x.pass()
		require.NoError(t, h.store.View(h.ctx, func(tx store.Tx) error {
			var err error
			crawl, err = tx.Crawls().Get(h.ctx, crawl.ID)
			return err
		}))
		time.Sleep(time.Millisecond)
	}
	require.Equal(t, glue.CrawlSucceeded, crawl.State)
	require.Equal(t, "y", crawl.Node, "the first node to pass claimed it")
}
