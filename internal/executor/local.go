// Package executor runs job runs as local processes: Python shell jobs with
// python3 through Epoxy's bootstrap, Spark jobs through a configured runner
// (for example spark-submit). Each process gets its own process group and a
// lower CPU priority, an environment built from an allow-list, its output
// kept (size-capped) in the data directory, and a start fence that lets a
// restarted server tell a job that never ran from one that did.
package executor

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/objectstore"
)

//go:embed python
var pythonFiles embed.FS

// jobNice is the nice value of job processes, so that the API stays
// responsive while jobs keep the CPUs busy.
const jobNice = 10

// ScriptFetcher copies an s3:// object to a local file.
type ScriptFetcher interface {
	Fetch(ctx context.Context, uri, dst string) error
}

// Config configures a Local executor.
type Config struct {
	// DataDir is Epoxy's data directory; logs go under DataDir/logs.
	DataDir string
	// Python is the interpreter for pythonshell jobs (default "python3").
	// NewLocal resolves it once to the interpreter it runs (sys.executable),
	// so a pyenv shim is not run again for every job.
	Python string
	// ETLRunner is the command that runs glueetl and gluestreaming scripts,
	// split into words (for example ["spark-submit", "--master", "local[2]"]).
	// Empty means such runs fail, saying that no runner is configured.
	ETLRunner []string
	// Env is added to every job's environment (endpoints, region,
	// credentials).
	Env []string
	// HostEnv is the server's environment, of which jobs get only the
	// allowed variables (see hostEnv); nil means os.Environ().
	HostEnv []string
	// MaxLogBytes caps each of a job run's stdout and stderr files; 0 or
	// less means no cap.
	MaxLogBytes int64
	// Scripts fetches s3:// script locations; nil means
	// objectstore.Disabled, which fails them with ErrNoEndpoint.
	Scripts ScriptFetcher
	// Logger receives the executor's own messages; nil discards them.
	Logger *slog.Logger
	// Lease, when positive, binds every job process to its node's lease
	// (see lease.go): a process whose node has not renewed it for Lease
	// kills itself. Zero (one Epoxy alone) lets processes outlive the server,
	// which adopts them when it restarts.
	Lease time.Duration
}

// Local runs job processes on this machine.
type Local struct {
	cfg       Config
	pythonDir string
	log       *slog.Logger
	// watching ends, when Local is closed, the goroutines that watch
	// adopted processes; watchers counts them.
	watching context.Context
	stop     context.CancelFunc
	watchers sync.WaitGroup
}

// NewLocal writes Epoxy's Python support files (the job bootstrap, the
// output relay and the awsglue stand-ins) into the data directory, resolves
// the interpreter, and returns the executor. It runs jobs on Linux only,
// and fails elsewhere (platform_other.go).
func NewLocal(cfg Config) (*Local, error) {
	if err := checkPlatform(); err != nil {
		return nil, err
	}
	if cfg.Python == "" {
		cfg.Python = "python3"
	}
	if cfg.HostEnv == nil {
		cfg.HostEnv = os.Environ()
	}
	if cfg.Scripts == nil {
		cfg.Scripts = objectstore.Disabled()
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	dir := filepath.Join(cfg.DataDir, "runtime", "python")
	if err := writeTree(pythonFiles, "python", dir); err != nil {
		return nil, fmt.Errorf("executor: install python support: %w", err)
	}
	if err := os.MkdirAll(HomeDir(cfg.DataDir), dirMode); err != nil {
		return nil, fmt.Errorf("executor: create job home: %w", err)
	}
	if exe, err := resolvePython(cfg.Python); err != nil {
		log.Warn("cannot resolve the Python interpreter; jobs run it as given", "python", cfg.Python, "err", err)
	} else {
		cfg.Python = exe
	}
	log.Info("pythonshell jobs use this interpreter", "python", cfg.Python)
	watching, stop := context.WithCancel(context.Background())
	return &Local{cfg: cfg, pythonDir: dir, log: log, watching: watching, stop: stop}, nil
}

// Close stops watching the processes Reattach adopted and waits until the
// watchers have returned. The processes go on, and the Done channels of
// those still running never deliver: the next server adopts them again.
// Processes Start launched are waited for as before.
func (l *Local) Close() error {
	l.stop()
	l.watchers.Wait()
	return nil
}

// resolvePython asks python which executable it really is.
func resolvePython(python string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, python, "-c", "import sys; print(sys.executable)").Output()
	if err != nil {
		return "", err
	}
	exe := strings.TrimSpace(string(out))
	if !filepath.IsAbs(exe) {
		return "", fmt.Errorf("%s reports no executable path (%q)", python, exe)
	}
	return exe, nil
}

