// Package engine runs workflows: it starts workflow runs, job runs and
// crawls, watches them end, evaluates the run's triggers and starts what they
// fire, all with every state change and the evaluation it causes committed in
// one store transaction.
//
// New job runs are rows in state STARTING: an outbox. The dispatcher claims
// them (STARTING → RUNNING), starts the process through the Executor and
// watches it. When a process ends, finish records the outcome, creates a
// retry if one is due, evaluates the triggers (Evaluate, a pure function)
// and creates the runs they fire, in one transaction. Uniqueness in the store
// (a trigger fires once per run key) does the deduplication, so a crash at
// any point leaves a state the engine resumes from.
package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
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
	// MinuteUnit is how long one minute of a job's Timeout lasts. It is
	// time.Minute except in tests, which shorten it to exercise timeouts.
	MinuteUnit time.Duration
	// StopGrace is how long a stopped process has between SIGTERM and SIGKILL.
	StopGrace time.Duration
	// Poll is how often the dispatcher looks for work without being woken.
	Poll time.Duration
	// Tick is how often the scheduler checks schedules and event batches
	// (default one second).
	Tick time.Duration
}

// Engine executes workflow runs, job runs and crawls.
type Engine struct {
	store    store.Store
	exec     Executor
	crawler  Crawler
	clock    Clock
	log      *slog.Logger
	minute   time.Duration
	grace    time.Duration
	poll     time.Duration
	tick     time.Duration
	sched    schedules
	wake     chan struct{}
	mu       sync.Mutex
	inflight map[string]*flight
	runCtx   context.Context
	cancel   context.CancelFunc
	wg       sync.WaitGroup
}

// flight is a job run or crawl the engine is watching.
type flight struct {
	stop chan glue.JobRunState // STOPPED; buffered so signalling never blocks
}

// New returns an Engine. Call Start to begin dispatching.
func New(cfg Config) (*Engine, error) {
	if cfg.Store == nil || cfg.Executor == nil || cfg.Crawler == nil || cfg.Clock == nil {
		return nil, errors.New("engine: Store, Executor, Crawler and Clock are required")
	}
	e := &Engine{store: cfg.Store, exec: cfg.Executor, crawler: cfg.Crawler, clock: cfg.Clock, log: cfg.Logger,
		minute: cfg.MinuteUnit, grace: cfg.StopGrace, poll: cfg.Poll, tick: cfg.Tick, wake: make(chan struct{}, 1), inflight: map[string]*flight{}}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	if e.minute <= 0 {
		e.minute = time.Minute
	}
	if e.grace <= 0 {
		e.grace = 10 * time.Second
	}
	if e.poll <= 0 {
		e.poll = time.Second
	}
	if e.tick <= 0 {
		e.tick = time.Second
	}
	e.runCtx, e.cancel = context.WithCancel(context.Background())
	return e, nil
}

// Start recovers runs left by an earlier server and starts the dispatcher.
func (e *Engine) Start(ctx context.Context) error {
	if err := e.recover(ctx); err != nil {
		return fmt.Errorf("engine: recover: %w", err)
	}
	e.wg.Add(2)
	go e.loop()
	go e.scheduleLoop()
	return nil
}

// Close stops dispatching and stops watching processes. Job processes keep
// running; the next server adopts them (see recover).
func (e *Engine) Close() error {
	e.cancel()
	e.wg.Wait()
	return nil
}

func (e *Engine) now() time.Time { return e.clock.Now().UTC().Truncate(time.Millisecond) }

// Wake asks the dispatcher to look for work now.
func (e *Engine) Wake() {
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

func (e *Engine) loop() {
	defer e.wg.Done()
	ticker := time.NewTicker(e.poll)
	defer ticker.Stop()
	for {
		if err := e.dispatchOnce(e.runCtx); err != nil && e.runCtx.Err() == nil {
			e.log.Error("dispatch", "err", err)
		}
		select {
		case <-e.runCtx.Done():
			return
		case <-e.wake:
		case <-ticker.C:
		}
	}
}

// track registers a flight for id, or returns nil when one exists.
func (e *Engine) track(id string) *flight {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.inflight[id]; ok {
		return nil
	}
	f := &flight{stop: make(chan glue.JobRunState, 1)}
	e.inflight[id] = f
	return f
}

func (e *Engine) untrack(id string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.inflight, id)
}

// signalStop tells a watched job run or crawl to stop.
func (e *Engine) signalStop(id string) {
	e.mu.Lock()
	f := e.inflight[id]
	e.mu.Unlock()
	if f == nil {
		return
	}
	select {
	case f.stop <- glue.JobRunStopped:
	default:
	}
}

// update runs fn in a store transaction and wakes the dispatcher after a
// successful commit, since any change may have created work.
func (e *Engine) update(ctx context.Context, fn func(store.Tx) error) error {
	if err := e.store.Update(ctx, fn); err != nil {
		return err
	}
	e.Wake()
	return nil
}
