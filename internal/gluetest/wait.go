package gluetest

import (
	"fmt"
	"testing"
	"time"
)

// Poll is how often Eventually checks its condition.
const Poll = 20 * time.Millisecond

// Timeout is how Eventually fails a test: what the test waited for, how
// long, and how many times it checked.
type Timeout struct {
	What   string
	Waited time.Duration
	Checks int
}

// Error says what did not happen in time.
func (e *Timeout) Error() string {
	return fmt.Sprintf("timed out: %s (not so after %s, %d checks)", e.What, e.Waited.Round(time.Millisecond), e.Checks)
}

// Eventually checks cond every Poll until it holds. When timeout passes
// first, it fails the test with a *Timeout whose What is format and args.
// The timeout only catches hangs: give it room for a busy machine, the wait
// ends as soon as cond holds. cond runs on the test's goroutine, so it may
// fail the test itself, at once, when what it sees can no longer change
// (a run that ended in another state).
func Eventually(t testing.TB, timeout time.Duration, cond func() bool, format string, args ...any) {
	t.Helper()
	start := time.Now()
	for checks := 1; !cond(); checks++ {
		if waited := time.Since(start); waited > timeout {
			t.Fatal(&Timeout{What: fmt.Sprintf(format, args...), Waited: waited, Checks: checks})
			return
		}
		time.Sleep(Poll)
	}
}

// Lazy is a description computed only when printed: pass one among
// Eventually's args to report the state a wait last saw, not the state
// when it began.
type Lazy func() string

// String computes the description.
func (l Lazy) String() string { return l() }
