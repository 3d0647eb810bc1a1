package engine

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/epoxy-run/epoxy/internal/cron"
	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// The scheduler fires SCHEDULED triggers and crawler schedules at their
// cron fire times, and starts event batches whose window has expired.
//
// Each schedule's last handled fire time is stored, and each firing is
// recorded under (schedule, fire time) in the same transaction as what it
// starts, so a fire time fires once even across restarts. Fire times missed
// while Epoxy was not running are coalesced: on the next pass the schedule
// fires once, for the latest missed time, then carries on (docs/behaviour.md,
// "Schedules"). A schedule that is newly activated or whose expression
// changed starts counting from now.

const (
	triggerKey = "trigger:"
	crawlerKey = "crawler:"
)

// schedules caches parsed cron expressions.
type schedules struct {
	mu     sync.Mutex
	parsed map[string]*cron.Schedule
}

func (s *schedules) parse(expr string) (*cron.Schedule, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.parsed[expr]; ok {
		return p, nil
	}
	p, err := cron.Parse(expr)
	if err != nil {
		return nil, err
	}
	if s.parsed == nil {
		s.parsed = map[string]*cron.Schedule{}
	}
	s.parsed[expr] = p
	return p, nil
}

func (e *Engine) scheduleLoop() {
	defer e.wg.Done()
	ticker := time.NewTicker(e.tick)
	defer ticker.Stop()
	for {
		if err := e.Tick(e.runCtx); err != nil && e.runCtx.Err() == nil {
			e.log.Error("scheduler", "err", err)
		}
		select {
		case <-e.runCtx.Done():
			return
		case <-ticker.C:
		}
	}
}

// Tick runs one scheduler pass at the engine clock's current time: due
// schedules fire and expired event batches start runs.
func (e *Engine) Tick(ctx context.Context) error {
	return errors.Join(e.fireSchedules(ctx), e.expireBatches(ctx))
}

// wantedSchedules returns the expression of every schedule that should be
// firing: ACTIVATED SCHEDULED triggers and crawlers whose schedule is on.
func wantedSchedules(ctx context.Context, tx store.Tx) (map[string]string, error) {
	want := map[string]string{}
	triggers, err := tx.Triggers().List(ctx, glue.ListOptions{})
	if err != nil {
		return nil, err
	}
	for _, t := range triggers {
		if t.Type == glue.TriggerScheduled && t.State == glue.TriggerActivated {
			want[triggerKey+t.Name] = t.Schedule
		}
	}
	crawlers, err := tx.Crawlers().List(ctx, glue.ListOptions{})
	if err != nil {
		return nil, err
	}
	for _, c := range crawlers {
		if c.Schedule != nil && c.Schedule.State == glue.ScheduleScheduled {
			want[crawlerKey+c.Name] = c.Schedule.ScheduleExpression
		}
	}
	return want, nil
}

func (e *Engine) fireSchedules(ctx context.Context) error {
	var want map[string]string
	var states []*glue.ScheduleRecord
	err := e.store.View(ctx, func(tx store.Tx) error {
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
		errs = append(errs, e.fireSchedule(ctx, key, expr, known[key]))
	}
	for key := range known {
		if _, ok := want[key]; !ok {
			errs = append(errs, e.store.Update(ctx, func(tx store.Tx) error { return tx.Schedules().Delete(ctx, key) }))
		}
	}
	return errors.Join(errs...)
}

// fireSchedule fires one schedule if a fire time has come since the last
// one it handled.
func (e *Engine) fireSchedule(ctx context.Context, key, expr string, st *glue.ScheduleRecord) error {
	now := e.clock.Now().UTC()
	if st == nil || st.Expression != expr {
		return e.store.Update(ctx, func(tx store.Tx) error {
			cur, err := tx.Schedules().Get(ctx, key)
			if err != nil || (cur != nil && cur.Expression == expr) {
				return err // another pass got here first
			}
			return tx.Schedules().Put(ctx, &glue.ScheduleRecord{Key: key, Expression: expr, LastFire: now})
		})
	}
	sched, err := e.sched.parse(expr)
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
	return e.update(ctx, func(tx store.Tx) error {
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
		e.log.Info("schedule fired", "schedule", key, "fire_time", next)
		if name, ok := strings.CutPrefix(key, crawlerKey); ok {
			return e.fireCrawlerSchedule(ctx, tx, name)
		}
		return e.fireScheduledTrigger(ctx, tx, strings.TrimPrefix(key, triggerKey), expr)
	})
}

func (e *Engine) fireScheduledTrigger(ctx context.Context, tx store.Tx, name, expr string) error {
	t, err := tx.Triggers().Get(ctx, name)
	if glue.IsCode(err, glue.EntityNotFound) {
		return nil
	}
	if err != nil || t.State != glue.TriggerActivated || t.Schedule != expr {
		return err
	}
	if t.WorkflowName == "" {
		_, err := e.fireActions(ctx, tx, t, "", "", nil)
		return err
	}
	_, err = e.startOrRecord(ctx, tx, t.WorkflowName, nil, nil)
	return err
}

func (e *Engine) fireCrawlerSchedule(ctx context.Context, tx store.Tx, name string) error {
	c, err := tx.Crawlers().Get(ctx, name)
	if glue.IsCode(err, glue.EntityNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if c.State != glue.CrawlerStateReady {
		e.log.Info("crawler schedule skipped: crawler is busy", "crawler", name, "state", c.State)
		return nil
	}
	_, err = e.startCrawl(ctx, tx, name, "", "", "")
	return err
}

// startOrRecord starts a run for a schedule or an event batch. When the
// workflow is at its MaxConcurrentRuns, the attempt is recorded as a run in
// ERROR with Glue's message ("Concurrent runs exceeded for workflow:
// <name>."), so it is visible in GetWorkflowRuns rather than silently lost.
func (e *Engine) startOrRecord(ctx context.Context, tx store.Tx, workflow string, props map[string]string, batch *glue.StartingEventBatchCondition) (string, error) {
	run, err := e.startRun(ctx, tx, workflow, props, batch)
	if err == nil {
		return run.Run.WorkflowRunID, nil
	}
	var ge *glue.Error
	if !errors.As(err, &ge) || ge.Code != glue.ConcurrentRunsExceeded {
		return "", err
	}
	now := e.now()
	rec := &glue.WorkflowRunRecord{Run: glue.WorkflowRun{Name: workflow, WorkflowRunID: glue.NewID("wr"), StartedOn: now, CompletedOn: now,
		Status: glue.WorkflowRunError, ErrorMessage: ge.Message, WorkflowRunProperties: props, StartingEventBatchCondition: batch}}
	e.log.Info("scheduled or event run not started", "workflow", workflow, "reason", ge.Message)
	return rec.Run.WorkflowRunID, tx.WorkflowRuns().Insert(ctx, rec)
}
