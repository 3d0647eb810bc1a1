// Package service implements the Glue operations on definitions: it applies
// Glue's rules (references between workflows, triggers, jobs and crawlers,
// defaults, state changes) inside store transactions, so each operation is
// atomic. It knows nothing of the wire format; package api calls it.
package service

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"github.com/epoxy-run/epoxy/internal/cron"
	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// Clock tells the time. Tests inject a fake one.
type Clock interface {
	Now() time.Time
}

// ScheduleValidator checks a cron schedule expression, returning an
// InvalidInputException-worthy error when it is not valid.
type ScheduleValidator func(expr string) error

// Firer fires triggers; it is the engine. The service hands ON_DEMAND
// StartTrigger calls to it.
type Firer interface {
	// FireOnDemand starts the actions of an ON_DEMAND trigger, or a run of
	// its workflow when it is a workflow's start trigger.
	FireOnDemand(ctx context.Context, t *glue.Trigger) error
}

// Config configures a Service.
type Config struct {
	Store    store.Store
	Clock    Clock
	Logger   *slog.Logger
	Region   string
	Account  string
	Schedule ScheduleValidator
	Firer    Firer
}

// Service implements Glue's definition operations.
type Service struct {
	store    store.Store
	clock    Clock
	log      *slog.Logger
	region   string
	account  string
	schedule ScheduleValidator
	firer    Firer
}

// New returns a Service. Store, Clock, Region and Account are required.
func New(cfg Config) *Service {
	s := &Service{store: cfg.Store, clock: cfg.Clock, log: cfg.Logger, region: cfg.Region,
		account: cfg.Account, schedule: cfg.Schedule, firer: cfg.Firer}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.schedule == nil {
		s.schedule = func(string) error { return nil }
	}
	return s
}

// now returns the current time truncated to milliseconds, the precision
// timestamps have on the wire, so stored and returned values agree.
func (s *Service) now() time.Time { return s.clock.Now().UTC().Truncate(time.Millisecond) }

func (s *Service) regionOf(ctx context.Context) string { return glue.RegionFrom(ctx, s.region) }

// batchGet fetches each name with get, splitting found from missing.
func batchGet[T any](ctx context.Context, names []string, get func(store.Tx, string) (*T, error), st store.Store) (found []*T, missing []string, err error) {
	err = st.View(ctx, func(tx store.Tx) error {
		found, missing = nil, nil
		for _, n := range names {
			v, err := get(tx, n)
			if glue.IsCode(err, glue.EntityNotFound) {
				missing = append(missing, n)
				continue
			}
			if err != nil {
				return err
			}
			found = append(found, v)
		}
		return nil
	})
	return found, missing, err
}

// CronSchedules returns a ScheduleValidator that accepts Glue's
// cron(...) expressions firing at most once every minInterval. Glue itself
// refuses schedules more frequent than every 5 minutes.
func CronSchedules(minInterval time.Duration) ScheduleValidator {
	return func(expr string) error {
		s, err := cron.Parse(expr)
		if err != nil {
			return glue.Errorf(glue.InvalidInput, "Schedule: %s", err.Error())
		}
		if s.FiresMoreOftenThan(minInterval) {
			return glue.Errorf(glue.InvalidInput, "Schedule: %s fires more often than once every %s; Glue supports schedules of at most one run every 5 minutes", expr, fmtMinutes(minInterval))
		}
		return nil
	}
}

func fmtMinutes(d time.Duration) string {
	if d%time.Minute == 0 {
		m := int(d / time.Minute)
		if m == 1 {
			return "minute"
		}
		return strconv.Itoa(m) + " minutes"
	}
	return d.String()
}