func writeTree(src embed.FS, root, dst string) error {
	return fs.WalkDir(src, root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		target := filepath.Join(dst, strings.TrimPrefix(path, root))
		if d.IsDir() {
			if err := os.MkdirAll(target, dirMode); err != nil {
				return err
			}
			return os.Chmod(target, dirMode) // an older Epoxy made them 0755
		}
		b, err := src.ReadFile(path)
		if err != nil {
			return err
		}
		if err := os.WriteFile(target, b, fileMode); err != nil {
			return err
		}
		return os.Chmod(target, fileMode)
	})
}

// Start starts the job run's process: it records a new launch, then starts
// the process, which claims the launch's start marker before running any
// user code.
func (l *Local) Start(ctx context.Context, spec *glue.RunSpec) (glue.Process, error) {
	if err := CheckRunID(spec.JobRunID); err != nil {
		return nil, err
	}
	logDir := LogDir(l.cfg.DataDir, spec.JobRunID)
	if err := os.MkdirAll(logDir, dirMode); err != nil {
		return nil, fmt.Errorf("create log directory: %w", err)
	}
	lc, err := newLaunch(RunDir(l.cfg.DataDir, spec.JobRunID))
	if err != nil {
		return nil, err
	}
	if l.cfg.Lease > 0 {
		if err := touchLease(lc.runDir); err != nil {
			return nil, fmt.Errorf("create lease file: %w", err)
		}
	}
	p, err := l.launch(ctx, spec, logDir, lc)
	if err != nil {
		_ = writeDurably(filepath.Join(lc.runDir, "ended"), []byte("-1\n"))
		return nil, err
	}
	return p, nil
}

func (l *Local) launch(ctx context.Context, spec *glue.RunSpec, logDir string, lc launch) (*process, error) {
	script, err := l.script(ctx, spec, logDir)
	if err != nil {
		return nil, err
	}
	argv, err := l.command(spec, script)
	if err != nil {
		return nil, err
	}
	return l.spawn(argv, spec, logDir, lc)
}

