package engine

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine outlives them: the
// Dispatcher and the Scheduler must stop everything they start.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
