// Package executor runs job runs as local processes: Python shell jobs with
// python3 through Epoxy's bootstrap, Spark jobs through a configured runner
// (for example spark-submit). Each process gets its own process group, so
// stopping a run stops everything it started, and its stdout and stderr are
// kept in the data directory.
package executor

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/epoxy-run/epoxy/internal/glue"
)

//go:embed python
var pythonFiles embed.FS

// ScriptFetcher copies an s3:// object to a local file.
type ScriptFetcher interface {
	Fetch(ctx context.Context, uri, dst string) error
}

// Config configures a Local executor.
type Config struct {
	// DataDir is Epoxy's data directory; logs go under DataDir/logs.
	DataDir string
	// Python is the interpreter for pythonshell jobs (default "python3").
	Python string
	// ETLRunner is the command that runs glueetl and gluestreaming scripts,
	// split into words (for example ["spark-submit", "--master", "local[2]"]).
	// Empty means such runs fail, saying that no runner is configured.
	ETLRunner []string
	// Env is added to every job's environment (endpoints, region,
	// credentials).
	Env []string
	// Scripts fetches s3:// script locations; nil means they fail.
	Scripts ScriptFetcher
}

// Local runs job processes on this machine.
type Local struct {
	cfg       Config
	pythonDir string
}

// NewLocal writes Epoxy's Python support files (the job bootstrap and
// awsglue.utils) into the data directory and returns the executor.
func NewLocal(cfg Config) (*Local, error) {
	if cfg.Python == "" {
		cfg.Python = "python3"
	}
	dir := filepath.Join(cfg.DataDir, "runtime", "python")
	if err := writeTree(pythonFiles, "python", dir); err != nil {
		return nil, fmt.Errorf("executor: install python support: %w", err)
	}
	return &Local{cfg: cfg, pythonDir: dir}, nil
}

func writeTree(src embed.FS, root, dst string) error {
	return fs.WalkDir(src, root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		target := filepath.Join(dst, strings.TrimPrefix(path, root))
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := src.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}

// LogDir returns the directory holding a job run's stdout and stderr.
func LogDir(dataDir, jobRunID string) string {
	return filepath.Join(dataDir, "logs", "jobruns", jobRunID)
}

// Start starts the job run's process.
func (l *Local) Start(ctx context.Context, spec *glue.RunSpec) (glue.Process, error) {
	logDir := LogDir(l.cfg.DataDir, spec.JobRunID)
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return nil, fmt.Errorf("create log directory: %w", err)
	}
	script, err := l.script(ctx, spec, logDir)
	if err != nil {
		return nil, err
	}
	argv, err := l.command(spec, script)
	if err != nil {
		return nil, err
	}
	return l.spawn(argv, spec, logDir)
}

// script resolves the job's ScriptLocation to a local file.
func (l *Local) script(ctx context.Context, spec *glue.RunSpec, logDir string) (string, error) {
	loc := spec.Job.Command.ScriptLocation
	switch {
	case loc == "":
		return "", errors.New("the job has no Command.ScriptLocation")
	case strings.HasPrefix(loc, "s3://"):
		if l.cfg.Scripts == nil {
			return "", fmt.Errorf("cannot fetch script %s: no S3 endpoint is configured (epoxy serve --s3-endpoint)", loc)
		}
		dst := filepath.Join(logDir, "script", filepath.Base(loc))
		if err := l.cfg.Scripts.Fetch(ctx, loc, dst); err != nil {
			return "", fmt.Errorf("cannot fetch script %s: %w", loc, err)
		}
		return dst, nil
	case strings.HasPrefix(loc, "file://"):
		loc = strings.TrimPrefix(loc, "file://")
	}
	if !filepath.IsAbs(loc) {
		return "", fmt.Errorf("script location %q must be an s3:// or file:// URI or an absolute path", spec.Job.Command.ScriptLocation)
	}
	if _, err := os.Stat(loc); err != nil {
		return "", fmt.Errorf("script %s: %w", loc, err)
	}
	return loc, nil
}

// command returns the process's argv for the job's command type.
func (l *Local) command(spec *glue.RunSpec, script string) ([]string, error) {
	switch name := spec.Job.Command.Name; name {
	case glue.CommandPythonShell:
		return append([]string{l.cfg.Python, filepath.Join(l.pythonDir, "epoxy_job_bootstrap.py"), script}, spec.Argv...), nil
	case glue.CommandGlueETL, glue.CommandStreaming:
		if len(l.cfg.ETLRunner) == 0 {
			return nil, fmt.Errorf("no runner is configured for %s jobs: start epoxy serve with --etl-runner (for example \"spark-submit\")", name)
		}
		return append(append(append([]string{}, l.cfg.ETLRunner...), script), spec.Argv...), nil
	default:
		return nil, fmt.Errorf("jobs of command type %q cannot run here: Epoxy runs pythonshell, and glueetl or gluestreaming through --etl-runner", name)
	}
}