// script resolves the job's ScriptLocation to a local file.
func (l *Local) script(ctx context.Context, spec *glue.RunSpec, logDir string) (string, error) {
	loc := spec.Job.Command.ScriptLocation
	switch {
	case loc == "":
		return "", errors.New("the job has no Command.ScriptLocation")
	case strings.HasPrefix(loc, "s3://"):
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

// etlFence runs the ETL runner behind the start fence: it creates the start
// marker (link(2) fails if it exists) holding the shell's pid and start time,
// which exec keeps for the runner, or exits 75 when the launch was fenced.
//
// With a lease file (lease.go), a background loop kills the process group
// once the file has gone untouched for EPOXY_LEASE_SECONDS, and ends with
// the runner.
const etlFence = `m=$EPOXY_START_MARKER; t=$m.$$.tmp
read -r _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ s _ < /proc/$$/stat
printf '%s %s\n' "$$" "$s" > "$t" && ln "$t" "$m" 2>/dev/null; r=$?; rm -f "$t"
if [ "$r" -ne 0 ]; then echo "epoxy: this launch was fenced off by a restarted Epoxy server; the job was not run" >&2; exit 75; fi
if [ -n "$EPOXY_LEASE_FILE" ]; then g=$$; l=${EPOXY_LEASE_SECONDS%.*}; (while sleep 1 && kill -0 "$g" 2>/dev/null; do
  a=$(stat -c %Y "$EPOXY_LEASE_FILE" 2>/dev/null || echo 0); if [ $(( $(date +%s) - a )) -gt "$l" ]; then
  printf '{"exit": 137, "error": "its Epoxy node stopped renewing its lease"}' > "$EPOXY_STATUS_FILE"; kill -9 -"$g"; fi; done) >/dev/null 2>&1 &
fi
exec "$@"`

// command returns the process's argv for the job's command type.
func (l *Local) command(spec *glue.RunSpec, script string) ([]string, error) {
	switch name := spec.Job.Command.Name; name {
	case glue.CommandPythonShell:
		return append([]string{l.cfg.Python, filepath.Join(l.pythonDir, "epoxy_job_bootstrap.py"), script}, spec.Argv...), nil
	case glue.CommandGlueETL, glue.CommandStreaming:
		if len(l.cfg.ETLRunner) == 0 {
			return nil, fmt.Errorf("no runner is configured for %s jobs: start epoxy serve with --etl-runner (for example \"spark-submit\")", name)
		}
		argv := append([]string{"/bin/sh", "-c", etlFence, "epoxy-fence"}, l.cfg.ETLRunner...)
		return append(append(argv, script), spec.Argv...), nil
	default:
		return nil, fmt.Errorf("jobs of command type %q cannot run here: Epoxy runs pythonshell, and glueetl or gluestreaming through --etl-runner", name)
	}
}

func (l *Local) spawn(argv []string, spec *glue.RunSpec, logDir string, lc launch) (*process, error) {
	out, err := l.openOutput(logDir)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = out.stdout, out.stderr
	cmd.Dir = logDir
	cmd.Env = l.env(spec, lc)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	err = cmd.Start()
	out.closeWriters()
	if err != nil {
		out.wait()
		return nil, fmt.Errorf("start %s: %w", argv[0], err)
	}
	pid := cmd.Process.Pid
	_ = syscall.Setpriority(syscall.PRIO_PROCESS, pid, jobNice)
	p := newProcess(pid, processStart(pid), spec.JobRunID, logDir, lc)
	p.leased = l.cfg.Lease > 0
	go l.wait(cmd, p, out)
	return p, nil
}

// wait waits for a process this server started. Its wait status is its
// outcome, whatever it wrote; what it left behind is killed, and its output
// is complete before the outcome is delivered.
func (l *Local) wait(cmd *exec.Cmd, p *process, out *output) {
	err := cmd.Wait()
	killLeftovers(p.pid, p.runID)
	out.wait()
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
}

// env is the job's whole environment: ProcessEnv, then the run's own
// variables.
func (l *Local) env(spec *glue.RunSpec, lc launch) []string {
	env := ProcessEnv(l.cfg.DataDir, l.cfg.HostEnv, l.cfg.Env, l.pythonDir)
	env = append(env, "PYTHONUNBUFFERED=1",
		"EPOXY_START_MARKER="+lc.marker(), "EPOXY_STATUS_FILE="+lc.status(),
		"EPOXY_JOB_RUN_ID="+spec.JobRunID, "EPOXY_JOB_NAME="+spec.Job.Name)
	if l.cfg.Lease > 0 {
		env = append(env, leaseEnv(lc.runDir, l.cfg.Lease)...)
	}
	return env
}

// Reattach finds the process of a job run launched by an earlier server.
// Without a recorded launch the process never started: glue.ErrNotStarted.
// Otherwise the launch is fenced (see fence.go): if no process had claimed
// it, none ever will, and the run is glue.ErrNotStarted too. A process that
// claimed it is watched until it ends, when its outcome is read from the
// status file its bootstrap leaves; it ends FAILED when there is none.
func (l *Local) Reattach(spec *glue.RunSpec, pid int, startTime uint64) (glue.Process, error) {
	if err := CheckRunID(spec.JobRunID); err != nil {
		return failed(err.Error()), nil
	}
	logDir, runDir := LogDir(l.cfg.DataDir, spec.JobRunID), RunDir(l.cfg.DataDir, spec.JobRunID)
	lc, ok := currentLaunch(runDir)
	if !ok {
		if pid == 0 {
			return nil, glue.ErrNotStarted
		}
		// A process recorded without launch files (an older Epoxy's).
		return l.adopt(newProcess(pid, startTime, spec.JobRunID, logDir, launch{runDir: runDir})), nil
	}
	m, err := lc.fence()
	if err != nil {
		return failed("cannot tell whether the job's process started: " + err.Error()), nil
	}
	if m.fenced {
		l.log.Info("job run launch fenced off: its code never ran", "job_run", spec.JobRunID)
		return nil, glue.ErrNotStarted
	}
	if m.pid > 0 {
		pid, startTime = m.pid, m.start
	}
	p := newProcess(pid, startTime, spec.JobRunID, logDir, lc)
	if l.cfg.Lease > 0 {
		p.leased = true
		_ = p.Renew() // the node is back: the process may go on
	}
	return l.adopt(p), nil
}

// failed is a process that ended at once, with the error msg: what
// Reattach returns when it cannot look for the process at all.
func failed(msg string) *process {
	p := newProcess(0, 0, "", "", launch{})
	p.finish(glue.ProcessResult{ExitCode: -1, Error: msg})
	return p
}

// adoptPoll is how often a watcher looks whether an adopted process still
// runs: it is not this server's child, so nothing signals its end.
const adoptPoll = 200 * time.Millisecond

// adopt watches a process this server did not start until it ends, or
// until Close.
func (l *Local) adopt(p *process) *process {
	l.watchers.Add(1)
	go func() {
		defer l.watchers.Done()
		if l.watch(p) {
			// Not the process group: with its leader gone, its id may be reused.
			killLeftovers(0, p.runID)
			p.lost()
		}
	}()
	return p
}

// watch waits until p no longer runs (true) or Local is closed (false).
func (l *Local) watch(p *process) bool {
	t := time.NewTicker(adoptPoll)
	defer t.Stop()
	for alive(p.pid, p.start) {
		select {
		case <-l.watching.Done():
			return false
		case <-t.C:
		}
	}
	return true
}

// output is where a job's stdout and stderr go: the write ends of the
// relay's pipes.
type output struct {
	stdout, stderr *os.File
	relay          chan struct{} // closed when the relay exited
}

// openOutput opens the job's log files and their time files (see
// TimesFile) and starts the output relay (python/epoxy_output_relay.py)
// that copies the job's pipes into them, capped at MaxLogBytes, recording
// when each line was written. The relay is a process of its own, not a
// goroutine of the server, so a job keeps writing to a live reader when the
// server is killed; the log files stay ordinary appended files holding
// exactly what the job printed, that `epoxy logs` can read at any time.
func (l *Local) openOutput(logDir string) (*output, error) {
	var files []*os.File
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	for _, name := range []string{"stdout", "stderr", TimesFile("stdout"), TimesFile("stderr")} {
		f, err := openLog(filepath.Join(logDir, name))
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	return l.startRelay(files)
}

// startRelay starts the relay on the log files (stdout, stderr and their
// time files).
func (l *Local) startRelay(logs []*os.File) (*output, error) {
	outR, outW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		outR.Close()
		outW.Close()
		return nil, err
	}
	defer outR.Close()
	defer errR.Close()
	cmd := exec.Command(l.cfg.Python, "-I", "-S", filepath.Join(l.pythonDir, "epoxy_output_relay.py"),
		strconv.FormatInt(l.cfg.MaxLogBytes, 10))
	cmd.ExtraFiles = append([]*os.File{outR, errR}, logs...)
	cmd.Stderr = logs[1]
	cmd.Env = []string{"PATH=" + defaultPath}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		outW.Close()
		errW.Close()
		return nil, fmt.Errorf("start the output relay with %s: %w", l.cfg.Python, err)
	}
	_ = syscall.Setpriority(syscall.PRIO_PROCESS, cmd.Process.Pid, jobNice)
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	return &output{stdout: outW, stderr: errW, relay: done}, nil
}

// closeWriters closes the server's copies of the job's output descriptors.
func (o *output) closeWriters() {
	o.stdout.Close()
	o.stderr.Close()
}

// relayGrace bounds the wait for the relay to copy what a job wrote last:
// it ends when the last writer is gone, which a process that escaped the
// leftover kill could delay forever.
const relayGrace = 10 * time.Second

func (o *output) wait() {
	select {
	case <-o.relay:
	case <-time.After(relayGrace):
	}
}

// openLog opens a log file for appending. Anything but a regular file at
// its path (a FIFO or symlink a job left in its directory) is removed
// first, and it is opened without following links or blocking.
func openLog(path string) (*os.File, error) {
	const flags = os.O_CREATE | os.O_WRONLY | os.O_APPEND | syscall.O_NOFOLLOW | syscall.O_NONBLOCK
	if fi, err := os.Lstat(path); err == nil && !fi.Mode().IsRegular() {
		if err := os.Remove(path); err != nil {
			return nil, err
		}
	}
	f, err := os.OpenFile(path, flags, fileMode)
	if err != nil {
		return nil, fmt.Errorf("open job log: %w", err)
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("open job log: %s is not a regular file", path)
	}
	return f, nil
}
