//go:build linux

package executor

// checkPlatform reports whether jobs can run here: on Linux they can.
func checkPlatform() error { return nil }
