package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// machine describes where the figures were measured.
type machine struct {
	CPUs      int    `json:"cpus"`
	CPUModel  string `json:"cpu_model"`
	MemoryGiB string `json:"memory_gib"`
	Kernel    string `json:"kernel"`
	Go        string `json:"go"`
	Python    string `json:"python"`
	Moto      string `json:"moto,omitempty"`
	// Load is the 1-, 5- and 15-minute load average when the bench started
	// and when it ended: other processes on the machine skew the figures.
	LoadStart string `json:"load_average_start"`
	LoadEnd   string `json:"load_average_end"`
}

// loadAverage returns the first three fields of /proc/loadavg.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}

func describeMachine(ctx context.Context, python string, withMoto bool) machine {
	m := machine{CPUs: runtime.NumCPU(), CPUModel: procField("/proc/cpuinfo", "model name"), Go: runtime.Version(), LoadStart: loadAverage()}
	if kb, err := strconv.ParseFloat(strings.TrimSuffix(procField("/proc/meminfo", "MemTotal"), " kB"), 64); err == nil {
		m.MemoryGiB = strconv.FormatFloat(kb/1024/1024, 'f', 1, 64)
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = "Linux " + strings.TrimSpace(string(b))
	}
	m.Python = pythonOutput(ctx, python, "import sys; print(sys.version.split()[0])")
	if withMoto {
		m.Moto = pythonOutput(ctx, python, "import moto; print(moto.__version__)")
	}
	return m
}

// String is the one-line description printed above the tables.
func (m machine) String() string {
	s := fmt.Sprintf("Machine: %d CPUs (nproc), %s, %s GiB memory, %s; %s; Python %s", m.CPUs, m.CPUModel, m.MemoryGiB, m.Kernel, m.Go, m.Python)
	if m.Moto != "" {
		s += "; moto " + m.Moto
	}
	return s + fmt.Sprintf(". Load average (1, 5, 15 min) %s at the start, %s at the end.", m.LoadStart, m.LoadEnd)
}

// procField returns the value of the first "key: value" line of a /proc
// file with the given key.
func procField(path, key string) string {
	f, err := os.Open(path)
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// pythonOutput runs a one-line program with the interpreter and returns
// what it printed, or "unknown".
func pythonOutput(ctx context.Context, python, program string) string {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, python, "-c", program).Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}

// resolvePython returns the interpreter python3 really runs, past any
// pyenv shim: a shim is a bash script that costs tens of milliseconds per
// start, which would be charged to every job run and to moto's start.
func resolvePython(ctx context.Context) string {
	if p := pythonOutput(ctx, "python3", "import sys; print(sys.executable)"); p != "unknown" && p != "" {
		return p
	}
	return "python3"
}
