package executor

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any leaves a goroutine behind: a
// process's waiter once the process ended, or the watcher of an adopted
// process after Close.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
