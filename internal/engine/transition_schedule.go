package engine

import (
	"context"
	"errors"
	"sync"

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

func (m *machine) fireScheduledTrigger(ctx context.Context, tx store.Tx, name, expr string) error {
	t, err := tx.Triggers().Get(ctx, name)
	if glue.IsCode(err, glue.EntityNotFound) {
		return nil
	}
	if err != nil || t.State != glue.TriggerActivated || t.Schedule != expr {
		return err
	}
	if t.WorkflowName == "" {
		_, err := m.fireActions(ctx, tx, t, "", "", nil)
		return err
	}
	_, err = m.startOrRecord(ctx, tx, t.WorkflowName, nil, nil)
	return err
}

func (m *machine) fireCrawlerSchedule(ctx context.Context, tx store.Tx, name string) error {
	c, err := tx.Crawlers().Get(ctx, name)
	if glue.IsCode(err, glue.EntityNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if c.State != glue.CrawlerStateReady {
		m.log.Info("crawler schedule skipped: crawler is busy", "crawler", name, "state", c.State)
		return nil
	}
	_, err = m.startCrawl(ctx, tx, name, "", "", "")
	return err
}

// startOrRecord starts a run for a schedule or an event batch. When the
// workflow is at its MaxConcurrentRuns, the attempt is recorded as a run in
// ERROR with Glue's message ("Concurrent runs exceeded for workflow:
// <name>."), so it is visible in GetWorkflowRuns rather than silently lost.
func (m *machine) startOrRecord(ctx context.Context, tx store.Tx, workflow string, props map[string]string, batch *glue.StartingEventBatchCondition) (string, error) {
	run, err := m.startRun(ctx, tx, workflow, props, batch)
	if err == nil {
		return run.Run.WorkflowRunID, nil
	}
	var ge *glue.Error
	if !errors.As(err, &ge) || ge.Code != glue.ConcurrentRunsExceeded {
		return "", err
	}
	now := m.now()
	rec := &glue.WorkflowRunRecord{Run: glue.WorkflowRun{Name: workflow, WorkflowRunID: glue.NewID("wr"), StartedOn: glue.At(now), CompletedOn: glue.At(now),
		Status: glue.WorkflowRunError, ErrorMessage: ge.Message, WorkflowRunProperties: props, StartingEventBatchCondition: batch}}
	m.log.Info("scheduled or event run not started", "workflow", workflow, "reason", ge.Message)
	return rec.Run.WorkflowRunID, tx.WorkflowRuns().Insert(ctx, rec)
}
