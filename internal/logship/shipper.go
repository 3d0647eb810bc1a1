// Package logship makes job output readable from every node: the Shipper
// copies what the executor's output relay writes to a job run's local log
// files into the store, chunk by chunk, on the node that runs the job; the
// Reader reads a run's output from the local files when this node has them
// and from the shipped copy otherwise.
package logship

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/epoxy-run/epoxy/internal/executor"
	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// Defaults of Config.
const (
	// DefaultInterval is the time between shipping passes.
	DefaultInterval = time.Second
	// stopFlush bounds the last pass Stop makes.
	stopFlush = 10 * time.Second
)

// streams are a job run's output streams, as the executor names its files.
var streams = []string{"stdout", "stderr"}

// Clock tells the time. Tests inject a fake one.
type Clock interface {
	Now() time.Time
}

// Config configures a Shipper. DataDir, Store and Clock are required.
type Config struct {
	// DataDir is the data directory the executor writes job output in.
	DataDir string
	Store   store.Store
	// Clock times output that has no stamp of the relay (written by an
	// older Epoxy, or a job that rewrote its time file).
	Clock  Clock
	Logger *slog.Logger
	// Interval is the time between passes (DefaultInterval when 0).
	Interval time.Duration
	// ChunkBytes is the most output one transaction ships
	// (store.MaxLogChunkBytes when 0 or more than that).
	ChunkBytes int
}

// Shipper copies job output from the data directory into the store: each
// pass ships, for every job run with a log directory here, what its files
// gained since the last pass, in chunks of at most ChunkBytes, one short
// transaction each; once the run's process has ended it ships the rest and
// marks the streams final. It resumes from what the store holds, so a
// chunk is never stored twice nor skipped across restarts.
type Shipper struct {
	cfg Config
	log *slog.Logger

	mu   sync.Mutex // serialises passes and guards runs
	runs map[string]*runState

	life   sync.Mutex // guards cancel and done
	cancel context.CancelFunc
	done   chan struct{}
}

// runState is what a Shipper knows of one job run.
type runState struct {
	streams map[string]*streamState
	done    bool // every stream is final in the store
}

// New returns a Shipper; call Start to ship in the background.
func New(cfg Config) *Shipper {
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultInterval
	}
	if cfg.ChunkBytes <= 0 || cfg.ChunkBytes > store.MaxLogChunkBytes {
		cfg.ChunkBytes = store.MaxLogChunkBytes
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Shipper{cfg: cfg, log: log, runs: map[string]*runState{}}
}

// Start runs a pass now and then one every interval, until Stop or until
// ctx is cancelled.
func (s *Shipper) Start(ctx context.Context) error {
	s.life.Lock()
	defer s.life.Unlock()
	if s.done != nil {
		return errors.New("logship: Start called twice")
	}
	ctx, s.cancel = context.WithCancel(ctx)
	s.done = make(chan struct{})
	go s.loop(ctx)
	return nil
}

// Stop ends the background passes, then makes one last pass (bounded in
// time) so that output of runs that ended just before is shipped. A nil
// Shipper does nothing.
func (s *Shipper) Stop() {
	if s == nil {
		return
	}
	s.life.Lock()
	cancel, done := s.cancel, s.done
	s.life.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	<-done
	ctx, cancelFlush := context.WithTimeout(context.Background(), stopFlush)
	defer cancelFlush()
	if err := s.RunOnce(ctx); err != nil {
		s.log.Warn("last log shipping pass failed", "error", err)
	}
}

