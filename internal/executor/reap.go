package executor

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
)

// Processes a job leaves behind (background children, daemons that called
// setsid) are ended when its run ends. Killing the process group catches
// plain children; for escapes from the group every process carrying the
// run's marker variable EPOXY_JOB_RUN_ID=<id> in its environment
// (/proc/<pid>/environ, inherited by every descendant unless it rebuilds
// its environment from scratch) is killed. This was chosen over the
// alternatives: a cgroup v2 needs a writable cgroup tree, which containers
// and unprivileged servers usually lack; becoming a child subreaper would
// make the server the parent of every orphan, which then needs a
// wait4(-1) reaper that would steal the exit statuses os/exec waits for.

// kill is syscall.Kill; tests replace it.
var kill = syscall.Kill

// signalGroup sends sig to the process group led by pid.
func signalGroup(pid int, sig syscall.Signal) { send(pid, true, sig) }

// signalProcess sends sig to pid.
func signalProcess(pid int, sig syscall.Signal) { send(pid, false, sig) }

// send is the one place the executor signals processes. pid <= 1 and the
// server itself are never signalled: kill(0, …) and kill(-1, …) would
// reach the server's own group or every process it may signal.
func send(pid int, group bool, sig syscall.Signal) {
	if pid <= 1 || pid == os.Getpid() {
		return
	}
	if group {
		pid = -pid
	}
	_ = kill(pid, sig)
}

// killLeftovers ends what remains of a job run after its main process
// ended: its process group pgid (0: none), then every process marked with
// the run's id.
// It repeats the scan while it finds live ones, as a process may have
// forked while the previous pass ran.
func killLeftovers(pgid int, jobRunID string) {
	signalGroup(pgid, syscall.SIGKILL)
	for range 10 {
		pids := markedProcesses(jobRunID)
		if len(pids) == 0 {
			return
		}
		for _, pid := range pids {
			signalProcess(pid, syscall.SIGKILL)
		}
	}
}

// markedProcesses lists live processes whose environment has
// EPOXY_JOB_RUN_ID=<jobRunID>.
func markedProcesses(jobRunID string) []int {
	d, err := os.Open("/proc")
	if err != nil {
		return nil
	}
	names, _ := d.Readdirnames(-1)
	d.Close()
	want := []byte("EPOXY_JOB_RUN_ID=" + jobRunID)
	var pids []int
	for _, name := range names {
		pid, err := strconv.Atoi(name)
		if err != nil || pid == os.Getpid() || !alive(pid, 0) {
			continue
		}
		if hasEnvEntry(pid, want) {
			pids = append(pids, pid)
		}
	}
	return pids
}

func hasEnvEntry(pid int, entry []byte) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/environ")
	if err != nil {
		return false
	}
	for kv := range bytes.SplitSeq(b, []byte{0}) {
		if bytes.Equal(kv, entry) {
			return true
		}
	}
	return false
}
