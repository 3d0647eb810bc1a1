package executor

import (
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// With Config.Lease set (several Epoxy nodes share a store), a job process
// lives no longer than its node's lease: the node touches the run's lease
// file (lease, beside the launch files) each time it renews its lease in
// the store (process.Renew), and the process's bootstrap kills its process
// group, after recording why in its status file, once the file has not been
// touched for the time the executor gives it (half the node's lease). So a
// node that dies, or loses the store, leaves no process running by the time
// other nodes may take its runs over, while a node restarted under the same
// name within that time adopts its processes as a lone server does. Both
// sides read the one local clock, through the file's modification time.

// leaseFile names the run's lease file in its run directory.
func leaseFile(runDir string) string { return filepath.Join(runDir, "lease") }

// leaseEnv is the environment that binds a process to its lease file: the
// file and how many seconds it may go untouched.
func leaseEnv(runDir string, d time.Duration) []string {
	return []string{"EPOXY_LEASE_FILE=" + leaseFile(runDir),
		"EPOXY_LEASE_SECONDS=" + strconv.FormatFloat(d.Seconds(), 'f', 3, 64)}
}

// touchLease creates the lease file or sets its modification time to now.
func touchLease(runDir string) error {
	path := leaseFile(runDir)
	now := time.Now()
	err := os.Chtimes(path, now, now)
	if os.IsNotExist(err) {
		return writeDurably(path, nil)
	}
	return err
}

// Renew tells a process bound to a lease (Config.Lease) that its node is
// alive; it does nothing for a process without one.
func (p *process) Renew() error {
	if !p.leased || p.launch.runDir == "" {
		return nil
	}
	return touchLease(p.launch.runDir)
}