func (s *Shipper) loop(ctx context.Context) {
	defer close(s.done)
	ticker := time.NewTicker(s.cfg.Interval)
	defer ticker.Stop()
	for {
		if err := s.RunOnce(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("log shipping pass failed", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// RunOnce ships what every job run's output gained since the last pass. A
// failure with one run does not stop the others; the errors are returned
// together.
func (s *Shipper) RunOnce(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids, err := s.runIDs()
	if err != nil {
		return err
	}
	present := make(map[string]*runState, len(ids))
	var errs []error
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return err
		}
		r := s.runs[id]
		if r == nil {
			r = &runState{streams: map[string]*streamState{}}
		}
		present[id] = r
		if !r.done {
			if err := s.shipRun(ctx, id, r); err != nil {
				errs = append(errs, fmt.Errorf("ship output of job run %s: %w", id, err))
			}
		}
	}
	s.runs = present // forget runs whose directory was removed
	return errors.Join(errs...)
}

// runIDs lists the job runs that have a log directory here.
func (s *Shipper) runIDs() ([]string, error) {
	entries, err := os.ReadDir(executor.LogsDir(s.cfg.DataDir))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(entries))
	for _, e := range entries {
		if e.IsDir() && executor.CheckRunID(e.Name()) == nil {
			ids = append(ids, e.Name())
		}
	}
	return ids, nil
}

// shipRun ships each stream of a run, noting when all are final.
func (s *Shipper) shipRun(ctx context.Context, id string, r *runState) error {
	_, err := os.Stat(executor.EndedFile(s.cfg.DataDir, id))
	ended := err == nil // checked before the files are read: their size is then final
	final := true
	for _, name := range streams {
		st := r.streams[name]
		if st == nil {
			st = &streamState{}
			r.streams[name] = st
		}
		if err := s.shipStream(ctx, id, name, st, ended); err != nil {
			return err
		}
		final = final && st.final
	}
	r.done = final
	return nil
}

// shipStream ships a stream's new output, a chunk a transaction, and the
// final mark once the run has ended and everything is shipped. It ships
// what the file held when it began, so a job printing faster than the
// store takes it does not hold the pass on its run.
func (s *Shipper) shipStream(ctx context.Context, id, name string, st *streamState, ended bool) error {
	if !st.loaded {
		if err := s.load(ctx, id, name, st); err != nil {
			return err
		}
	}
	target := int64(-1)
	for !st.final {
		c, size, err := st.next(s.cfg.DataDir, id, name, s.cfg.ChunkBytes, ended, s.cfg.Clock)
		if err != nil || c == nil {
			return err
		}
		if target < 0 {
			target = size
		}
		if err := s.append(ctx, id, name, c); err != nil {
			st.loaded = false // learn again what the store holds
			return err
		}
		st.shipped(c)
		if c.End() >= target {
			return nil
		}
	}
	return nil
}

// load reads how far the stream is stored, to resume from there.
func (s *Shipper) load(ctx context.Context, id, name string, st *streamState) error {
	var end store.LogEnd
	err := s.cfg.Store.View(ctx, func(tx store.Tx) error {
		var err error
		end, err = tx.Logs().End(ctx, id, name)
		return err
	})
	if err != nil {
		return err
	}
	*st = streamState{loaded: true, offset: end.Offset, final: end.Final}
	return nil
}

// append stores one chunk in a transaction of its own.
func (s *Shipper) append(ctx context.Context, id, name string, c *store.LogChunk) error {
	return s.cfg.Store.Update(ctx, func(tx store.Tx) error {
		isNew, err := tx.Logs().Append(ctx, id, name, c)
		if err == nil && !isNew {
			err = glue.Errorf(glue.ConcurrentModification, "%s of job run %s at %d was shipped already", name, id, c.Offset)
		}
		return err
	})
}

// openLog opens a run's log file or its time file; nil when it does not
// exist.
func openLog(dataDir, id, name string) (*os.File, error) {
	f, err := executor.OpenRegular(filepath.Join(executor.LogDir(dataDir, id), name))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return f, err
}

// readAt reads up to n bytes of f at off.
func readAt(f *os.File, off int64, n int) ([]byte, error) {
	buf := make([]byte, n)
	got, err := f.ReadAt(buf, off)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return buf[:got], nil
}
