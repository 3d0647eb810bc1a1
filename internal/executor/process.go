package executor

import (
	"bytes"
	"fmt"
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
type process struct {
	pid    int
	start  uint64
	logDir string
	done   chan glue.ProcessResult
	ended  chan struct{}
	once   sync.Once
	// watched is set for processes this server started and waited for: their
	// end is when Wait returned. For processes found again after a restart,
	// the status file's time says when the script ended.
	watched bool
}

func newProcess(pid int, logDir string) *process {
	return &process{pid: pid, start: processStart(pid), logDir: logDir,
		done: make(chan glue.ProcessResult, 1), ended: make(chan struct{})}
}

func (p *process) PID() int                        { return p.pid }
func (p *process) StartTime() uint64               { return p.start }
func (p *process) Done() <-chan glue.ProcessResult { return p.done }

// exited records the process's end. code is the exit status when known
// (-1 when it is not, as for a process found again after a restart) and
// reason explains an abnormal end; the bootstrap's status file, when
// present, says more.
func (p *process) exited(code int, reason string) {
	p.once.Do(func() {
		res := glue.ProcessResult{ExitCode: code, Error: reason}
		st, ok := readStatus(p.logDir)
		switch {
		case ok:
			res.ExitCode, res.Error = st.Exit, st.Error
			if !p.watched {
				res.EndedAt = st.written
			}
			if res.Error == "" && st.Exit != 0 {
				res.Error = p.exitMessage(st.Exit)
			}
		case reason != "":
		case code < 0:
			res.Error = "the job's process ended while Epoxy was not watching it and left no exit status"
		case code != 0:
			res.Error = p.exitMessage(code)
		}
		if res.ExitCode != 0 && res.Error != "" && !strings.Contains(res.Error, "status") {
			res.Error = fmt.Sprintf("exit status %d: %s", res.ExitCode, res.Error)
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
	_ = syscall.Kill(-p.pid, syscall.SIGTERM)
	select {
	case <-p.ended:
	case <-time.After(grace):
		_ = syscall.Kill(-p.pid, syscall.SIGKILL)
	}
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

// alive reports whether pid is the same running (not zombie) process.
func alive(pid int, start uint64) bool {
	fields := statFields(pid)
	if len(fields) < 20 || fields[0] == "Z" {
		return false
	}
	return start == 0 || processStart(pid) == start
}

func lastLine(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
