package engine

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// Scheduler is the start/stop service that fires SCHEDULED triggers and
// crawler schedules at their cron fire times and starts event batches whose
// window has expired. Each pass (runOnce) reads the time from the injected
// clock, so tests call runOnce after moving a fake clock.
type Scheduler struct {
	store  store.Store
	m      *machine
	clock  Clock
	log    *slog.Logger
	tick   time.Duration
	wake   func() // tells the dispatcher that a pass created work
	member *member
	parsed schedules
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func newScheduler(cfg Config, m *machine, n *member, wake func()) *Scheduler {
	s := &Scheduler{store: cfg.Store, m: m, clock: cfg.Clock, log: m.log, tick: cfg.Tick, wake: wake, member: n}
	if s.tick <= 0 {
		s.tick = time.Second
	}
	return s
}

// Start runs a pass every tick in the background until Stop.
func (s *Scheduler) Start(ctx context.Context) {
	ctx, s.cancel = context.WithCancel(ctx)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		ticker := time.NewTicker(s.tick)
		defer ticker.Stop()
		for {
			if err := s.runOnce(ctx); err != nil && ctx.Err() == nil {
				s.log.Error("scheduler", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
			}
		}
	}()
}

// Stop ends the background passes.
func (s *Scheduler) Stop() {
	if s.cancel != nil {
		s.cancel()
	}
	s.wg.Wait()
}

// runOnce is one scheduler pass at the clock's current time: due schedules
// fire and expired event batches start runs. With several nodes, only the
// leader passes, and it also rescues the work of nodes whose lease lapsed.
func (s *Scheduler) runOnce(ctx context.Context) error {
	lead, err := s.member.lead(ctx)
	if !lead {
		return err
	}
	errs := []error{s.fireSchedules(ctx), s.expireBatches(ctx)}
	if !s.member.alone() {
		errs = append(errs, s.update(ctx, s.m.rescue))
	}
	return errors.Join(errs...)
}

// update applies fn in a transaction and wakes the dispatcher after it
// commits, since a firing creates job runs and crawls.
func (s *Scheduler) update(ctx context.Context, fn func(context.Context, store.Tx) error) error {
	if err := s.m.apply(ctx, s.store, fn); err != nil {
		return err
	}
	s.wake()
	return nil
}

func (s *Scheduler) fireSchedules(ctx context.Context) error {
	var want map[string]string
	var states []*glue.ScheduleRecord
	err := s.store.View(ctx, func(tx store.Tx) error {
		var err error
		if want, err = wantedSchedules(ctx, tx); err != nil {
			return err
		}
		states, err = tx.Schedules().List(ctx)
		return err
	})
	if err != nil {
		return err
	}
	known := map[string]*glue.ScheduleRecord{}
	for _, st := range states {
		known[st.Key] = st
	}
	var errs []error
	for key, expr := range want {
		errs = append(errs, s.fireSchedule(ctx, key, expr, known[key]))
	}
	for key := range known {
		if _, ok := want[key]; !ok {
			errs = append(errs, s.m.apply(ctx, s.store, func(ctx context.Context, tx store.Tx) error { return tx.Schedules().Delete(ctx, key) }))
		}
	}
	return errors.Join(errs...)
}

// fireSchedule fires one schedule if a fire time has come since the last
// one it handled.
func (s *Scheduler) fireSchedule(ctx context.Context, key, expr string, st *glue.ScheduleRecord) error {
	now := s.clock.Now().UTC()
	if st == nil || st.Expression != expr {
		return s.m.apply(ctx, s.store, func(ctx context.Context, tx store.Tx) error {
			cur, err := tx.Schedules().Get(ctx, key)
			if err != nil || (cur != nil && cur.Expression == expr) {
				return err // another pass got here first
			}
			return tx.Schedules().Put(ctx, &glue.ScheduleRecord{Key: key, Expression: expr, LastFire: now})
		})
	}
	sched, err := s.parsed.parse(expr)
	if err != nil {
		return err
	}
	next, ok := sched.Next(st.LastFire)
	if !ok || next.After(now) {
		return nil
	}
	for {
		n, ok := sched.Next(next)
		if !ok || n.After(now) {
			break
		}
		next = n
	}
	return s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		cur, err := tx.Schedules().Get(ctx, key)
		if err != nil || cur == nil || cur.Expression != expr || !cur.LastFire.Before(next) {
			return err // changed or handled by another pass meanwhile
		}
		fresh, err := tx.Schedules().Fired(ctx, key, next)
		if err != nil {
			return err
		}
		if err := tx.Schedules().Put(ctx, &glue.ScheduleRecord{Key: key, Expression: expr, LastFire: next}); err != nil || !fresh {
			return err
		}
		s.m.emit(ctx, Event{Kind: ScheduleFired, FireTime: next, attrs: []any{"schedule", key, "fire_time", next}})
		if name, ok := strings.CutPrefix(key, crawlerKey); ok {
			return s.m.fireCrawlerSchedule(ctx, tx, name)
		}
		return s.m.fireScheduledTrigger(ctx, tx, strings.TrimPrefix(key, triggerKey), expr)
	})
}

// expireBatches starts a run for every batch whose window has passed since
// its first event.
func (s *Scheduler) expireBatches(ctx context.Context) error {
	var workflows []string
	if err := s.store.View(ctx, func(tx store.Tx) error {
		var err error
		workflows, err = tx.Events().PendingWorkflows(ctx)
		return err
	}); err != nil || len(workflows) == 0 {
		return err
	}
	now := s.clock.Now()
	return s.update(ctx, func(ctx context.Context, tx store.Tx) error {
		for _, wf := range workflows {
			t, err := eventTrigger(ctx, tx, wf)
			if glue.IsCode(err, glue.EntityNotFound) || glue.IsCode(err, glue.InvalidInput) {
				continue // the workflow or its trigger is gone; its events wait
			}
			if err != nil {
				return err
			}
			pending, err := tx.Events().Pending(ctx, wf)
			if err != nil {
				return err
			}
			window := batchWindow(t)
			if len(pending) == 0 || t.State != glue.TriggerActivated || now.Before(pending[0].ReceivedAt.Add(window)) {
				continue
			}
			w := int32(window / time.Second)
			if err := s.m.startBatch(ctx, tx, wf, pending[:min(len(pending), batchSize(t))], &glue.StartingEventBatchCondition{BatchWindow: &w}); err != nil {
				return err
			}
		}
		return nil
	})
}
