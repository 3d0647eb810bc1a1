package executor

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/epoxy-run/epoxy/internal/glue"
)

// process is one job process, started here or found again after a restart.
// A process this server started and waited for ends through exited: its
// wait status is the outcome, whatever the job wrote. One found again after
// a restart ends through lost: the bootstrap's status file tells.
type process struct {
	pid    int
	start  uint64
	runID  string
	logDir string
	launch launch
	done   chan glue.ProcessResult
	ended  chan struct{}
	once   sync.Once
	// leased is set when the process is bound to its node's lease (Renew).
	leased bool
}

func newProcess(pid int, start uint64, runID, logDir string, l launch) *process {
	return &process{pid: pid, start: start, runID: runID, logDir: logDir, launch: l,
		done: make(chan glue.ProcessResult, 1), ended: make(chan struct{})}
}

func (p *process) PID() int                        { return p.pid }
func (p *process) StartTime() uint64               { return p.start }
func (p *process) Done() <-chan glue.ProcessResult { return p.done }

// exited records the end of a process this server waited for: code is its
// exit status and reason explains an abnormal end (a signal).
func (p *process) exited(code int, reason string) {
	res := glue.ProcessResult{ExitCode: code, Error: reason}
	if code != 0 && reason == "" {
		res.Error = p.exitMessage(code)
	}
	// The bootstrap's line for the exception (or for its lease watchdog's
	// kill) is better than the last line of stderr or the signal, but only
	// when it agrees with the real exit status.
	if st, ok := readStatus(p.launch.status()); code != 0 && ok && st.Exit == code && st.Error != "" {
		res.Error = fmt.Sprintf("exit status %d: %s", code, st.Error)
	}
	p.finish(res)
}

// lost records the end of an adopted process, from the status file its
// bootstrap left, if any.
func (p *process) lost() {
	st, ok := readStatus(p.launch.status())
	if !ok {
		p.finish(glue.ProcessResult{ExitCode: -1,
			Error: "the job's process ended while Epoxy was not watching it and left no exit status"})
		return
	}
	res := glue.ProcessResult{ExitCode: st.Exit, EndedAt: st.written}
	switch {
	case st.Exit != 0 && st.Error != "":
		res.Error = fmt.Sprintf("exit status %d: %s", st.Exit, st.Error)
	case st.Exit != 0:
		res.Error = p.exitMessage(st.Exit)
	}
	p.finish(res)
}

// finish delivers res once, marking the run's end in its run directory.
func (p *process) finish(res glue.ProcessResult) {
	p.once.Do(func() {
		res.Error = capMessage(res.Error)
		if p.launch.runDir != "" {
			_ = writeDurably(filepath.Join(p.launch.runDir, "ended"), []byte(strconv.Itoa(res.ExitCode)+"\n"))
		}
		close(p.ended)
		p.done <- res
	})
}

// exitMessage says a process exited with code, adding the last line it
// wrote to stderr.
func (p *process) exitMessage(code int) string {
	msg := fmt.Sprintf("the job's process exited with status %d", code)
	if line := lastLine(filepath.Join(p.logDir, "stderr")); line != "" {
		msg += ": " + line
	}
	return msg
}

// Stop sends SIGTERM to the process group, then SIGKILL after grace.
func (p *process) Stop(grace time.Duration) {
	if !p.running() {
		return
	}
	signalGroup(p.pid, syscall.SIGTERM)
	select {
	case <-p.ended:
	case <-time.After(grace):
		if p.running() {
			signalGroup(p.pid, syscall.SIGKILL)
		}
	}
}

// running reports whether the process has not ended and its pid still
// names it (same start time): a process found again after a restart may
// have ended unseen, and its pid been reused by an unrelated process, which
// must never be signalled.
func (p *process) running() bool {
	select {
	case <-p.ended:
		return false
	default:
	}
	return alive(p.pid, p.start)
}

// processStart returns the process's start time in clock ticks since boot
// (field 22 of /proc/<pid>/stat), which tells a process from a later one
// that reused its pid; 0 when unknown.
func processStart(pid int) uint64 {
	fields := statFields(pid)
	if len(fields) < 20 {
		return 0
	}
	v, _ := strconv.ParseUint(fields[19], 10, 64)
	return v
}

// statFields returns the fields of /proc/<pid>/stat after the command name.
func statFields(pid int) []string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return nil
	}
	return strings.Fields(string(b[i+1:]))
}

// alive reports whether pid is the same running (not zombie) process;
// start 0 matches any.
func alive(pid int, start uint64) bool {
	if pid <= 0 {
		return false
	}
	fields := statFields(pid)
	if len(fields) < 20 || fields[0] == "Z" {
		return false
	}
	return start == 0 || processStart(pid) == start
}

// status is what the bootstrap writes when the script ends.
type status struct {
	Exit  int    `json:"exit"`
	Error string `json:"error"`
	// written is when the file was written: when the script ended.
	written time.Time
}

func readStatus(path string) (*status, bool) {
	f, err := OpenRegular(path)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	var s status
	if json.NewDecoder(io.LimitReader(f, 64<<10)).Decode(&s) != nil {
		return nil, false
	}
	if fi, err := f.Stat(); err == nil {
		s.written = fi.ModTime()
	}
	return &s, true
}
