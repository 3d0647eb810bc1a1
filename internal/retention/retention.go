// Package retention deletes run history older than the retention period:
// ended workflow runs (with their firings and the events they consumed),
// job runs (with their log and run directories), crawls and blueprint
// runs. A pass runs when the service starts and then at every interval;
// each transaction deletes at most a batch of rows, so a pass with much to
// delete never holds the store's writer long.
package retention

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/epoxy-run/epoxy/internal/executor"
	"github.com/epoxy-run/epoxy/internal/store"
)

// Defaults of Config.
const (
	// DefaultInterval is the time between passes.
	DefaultInterval = time.Hour
	// DefaultBatch is the most rows one transaction deletes.
	DefaultBatch = 500
)

// Clock tells the time. Tests inject a fake one.
type Clock interface {
	Now() time.Time
}

// Files is the data directory, where job runs keep their log and run
// directories.
type Files interface {
	// Dir returns the directory's path.
	Dir() string
	// Rel returns path relative to the directory, or an error if path is
	// not strictly inside it.
	Rel(path string) (string, error)
	// RemoveAll removes rel and everything under it; a missing rel is not
	// an error.
	RemoveAll(rel string) error
}

// Config configures a Service. Store, Files and Clock are required.
type Config struct {
	Store store.Store
	Files Files
	Clock Clock
	// Logger receives a line per pass that deleted something, and errors.
	Logger *slog.Logger
	// Retention is how long ended history is kept after it ended; 0 keeps
	// it forever (the service does nothing).
	Retention time.Duration
	// Interval is the time between passes (DefaultInterval when 0).
	Interval time.Duration
	// Batch is the most rows one transaction deletes (DefaultBatch when 0).
	Batch int
}

// Result counts what a pass deleted.
type Result struct {
	WorkflowRuns, JobRuns, Crawls, BlueprintRuns int
}

// Total is the number of runs deleted.
func (r Result) Total() int { return r.WorkflowRuns + r.JobRuns + r.Crawls + r.BlueprintRuns }

// Service deletes expired history in the background between Start and
// Stop; RunOnce runs one pass in the caller's goroutine.
type Service struct {
	cfg Config
	log *slog.Logger

	mu     sync.Mutex // guards cancel and done
	cancel context.CancelFunc
	done   chan struct{}
}

// New returns a Service; call Start to run passes in the background.
func New(cfg Config) *Service {
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultInterval
	}
	if cfg.Batch <= 0 {
		cfg.Batch = DefaultBatch
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{cfg: cfg, log: log}
}

// Start runs a pass now and then one every interval, until Stop or until
// ctx is cancelled. With a retention of 0 it does nothing.
func (s *Service) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done != nil {
		return errors.New("retention: Start called twice")
	}
	s.done = make(chan struct{})
	if s.cfg.Retention <= 0 {
		close(s.done)
		return nil
	}
	ctx, s.cancel = context.WithCancel(ctx)
	go s.loop(ctx)
	return nil
}

// Stop cancels the pass in progress, if any, and waits for it: what it
// deleted so far stays deleted, the rest waits for the next start.
func (s *Service) Stop() {
	s.mu.Lock()
	cancel, done := s.cancel, s.done
	s.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	if done != nil {
		<-done
	}
}

func (s *Service) loop(ctx context.Context) {
	defer close(s.done)
	ticker := time.NewTicker(s.cfg.Interval)
	defer ticker.Stop()
	for {
		if _, err := s.RunOnce(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("retention pass failed", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// RunOnce deletes the history that ended more than the retention ago:
// workflow runs first, so that their job runs and crawls are no longer
// members of a stored run, then job runs, crawls and blueprint runs. It
// returns what it deleted, also when it stops on an error.
func (s *Service) RunOnce(ctx context.Context) (Result, error) {
	var res Result
	if s.cfg.Retention <= 0 {
		return res, nil
	}
	cutoff := s.cfg.Clock.Now().Add(-s.cfg.Retention)
	steps := []struct {
		count  *int
		expire func(store.Retention, context.Context, time.Time, int) ([]string, error)
		after  func(ids []string)
	}{
		{&res.WorkflowRuns, store.Retention.ExpireWorkflowRuns, nil},
		{&res.JobRuns, store.Retention.ExpireJobRuns, s.removeJobRunFiles},
		{&res.Crawls, store.Retention.ExpireCrawls, nil},
		{&res.BlueprintRuns, store.Retention.ExpireBlueprintRuns, nil},
	}
	for _, st := range steps {
		if err := s.expireAll(ctx, cutoff, st.count, st.expire, st.after); err != nil {
			return res, err
		}
	}
	if res.Total() > 0 {
		s.log.Info("deleted expired history", "before", cutoff.UTC().Format(time.RFC3339), "workflow_runs", res.WorkflowRuns,
			"job_runs", res.JobRuns, "crawls", res.Crawls, "blueprint_runs", res.BlueprintRuns)
	}
	return res, nil
}

// expireAll calls expire a batch at a time, each in its own transaction,
// until a batch comes back short, adding to count and handing each
// committed batch's ids to after.
func (s *Service) expireAll(ctx context.Context, cutoff time.Time, count *int,
	expire func(store.Retention, context.Context, time.Time, int) ([]string, error), after func([]string)) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		var ids []string
		err := s.cfg.Store.Update(ctx, func(tx store.Tx) error {
			var err error
			ids, err = expire(tx.Retention(), ctx, cutoff, s.cfg.Batch)
			return err
		})
		if err != nil {
			return fmt.Errorf("retention: %w", err)
		}
		*count += len(ids)
		if after != nil {
			after(ids)
		}
		if len(ids) < s.cfg.Batch {
			return nil
		}
	}
}

// removeJobRunFiles removes the log and run directories of deleted job
// runs. It runs after the deletion commits, so the store's writer is not
// held by file work; a directory that cannot be removed (a job may leave
// files it made unremovable) is logged and left.
func (s *Service) removeJobRunFiles(ids []string) {
	dir := s.cfg.Files.Dir()
	for _, id := range ids {
		if err := executor.CheckRunID(id); err != nil {
			s.log.Warn("not removing the files of a job run with an unsafe id", "job_run", id, "error", err)
			continue
		}
		for _, path := range []string{executor.LogDir(dir, id), executor.RunDir(dir, id)} {
			if err := s.remove(path); err != nil {
				s.log.Warn("cannot remove an expired job run's files", "job_run", id, "path", path, "error", err)
			}
		}
	}
}

func (s *Service) remove(path string) error {
	rel, err := s.cfg.Files.Rel(path)
	if err != nil {
		return err
	}
	return s.cfg.Files.RemoveAll(rel)
}
