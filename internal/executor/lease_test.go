package executor

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Ensure a job bound to its node's lease kills its whole process group,
// saying why, once the lease file goes untouched for the lease: a node that
// dies leaves nothing running.
func TestLease_UnrenewedJobStops(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	l := newTestLocal(t, dir, func(c *Config) { c.Lease = time.Second })
	pidFile := filepath.Join(t.TempDir(), "child")
	p := start(t, l, pySpec("jr_lease_lost", script(t, `
import subprocess, time, os
child = subprocess.Popen(["sleep", "1000"])
open(`+strconv.Quote(pidFile)+`, "w").write(str(child.pid))
while True:
    time.sleep(0.05)
`)))
	// The node renews the lease until the job has started its child (python
	// may take longer than the lease to start on a busy machine), then
	// stops, as a node that died would.
	eventually(t, func() bool {
		require.NoError(t, p.(*process).Renew())
		_, err := os.Stat(pidFile)
		return err == nil
	}, "the job started its child")
	res := result(t, p)
	require.Equal(t, 137, res.ExitCode)
	require.Contains(t, res.Error, "stopped renewing its lease")
	b, err := os.ReadFile(pidFile)
	require.NoError(t, err)
	child, err := strconv.Atoi(strings.TrimSpace(string(b)))
	require.NoError(t, err)
	eventually(t, func() bool { return syscall.Kill(child, 0) != nil }, "the job's child process is gone too")
}

// Ensure a job whose node renews its lease runs on past many lease
// periods: the script counts the renewals it sees and ends by itself after
// thirty, which takes three times the lease.
func TestLease_RenewedJobRuns(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	l := newTestLocal(t, dir, func(c *Config) { c.Lease = time.Second })
	p := start(t, l, pySpec("jr_lease_kept", script(t, `
import os, time
seen = set()
while len(seen) < 30:
    seen.add(os.stat(os.environ["EPOXY_LEASE_FILE"]).st_mtime_ns)
    time.sleep(0.01)
`)))
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				require.NoError(t, p.(*process).Renew())
			}
		}
	}()
	res := result(t, p)
	close(stop)
	wg.Wait()
	require.Equal(t, 0, res.ExitCode, res.Error)
}

// Ensure an ETL runner's job, started through the shell prologue, is bound
// to the lease too.
func TestLease_UnrenewedETLJobStops(t *testing.T) {
	t.Parallel()
	l := newTestLocal(t, t.TempDir(), func(c *Config) {
		c.Lease = time.Second
		c.ETLRunner = []string{"/bin/sh", "-c", "exec sleep 1000"}
	})
	spec := pySpec("jr_lease_etl", script(t, "pass\n"))
	spec.Job.Command.Name = "glueetl"
	res := result(t, start(t, l, spec))
	require.Equal(t, 137, res.ExitCode)
	require.Contains(t, res.Error, "stopped renewing its lease")
}
