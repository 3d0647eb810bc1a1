// Package engine runs workflows: it starts workflow runs, job runs and
// crawls, watches them end, evaluates the run's triggers and starts what they
// fire, all with every state change and the evaluation it causes committed in
// one store transaction.
//
// Three parts, each in its own files:
//   - the machine (machine.go, transition_*.go, and Evaluate in
//     evaluate.go, pure) holds every state transition as a function of
//     (ctx, tx, clock), with no goroutines and no executor;
//   - the Dispatcher (dispatcher.go, recover.go) is a start/stop service:
//     new job runs are rows in STARTING, an outbox it claims (→ RUNNING),
//     starts through the Executor and watches; when a process ends, the next
//     pass records the outcome through the machine, which creates a retry if
//     one is due, evaluates the triggers (Evaluate, a pure function) and
//     creates the runs they fire, in one transaction;
//   - the Scheduler (scheduler.go) is a start/stop service firing schedules
//     and event batches.
//
// The Engine itself (commands.go) is a thin facade for the API's commands;
// the read side of runs is package service's. Uniqueness in
// the store (a trigger fires once per run key) does the deduplication, so a
// crash at any point leaves a state the Dispatcher resumes from.
package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// Clock tells the time.
type Clock interface {
	Now() time.Time
}

// Executor starts job processes. Package executor has the local one.
type Executor interface {
	// Start starts the job run's process.
	Start(ctx context.Context, spec *glue.RunSpec) (glue.Process, error)
	// Reattach finds the process of a job run started before the server
	// restarted. When the process has ended, the returned glue.Process reports
	// what can still be learnt of its outcome. It returns glue.ErrNotStarted
	// when the job's code provably never ran and never will.
	Reattach(spec *glue.RunSpec, pid int, startTime uint64) (glue.Process, error)
}

// Crawler reads a crawler's targets. Package crawl has the implementation.
type Crawler interface {
	Crawl(ctx context.Context, c *glue.Crawler) (glue.CrawlResult, error)
}

// Config configures an Engine.
type Config struct {
	Store    store.Store
	Executor Executor
	Crawler  Crawler
	Clock    Clock
	Logger   *slog.Logger
	// StopGrace is how long a stopped process has between SIGTERM and SIGKILL.
	StopGrace time.Duration
	// Poll is how often the dispatcher looks for work without being woken
	// (default one second); job timeouts are checked as often.
	Poll time.Duration
	// Tick is how often the scheduler checks schedules and event batches
	// (default one second).
	Tick time.Duration
	// Observer, if set, receives every Event the engine publishes.
	Observer Observer

	// Node names this process among the Epoxy processes sharing the store
	// (default "local"); NodeInfo describes it (kind, address) in its lease.
	Node     string
	NodeInfo string
	// Lease, when positive, makes this engine one node of several sharing
	// the store (see node.go): it renews its lease every Lease/3, stops its
	// processes and starts nothing once it has not renewed for Lease/2, and
	// the leader rescues the runs of nodes whose lease has lapsed. Zero means
	// one node alone (SQLite).
	Lease time.Duration
	// NoJobs makes the node start no job processes (serve --workers=false).
	NoJobs bool
	// NoCrawls makes the node perform no crawls (epoxy worker).
	NoCrawls bool
	// NoScheduler makes the node never lead: no schedules, event batches or
	// rescue (epoxy worker).
	NoScheduler bool
	// Capacity, when positive, caps the job processes the node runs at once.
	Capacity int
}

// Engine is the facade the API calls for runs: each command applies one
// machine transition in a store transaction, then wakes the Dispatcher or
// signals the processes the transition stopped. Start and Close start and
// stop the Dispatcher and the Scheduler.
type Engine struct {
	store       store.Store
	m           *machine
	member      *member
	disp        *Dispatcher
	sched       *Scheduler
	heart       *heart
	noScheduler bool
}

// New returns an Engine. Call Start to begin dispatching.
func New(cfg Config) (*Engine, error) {
	if cfg.Store == nil || cfg.Executor == nil || cfg.Crawler == nil || cfg.Clock == nil {
		return nil, errors.New("engine: Store, Executor, Crawler and Clock are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	m := &machine{clock: cfg.Clock, log: cfg.Logger, observer: cfg.Observer}
	n := newMember(cfg, cfg.Logger)
	d := newDispatcher(cfg, m, n)
	return &Engine{store: cfg.Store, m: m, member: n, disp: d, sched: newScheduler(cfg, m, n, d.Wake), noScheduler: cfg.NoScheduler}, nil
}

// Start recovers runs left by an earlier server, then starts the Dispatcher
// and the Scheduler, which run until Close or until ctx ends.
func (e *Engine) Start(ctx context.Context) error {
	if err := e.member.beat(ctx); err != nil {
		return fmt.Errorf("engine: register node: %w", err)
	}
	if err := e.disp.Start(ctx); err != nil {
		return fmt.Errorf("engine: %w", err)
	}
	if !e.member.alone() {
		e.heart = startHeart(ctx, e.member, e.disp)
	}
	if !e.noScheduler {
		e.sched.Start(ctx)
	}
	return nil
}

// Close stops the Scheduler and the Dispatcher. Job processes keep running;
// the next server adopts them. A node of several gives up its leases, so
// that another takes the leader's work at once.
func (e *Engine) Close() error {
	e.sched.Stop()
	e.disp.Stop()
	if e.heart != nil {
		e.heart.stop()
	}
	return e.member.leave(context.Background())
}

// Wake asks the dispatcher to look for work now.
func (e *Engine) Wake() { e.disp.Wake() }

// Tick runs one scheduler pass at the engine clock's current time.
func (e *Engine) Tick(ctx context.Context) error { return e.sched.runOnce(ctx) }

// update runs fn in a store transaction and wakes the dispatcher after a
// successful commit, since any change may have created work.
func (e *Engine) update(ctx context.Context, fn func(context.Context, store.Tx) error) error {
	if err := e.m.apply(ctx, e.store, fn); err != nil {
		return err
	}
	e.disp.Wake()
	return nil
}

// signal tells the dispatcher to stop the given job runs and crawls.
func (e *Engine) signal(ids []string) {
	for _, id := range ids {
		e.disp.Signal(id)
	}
}