func (l *Local) spawn(argv []string, spec *glue.RunSpec, logDir string) (*process, error) {
	stdout, err := os.OpenFile(filepath.Join(logDir, "stdout"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	stderr, err := os.OpenFile(filepath.Join(logDir, "stderr"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		stdout.Close()
		return nil, err
	}
	defer stdout.Close()
	defer stderr.Close()
	statusFile := filepath.Join(logDir, "status.json")
	_ = os.Remove(statusFile)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.Dir = logDir
	cmd.Env = l.env(spec, statusFile)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", argv[0], err)
	}
	p := newProcess(cmd.Process.Pid, logDir)
	p.watched = true
	// The pid file lets a restarted server find the process even if it was
	// killed before the engine recorded the pid in the store.
	_ = os.WriteFile(filepath.Join(logDir, "pid"), []byte(fmt.Sprintf("%d %d\n", p.pid, p.start)), 0o644)
	go func() {
		err := cmd.Wait()
		var exitErr *exec.ExitError
		switch {
		case err == nil:
			p.exited(0, "")
		case errors.As(err, &exitErr):
			if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				p.exited(128+int(ws.Signal()), "the job's process was killed by signal "+ws.Signal().String())
				return
			}
			p.exited(exitErr.ExitCode(), "")
		default:
			p.exited(-1, err.Error())
		}
	}()
	return p, nil
}

func (l *Local) env(spec *glue.RunSpec, statusFile string) []string {
	env := append(os.Environ(), l.cfg.Env...)
	pythonPath := l.pythonDir
	if cur := os.Getenv("PYTHONPATH"); cur != "" {
		pythonPath += string(os.PathListSeparator) + cur
	}
	return append(env, "PYTHONPATH="+pythonPath, "PYTHONUNBUFFERED=1", "EPOXY_STATUS_FILE="+statusFile,
		"EPOXY_JOB_RUN_ID="+spec.JobRunID, "EPOXY_JOB_NAME="+spec.Job.Name)
}

// Reattach finds a job process started by an earlier server. pid 0 means
// the server died before recording one; the pid file the executor writes
// right after starting a process is used then. A process still running is
// watched until it ends; either way its outcome is read from the status
// file the bootstrap leaves. When there is no trace of a process at all,
// the run never started: glue.ErrNotStarted.
func (l *Local) Reattach(spec *glue.RunSpec, pid int, startTime uint64) (glue.Process, error) {
	logDir := LogDir(l.cfg.DataDir, spec.JobRunID)
	if pid == 0 {
		pid, startTime = readPIDFile(logDir)
	}
	if pid == 0 {
		if _, ok := readStatus(logDir); !ok {
			return nil, glue.ErrNotStarted
		}
		p := &process{logDir: logDir, done: make(chan glue.ProcessResult, 1), ended: make(chan struct{})}
		p.exited(-1, "")
		return p, nil
	}
	p := &process{pid: pid, start: startTime, logDir: logDir, done: make(chan glue.ProcessResult, 1), ended: make(chan struct{})}
	go func() {
		for alive(pid, startTime) {
			time.Sleep(200 * time.Millisecond)
		}
		p.exited(-1, "")
	}()
	return p, nil
}

func readPIDFile(logDir string) (int, uint64) {
	b, err := os.ReadFile(filepath.Join(logDir, "pid"))
	if err != nil {
		return 0, 0
	}
	var pid int
	var start uint64
	if _, err := fmt.Sscanf(string(b), "%d %d", &pid, &start); err != nil {
		return 0, 0
	}
	return pid, start
}

// status is what the bootstrap writes when the script ends.
type status struct {
	Exit  int    `json:"exit"`
	Error string `json:"error"`
	// written is when the file was written: when the script ended.
	written time.Time
}

func readStatus(logDir string) (*status, bool) {
	path := filepath.Join(logDir, "status.json")
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, false
	}
	var s status
	if json.Unmarshal(b, &s) != nil {
		return nil, false
	}
	if fi, err := os.Stat(path); err == nil {
		s.written = fi.ModTime()
	}
	return &s, true
}
