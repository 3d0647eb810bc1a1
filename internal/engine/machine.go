package engine

import (
	"log/slog"
	"time"
)

// machine applies Glue's run rules inside store transactions: every state
// change of a workflow run, job run or crawl, and everything it causes
// (retries, trigger evaluation, the runs that fire, the end of a workflow
// run), is one of its methods. It has no goroutines and no executor: a
// transition reads and writes only the transaction it is given and reads the
// time from its clock, so each is a plain function of (ctx, tx, clock) that
// the Dispatcher, the Scheduler and the Engine's commands apply, and tests
// drive directly.
type machine struct {
	clock    Clock
	log      *slog.Logger
	observer Observer // nil: events are only logged
}

// now is the time recorded on state changes, in Glue's millisecond precision.
func (m *machine) now() time.Time { return m.clock.Now().UTC().Truncate(time.Millisecond) }
