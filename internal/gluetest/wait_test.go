package gluetest_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/gluetest"
)

// fatalRecorder is a testing.TB whose Fatal records its arguments and ends
// the calling goroutine, as testing.T's does.
type fatalRecorder struct {
	testing.TB
	args []any
}

func (r *fatalRecorder) Helper() {}

func (r *fatalRecorder) Fatal(args ...any) {
	r.args = args
	runtime.Goexit()
}

// eventually runs gluetest.Eventually on its own goroutine against a
// recorder and returns what it failed with (nil when it returned).
func eventually(t *testing.T, timeout time.Duration, cond func() bool) []any {
	r := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		gluetest.Eventually(r, timeout, cond, "the %s turned", "tide")
	}()
	<-done
	return r.args
}

// Ensure Eventually returns once the condition holds, checking it again
// until it does.
func TestEventually_Holds(t *testing.T) {
	t.Parallel()
	checks := 0
	require.Nil(t, eventually(t, time.Hour, func() bool { checks++; return checks == 3 }))
	require.Equal(t, 3, checks)
}

// Ensure Eventually fails the test with a *Timeout that says what did not
// happen, having checked at least once.
func TestEventually_Timeout(t *testing.T) {
	t.Parallel()
	checks := 0
	args := eventually(t, 0, func() bool { checks++; return false })
	require.Len(t, args, 1)
	timeout, ok := args[0].(*gluetest.Timeout)
	require.True(t, ok, "a *Timeout, got %T", args[0])
	require.Equal(t, "the tide turned", timeout.What)
	require.Equal(t, checks, timeout.Checks)
	require.Positive(t, checks)
	require.Contains(t, timeout.Error(), "timed out: the tide turned")
}

// Ensure a Lazy among Eventually's args reports what the last check saw.
func TestEventually_Lazy(t *testing.T) {
	t.Parallel()
	seen := 0
	r := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		gluetest.Eventually(r, 0, func() bool { seen = 7; return false }, "saw %s",
			gluetest.Lazy(func() string { return fmt.Sprint(seen) }))
	}()
	<-done
	require.Len(t, r.args, 1)
	require.Equal(t, "saw 7", r.args[0].(*gluetest.Timeout).What)
}
