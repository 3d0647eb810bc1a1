package blueprint_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any leaves a goroutine behind: a
// generation's process watchers, or a Manager's background work after Stop.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
