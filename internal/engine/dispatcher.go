package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// Dispatcher is the start/stop service that turns stored work into
// processes and processes' ends into stored transitions. Each pass (runOnce)
// records the job runs and crawls that ended since the last pass, stops job
// runs past their deadline (read from the injected clock), promotes queued
// runs that now have room, and launches every STARTING job run and RUNNING
// crawl not yet watched. All state changes go through the machine, one
// transaction each; the goroutines a Dispatcher starts only wait for
// processes and crawls and hand their ends back to the next pass.
type Dispatcher struct {
	store   store.Store
	m       *machine
	exec    Executor
	crawler Crawler
	clock   Clock
	log     *slog.Logger
	grace   time.Duration
	poll    time.Duration
	member  *member
	// noJobs, noCrawls and capacity are the node's part (Config).
	noJobs, noCrawls bool
	capacity         int

	wake    chan struct{}
	mu      sync.Mutex
	flights map[string]*flight
	ended   []ending

	// ctx lives from Start to Stop: processes are started and watched under
	// it. Before Start (in tests that call runOnce directly) it is Background.
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// flight is a job run or crawl the dispatcher is watching.
type flight struct {
	proc     glue.Process       // a job run's process; nil until started, and for crawls
	crawl    bool               // a crawl, not a job run
	cancel   context.CancelFunc // cancels a crawl
	deadline time.Time          // a job run's timeout; zero for none
	minutes  int32              // the timeout in minutes, for the message
	// stopping is why the dispatcher asked the process to end (STOPPED or
	// TIMEOUT, or FAILED when the node fenced itself off: see fence); empty
	// while it has not.
	stopping glue.JobRunState
}

// ending is a job run's process or a crawl that ended, waiting to be
// recorded by the next pass.
type ending struct {
	id       string
	crawl    bool
	stopping glue.JobRunState // the flight's stopping when the end was seen
	res      glue.ProcessResult
	crawlRes glue.CrawlResult
	crawlErr error
}

func newDispatcher(cfg Config, m *machine, n *member) *Dispatcher {
	d := &Dispatcher{store: cfg.Store, m: m, exec: cfg.Executor, crawler: cfg.Crawler, clock: cfg.Clock, log: m.log,
		grace: cfg.StopGrace, poll: cfg.Poll, member: n, noJobs: cfg.NoJobs, noCrawls: cfg.NoCrawls, capacity: cfg.Capacity,
		wake: make(chan struct{}, 1), flights: map[string]*flight{}, ctx: context.Background()}
	if d.grace <= 0 {
		d.grace = 10 * time.Second
	}
	if d.poll <= 0 {
		d.poll = time.Second
	}
	return d
}

// Start takes over the work an earlier server left (see recover), then
// dispatches in the background until Stop.
func (d *Dispatcher) Start(ctx context.Context) error {
	d.ctx, d.cancel = context.WithCancel(ctx)
	if err := d.recover(d.ctx); err != nil {
		d.cancel()
		return fmt.Errorf("recover runs: %w", err)
	}
	d.wg.Add(1)
	go d.loop()
	return nil
}

// Stop stops dispatching and watching. Job processes keep running; the next
// server adopts them.
func (d *Dispatcher) Stop() {
	if d.cancel != nil {
		d.cancel()
	}
	d.wg.Wait()
}

// Wake asks for a pass now.
func (d *Dispatcher) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

func (d *Dispatcher) loop() {
	defer d.wg.Done()
	ticker := time.NewTicker(d.poll)
	defer ticker.Stop()
	for {
		if err := d.runOnce(d.ctx); err != nil && d.ctx.Err() == nil {
			d.log.Error("dispatch", "err", err)
		}
		select {
		case <-d.ctx.Done():
			return
		case <-d.wake:
		case <-ticker.C:
		}
	}
}

// runOnce is one dispatch pass. A node that has not renewed its lease
// recently (member.fresh) only records ends: it stops its processes and
// starts nothing until it has.
func (d *Dispatcher) runOnce(ctx context.Context) error {
	errs := []error{d.recordEndings(ctx)}
	if !d.member.fresh() {
		d.fence()
		return errors.Join(errs...)
	}
	d.enforceDeadlines()
	var starting []*glue.JobRunRecord
	var crawls []*glue.CrawlRecord
	var waiting bool
	err := d.store.View(ctx, func(tx store.Tx) error {
		var err error
		if starting, err = tx.JobRuns().InStates(ctx, "", glue.JobRunStarting); err != nil {
			return err
		}
		w, err := tx.JobRuns().InStates(ctx, "", glue.JobRunWaiting)
		if err != nil {
			return err
		}
		waiting = len(w) > 0
		crawls, err = tx.Crawls().InStates(ctx, glue.CrawlRunning)
		return err
	})
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	if waiting {
		if err := d.m.apply(ctx, d.store, func(ctx context.Context, tx store.Tx) error { return d.m.promoteWaiting(ctx, tx) }); err != nil {
			errs = append(errs, err)
		}
		d.Wake() // promoted runs are STARTING: the next pass launches them
	}
	if !d.noJobs {
		errs = append(errs, d.launch(ctx, d.room(starting)))
	}
	if !d.noCrawls {
		errs = append(errs, d.crawlAll(ctx, crawls))
	}
	return errors.Join(errs...)
}

// room returns as many of the starting runs as the node's capacity has
// room for (all of them without a capacity).
func (d *Dispatcher) room(starting []*glue.JobRunRecord) []*glue.JobRunRecord {
	if d.capacity <= 0 {
		return starting
	}
	d.mu.Lock()
	busy := 0
	for _, f := range d.flights {
		if !f.crawl {
			busy++
		}
	}
	d.mu.Unlock()
	return starting[:max(0, min(len(starting), d.capacity-busy))]
}

// crawlAll performs the RUNNING crawls this node may: alone, every one;
// with others, those it holds and those no node holds yet, which it claims
// first.
func (d *Dispatcher) crawlAll(ctx context.Context, crawls []*glue.CrawlRecord) error {
	var ids []string
	for _, c := range crawls {
		if d.member.alone() || c.Node == d.member.name {
			d.startCrawl(c.ID)
		} else if c.Node == "" {
			ids = append(ids, c.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var claimed []string
	err := d.m.apply(ctx, d.store, func(ctx context.Context, tx store.Tx) error {
		var err error
		claimed, err = d.m.claimCrawls(ctx, tx, ids, d.member.name)
		return err
	})
	for _, id := range claimed {
		d.startCrawl(id)
	}
	return err
}

// holds reports whether this node may record the end of the job run or
// crawl id: alone it always may; with others only while the record names
// it as the node running it.
func (d *Dispatcher) holds(ctx context.Context, tx store.Tx, id string, crawl bool) (bool, error) {
	if d.member.alone() {
		return true, nil
	}
	var node string
	if crawl {
		c, err := tx.Crawls().Get(ctx, id)
		if err != nil {
			return false, err
		}
		node = c.Node
	} else {
		r, err := tx.JobRuns().ByID(ctx, id)
		if err != nil {
			return false, err
		}
		node = r.Node
	}
	if node != d.member.name {
		d.log.Info("not recording the end of work another node holds", "id", id, "holder", node)
		return false, nil
	}
	return true, nil
}

// fence stops every process and crawl of this node because it could not
// renew its lease: others may soon take its work over (rescue), and must
// not find it still running. The job runs end FAILED if the node still
// holds them when it records their end; the crawls are left for whoever
// holds them then.
func (d *Dispatcher) fence() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for id, f := range d.flights {
		if f.stopping != "" {
			continue
		}
		d.log.Warn("stopping work: this node has not renewed its lease", "id", id, "node", d.member.name)
		f.stopping = glue.JobRunFailed
		d.stopLocked(f)
	}
}

// renewer is a process whose life is bound to a lease its node renews
// (the local executor's, with a lease): see Dispatcher.renew.
type renewer interface {
	Renew() error
}

// renew tells every watched process that its node is alive.
func (d *Dispatcher) renew() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for id, f := range d.flights {
		if r, ok := f.proc.(renewer); ok && f.stopping != glue.JobRunFailed {
			if err := r.Renew(); err != nil {
				d.log.Warn("renew job process lease", "job_run", id, "err", err)
			}
		}
	}
}

// Signal asks a watched job run's process or crawl to stop; the run ends
// STOPPED (the crawl CANCELLED) once it has.
func (d *Dispatcher) Signal(id string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	f := d.flights[id]
	if f == nil || f.stopping != "" {
		return
	}
	f.stopping = glue.JobRunStopped
	d.stopLocked(f)
}

// stopLocked ends a flight's process or crawl; d.mu is held. A job run not
// yet started is stopped as soon as its process exists (launch).
func (d *Dispatcher) stopLocked(f *flight) {
	switch {
	case f.crawl:
		f.cancel()
	case f.proc != nil:
		proc := f.proc
		d.wg.Add(1)
		go func() {
			defer d.wg.Done()
			proc.Stop(d.grace)
		}()
	}
}

// enforceDeadlines stops every watched job run whose deadline has passed.
func (d *Dispatcher) enforceDeadlines() {
	now := d.clock.Now()
	d.mu.Lock()
	defer d.mu.Unlock()
	for id, f := range d.flights {
		if f.crawl || f.stopping != "" || f.deadline.IsZero() || now.Before(f.deadline) {
			continue
		}
		d.log.Info("job run timed out", "job_run", id, "timeout_minutes", f.minutes)
		f.stopping = glue.JobRunTimeout
		d.stopLocked(f)
	}
}

// track registers a flight for id, or returns nil when one exists.
func (d *Dispatcher) track(id string, f *flight) *flight {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.flights[id]; ok {
		return nil
	}
	d.flights[id] = f
	return f
}

func (d *Dispatcher) untrack(id string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.flights, id)
}

// ended hands a process's or crawl's end to the next pass.
func (d *Dispatcher) end(e ending) {
	d.mu.Lock()
	if f := d.flights[e.id]; f != nil {
		e.stopping = f.stopping
	}
	d.ended = append(d.ended, e)
	d.mu.Unlock()
	d.Wake()
}

// recordEndings records every end handed over since the last pass, each in
// its own transaction. An end that cannot be recorded now is kept for the
// next pass.
func (d *Dispatcher) recordEndings(ctx context.Context) error {
	d.mu.Lock()
	ended := d.ended
	d.ended = nil
	d.mu.Unlock()
	for i, e := range ended {
		if err := d.m.apply(ctx, d.store, func(ctx context.Context, tx store.Tx) error { return d.record(ctx, tx, e) }); err != nil {
			d.mu.Lock()
			d.ended = append(d.ended, ended[i:]...)
			d.mu.Unlock()
			return fmt.Errorf("record end of %s: %w", e.id, err)
		}
		d.untrack(e.id)
	}
	return nil
}

// record applies one end through the machine, if this node holds the run.
func (d *Dispatcher) record(ctx context.Context, tx store.Tx, e ending) error {
	if ok, err := d.holds(ctx, tx, e.id, e.crawl); !ok || err != nil {
		return err
	}
	if e.crawl {
		switch {
		case e.stopping == glue.JobRunFailed:
			return nil // fenced: the crawl is crawled again by whoever holds it
		case e.stopping != "":
			return d.m.finishCrawl(ctx, tx, e.id, glue.CrawlCancelled, e.crawlRes, "")
		case e.crawlErr != nil:
			return d.m.finishCrawl(ctx, tx, e.id, glue.CrawlFailed, e.crawlRes, e.crawlErr.Error())
		}
		return d.m.finishCrawl(ctx, tx, e.id, glue.CrawlSucceeded, e.crawlRes, "")
	}
	res, state := e.res, e.stopping
	switch state {
	case glue.JobRunStopped:
		res.Error = ""
	case glue.JobRunTimeout:
		res.Error = fmt.Sprintf("job run timed out after %d minutes", d.timeoutOf(e.id))
	case glue.JobRunFailed:
		res.Error = fmt.Sprintf("the Epoxy node %s running this job run could not renew its lease; its process was stopped", d.member.name)
	default:
		state = glue.JobRunSucceeded
		if res.ExitCode != 0 || res.Error != "" {
			state = glue.JobRunFailed
		}
	}
	return d.m.finishJob(ctx, tx, e.id, state, res)
}

func (d *Dispatcher) timeoutOf(id string) int32 {
	d.mu.Lock()
	defer d.mu.Unlock()
	if f := d.flights[id]; f != nil {
		return f.minutes
	}
	return 0
}

// startConcurrency is how many processes a dispatch pass starts at once:
// starting one (fork, exec) mostly waits on the kernel, so a wide fan-out
// starts faster when a few overlap.
const startConcurrency = 4

// started is a claimed job run and what starting its process gave.
type started struct {
	claimedRun
	proc glue.Process
	err  error
}

// launch claims the STARTING job runs not yet watched (→ RUNNING), starts
// their processes and watches them. A run whose process cannot start fails
// with the reason. Should the server die between the claim and a process's
// start, the executor proves on restart that the run never started
// (glue.ErrNotStarted) and recover dispatches it again.
func (d *Dispatcher) launch(ctx context.Context, starting []*glue.JobRunRecord) error {
	var ids []string
	for _, r := range starting {
		if d.track(r.JobRun.ID, &flight{}) != nil {
			ids = append(ids, r.JobRun.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var runs []claimedRun
	err := d.m.apply(ctx, d.store, func(ctx context.Context, tx store.Tx) error {
		var err error
		runs, err = d.m.claim(ctx, tx, ids, d.member.name)
		return err
	})
	for _, id := range ids {
		if !slices.ContainsFunc(runs, func(c claimedRun) bool { return c.rec.JobRun.ID == id }) {
			d.untrack(id)
		}
	}
	if err != nil {
		return fmt.Errorf("claim job runs: %w", err)
	}
	procs := d.startProcesses(runs)
	return errors.Join(d.recordProcesses(ctx, procs), d.failUnstarted(ctx, procs))
}

// startProcesses starts the claimed runs' processes, a few at a time.
func (d *Dispatcher) startProcesses(runs []claimedRun) []*started {
	out := make([]*started, len(runs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, startConcurrency)
	for i, c := range runs {
		out[i] = &started{claimedRun: c}
		wg.Add(1)
		sem <- struct{}{}
		go func(s *started) {
			defer wg.Done()
			defer func() { <-sem }()
			s.proc, s.err = d.exec.Start(d.ctx, runSpec(s.rec, s.job))
		}(out[i])
	}
	wg.Wait()
	return out
}

// recordProcesses stores the started processes' pids in one transaction and
// starts watching them.
func (d *Dispatcher) recordProcesses(ctx context.Context, procs []*started) error {
	err := d.m.apply(ctx, d.store, func(ctx context.Context, tx store.Tx) error {
		for _, s := range procs {
			if s.err == nil {
				if err := d.m.recordProcess(ctx, tx, s.rec.JobRun.ID, s.proc.PID(), s.proc.StartTime()); err != nil {
					return err
				}
			}
		}
		return nil
	})
	for _, s := range procs {
		if s.err == nil {
			d.m.emit(ctx, Event{Kind: JobRunStarted, WorkflowRunID: s.rec.WorkflowRunID,
				attrs: []any{"job_run", s.rec.JobRun.ID, "job", s.rec.JobRun.JobName, "attempt", s.rec.JobRun.Attempt,
					"workflow_run", s.rec.WorkflowRunID, "pid", s.proc.PID()}})
			d.watch(s.rec, s.proc)
		}
	}
	if err != nil {
		return fmt.Errorf("record job processes: %w", err)
	}
	return nil
}

// failUnstarted ends FAILED the runs whose process could not start.
func (d *Dispatcher) failUnstarted(ctx context.Context, procs []*started) error {
	var errs []error
	for _, s := range procs {
		if s.err == nil {
			continue
		}
		id := s.rec.JobRun.ID
		d.log.Info("job run could not start", "job_run", id, "err", s.err)
		res := glue.ProcessResult{ExitCode: -1, Error: s.err.Error()}
		errs = append(errs, d.m.apply(ctx, d.store, func(ctx context.Context, tx store.Tx) error {
			return d.m.finishJob(ctx, tx, id, glue.JobRunFailed, res)
		}))
		d.untrack(id)
	}
	return errors.Join(errs...)
}

// watch attaches a job run's process to its flight and waits for it to end
// in the background. A stop asked for before the process existed is applied
// now.
func (d *Dispatcher) watch(rec *glue.JobRunRecord, proc glue.Process) {
	id := rec.JobRun.ID
	d.mu.Lock()
	f := d.flights[id]
	if f == nil {
		f = &flight{}
		d.flights[id] = f
	}
	f.proc, f.deadline, f.minutes = proc, rec.Deadline.Time, timeoutMinutes(rec)
	if f.stopping != "" {
		d.stopLocked(f)
	}
	d.mu.Unlock()
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		select {
		case res := <-proc.Done():
			d.end(ending{id: id, res: res})
		case <-d.ctx.Done(): // shutting down: the next server adopts the process
		}
	}()
}

// startCrawl performs a RUNNING crawl in the background, once.
func (d *Dispatcher) startCrawl(id string) {
	ctx, cancel := context.WithCancel(d.ctx)
	if d.track(id, &flight{crawl: true, cancel: cancel}) == nil {
		cancel()
		return
	}
	d.m.emit(d.ctx, Event{Kind: CrawlStarted, attrs: []any{"crawl", id}})
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		defer cancel()
		res, err := d.crawl(ctx, id)
		if d.ctx.Err() != nil {
			return // shutting down: the next server crawls again
		}
		d.end(ending{id: id, crawl: true, crawlRes: res, crawlErr: err})
	}()
}

// crawl reads the crawler of a crawl and crawls its targets.
func (d *Dispatcher) crawl(ctx context.Context, id string) (glue.CrawlResult, error) {
	var crawler *glue.Crawler
	err := d.store.View(ctx, func(tx store.Tx) error {
		crawl, err := tx.Crawls().Get(ctx, id)
		if err != nil {
			return err
		}
		crawler, err = tx.Crawlers().Get(ctx, crawl.CrawlerName)
		return err
	})
	if err != nil {
		return glue.CrawlResult{}, err
	}
	return d.crawler.Crawl(ctx, crawler)
}

// runSpec builds the executor's view of a job run: Glue's system arguments
// first, then the job's merged arguments in key order.
func runSpec(rec *glue.JobRunRecord, job *glue.Job) *glue.RunSpec {
	argv := []string{"--JOB_ID", glue.JobID(job.Name), "--JOB_RUN_ID", rec.JobRun.ID, "--JOB_NAME", job.Name}
	if rec.WorkflowRunID != "" {
		argv = append(argv, "--WORKFLOW_NAME", rec.WorkflowName, "--WORKFLOW_RUN_ID", rec.WorkflowRunID)
	}
	args := job.MergeArguments(rec.JobRun.Arguments)
	keys := make([]string, 0, len(args))
	for k := range args {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		argv = append(argv, k, args[k])
	}
	return &glue.RunSpec{JobRunID: rec.JobRun.ID, Job: job, Attempt: rec.JobRun.Attempt, WorkflowName: rec.WorkflowName,
		WorkflowRunID: rec.WorkflowRunID, Argv: argv}
}
