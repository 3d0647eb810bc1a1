//go:build !linux

package executor

import (
	"fmt"
	"runtime"
)

// checkPlatform reports whether jobs can run here. Elsewhere than on Linux
// they cannot: the executor identifies, watches and reaps job processes
// through /proc (process.go, reap.go) and Linux process groups, and would
// otherwise take every adopted process for ended.
func checkPlatform() error {
	return fmt.Errorf("executor: jobs run only on Linux (Epoxy watches them through /proc), not on %s", runtime.GOOS)
}
