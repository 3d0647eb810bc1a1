package blueprint

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Defaults of a Runner.
const (
	// DefaultPython is the interpreter used when Runner.Python is empty.
	DefaultPython = "python3"
	// DefaultTimeout is the generator's time limit when Runner.Timeout is
	// not positive.
	DefaultTimeout = 5 * time.Minute
	// OutputTail is how much of the end of the generator's stdout and of
	// its stderr is kept, in bytes.
	OutputTail = 64 << 10
)

const (
	runnerScript = "epoxy_layout_runner.py"
	// waitDelay bounds the wait for the output pipes after the generator
	// ended, in case a process outside its group still holds them.
	waitDelay = 2 * time.Second
	// maxResultSize bounds the result file the runner writes.
	maxResultSize = 64 << 20
	// maxMessage bounds the exception text copied into an error message.
	maxMessage = 8 << 10
)

// Runner runs layout generators in python3 subprocesses. Its fields are
// only read, so one Runner may run several generations at once.
type Runner struct {
	// Python is the interpreter (default DefaultPython).
	Python string
	// ShimDir is the directory holding awsglue/blueprint and
	// epoxy_layout_runner.py, as written by InstallShim. It is put first
	// on PYTHONPATH.
	ShimDir string
	// Env is the generator's whole environment (cmd/epoxy gives it the
	// one jobs get: executor.ProcessEnv); nil means the server's own.
	Env []string
	// Timeout is the generator's time limit (default DefaultTimeout),
	// counted from the start of its process.
	Timeout time.Duration
	// Timers starts the time limit (default: the wall clock). Tests inject
	// timers they expire by hand.
	Timers Timers
}

// Timers starts time limits.
type Timers interface {
	// AfterFunc calls f in its own goroutine once d has passed, unless the
	// returned Stopper is stopped first.
	AfterFunc(d time.Duration, f func()) Stopper
}

// Stopper stops a time limit; *time.Timer is one.
type Stopper interface {
	// Stop prevents the limit's function from being called, reporting
	// whether it did.
	Stop() bool
}

// wallTimers are Timers on the wall clock.
type wallTimers struct{}

// AfterFunc starts a time.Timer.
func (wallTimers) AfterFunc(d time.Duration, f func()) Stopper { return time.AfterFunc(d, f) }

// SystemParams are the system_params a generator receives.
type SystemParams struct {
	Region    string `json:"region"`
	AccountID string `json:"accountId"`
}

// GenerateError is a failed layout generation: the generator raised, timed
// out, or produced no usable layout.
type GenerateError struct {
	// Message says what went wrong (for an exception, its
	// "Type: message" line); it becomes the run's ErrorMessage.
	Message string
	// Traceback is the Python traceback, when there is one.
	Traceback string
	// Stdout and Stderr are the last OutputTail bytes of the generator's
	// output.
	Stdout, Stderr string
	// TimedOut is set when the generator was killed at the time limit.
	TimedOut bool
}

// Error returns the message.
func (e *GenerateError) Error() string { return e.Message }

// request is the runner's request file.
type request struct {
	LayoutGenerator string         `json:"layoutGenerator"`
	Root            string         `json:"root"`
	UserParams      map[string]any `json:"userParams"`
	SystemParams    SystemParams   `json:"systemParams"`
	NameSuffix      string         `json:"nameSuffix"`
}

// result is the runner's result file.
type result struct {
	OK        bool            `json:"ok"`
	Layout    json.RawMessage `json:"layout"`
	Error     string          `json:"error"`
	Traceback string          `json:"traceback"`
}

// Generate runs d's layout generator with root (the directory the archive
// was extracted into) as working directory and first entry of sys.path,
// userParams as returned by ResolveParameters, and suffix appended to job
// and crawler names, and returns the layout. The generator runs in its own
// process group, which is killed (SIGKILL) when the time limit passes, when
// ctx is cancelled, and once the generator has ended (so it leaves no
// processes behind). Generation failures are *GenerateError; a cancelled
// ctx gives an error wrapping ctx.Err().
func (r *Runner) Generate(ctx context.Context, root string, d *Definition, userParams map[string]any, system SystemParams, suffix string) (*Layout, error) {
	if r.ShimDir == "" {
		return nil, errors.New("layout generator: Runner.ShimDir is not set")
	}
	shim, err := filepath.Abs(r.ShimDir)
	if err != nil {
		return nil, fmt.Errorf("layout generator: %w", err)
	}
	if root, err = filepath.Abs(root); err != nil {
		return nil, fmt.Errorf("layout generator: %w", err)
	}
	work, err := os.MkdirTemp("", "epoxy-layout-")
	if err != nil {
		return nil, fmt.Errorf("layout generator: %w", err)
	}
	defer os.RemoveAll(work)
	req := request{LayoutGenerator: d.LayoutGenerator, Root: root, UserParams: pythonValues(userParams),
		SystemParams: system, NameSuffix: suffix}
	reqPath, resPath := filepath.Join(work, "request.json"), filepath.Join(work, "result.json")
	body, err := marshalJSON(req)
	if err != nil {
		return nil, fmt.Errorf("layout generator: encode request: %w", err)
	}
	if err := os.WriteFile(reqPath, body, 0o600); err != nil {
		return nil, fmt.Errorf("layout generator: write request: %w", err)
	}
	return r.run(ctx, shim, root, d.LayoutGenerator, reqPath, resPath)
}

func (r *Runner) run(ctx context.Context, shim, root, gen, reqPath, resPath string) (*Layout, error) {
	timeout := r.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	tctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := exec.CommandContext(tctx, cmp.Or(r.Python, DefaultPython), filepath.Join(shim, runnerScript))
	cmd.Dir = root
	cmd.Env = r.env(shim, reqPath, resPath)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return killGroup(cmd.Process.Pid) }
	cmd.WaitDelay = waitDelay
	stdout, stderr := newTail(OutputTail), newTail(OutputTail)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("layout generator: start %s: %w", cmd.Path, err)
	}
	limit := r.timers().AfterFunc(timeout, cancel)
	waitErr := cmd.Wait()
	limit.Stop()
	_ = killGroup(cmd.Process.Pid)

	res, resErr := readResult(resPath)
	if resErr == nil && res.OK {
		l, err := ParseLayout(res.Layout)
		if err != nil {
			return nil, &GenerateError{Message: fmt.Sprintf("layout generator %s returned an invalid %v", gen, err),
				Stdout: stdout.String(), Stderr: stderr.String()}
		}
		return l, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("layout generator %s: %w", gen, err)
	}
	ge := &GenerateError{Stdout: stdout.String(), Stderr: stderr.String()}
	switch {
	case tctx.Err() != nil:
		ge.TimedOut = true
		ge.Message = fmt.Sprintf("layout generator %s exceeded the time limit of %s and was killed", gen, timeout)
	case resErr == nil:
		ge.Message = fmt.Sprintf("layout generator %s failed: %s", gen, truncate(res.Error, maxMessage))
		ge.Traceback = res.Traceback
	default:
		ge.Message = fmt.Sprintf("layout generator %s ended without a result (%s)", gen, exitText(waitErr))
		if line := lastLine(ge.Stderr); line != "" {
			ge.Message += ": " + truncate(line, maxMessage)
		}
	}
	return nil, ge
}

func (r *Runner) timers() Timers {
	if r.Timers == nil {
		return wallTimers{}
	}
	return r.Timers
}

// env is the generator's environment: r.Env (the server's own when nil),
// then PYTHONPATH with the shim first and the request and result files.
func (r *Runner) env(shim, reqPath, resPath string) []string {
	env := r.Env
	if env == nil {
		env = os.Environ()
	}
	env = append(slices.Clone(env), "PYTHONDONTWRITEBYTECODE=1")
	pythonPath := shim
	if prev := lastValue(env, "PYTHONPATH"); prev != "" {
		pythonPath += string(os.PathListSeparator) + prev
	}
	return append(env, "PYTHONPATH="+pythonPath, "EPOXY_LAYOUT_REQUEST="+reqPath, "EPOXY_LAYOUT_RESULT="+resPath)
}

// lastValue returns the value the last entry for key has in env.
func lastValue(env []string, key string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(env[i], key+"="); ok {
			return v
		}
	}
	return ""
}

func killGroup(pid int) error {
	err := syscall.Kill(-pid, syscall.SIGKILL)
	if errors.Is(err, syscall.ESRCH) {
		return os.ErrProcessDone
	}
	return err
}

func readResult(path string) (*result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxResultSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxResultSize {
		return nil, fmt.Errorf("result is larger than %d bytes", maxResultSize)
	}
	var res result
	if err := json.Unmarshal(data, &res); err != nil {
		return nil, err
	}
	return &res, nil
}

func exitText(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return "killed by signal " + ws.Signal().String()
		}
		return "exit status " + strconv.Itoa(ee.ExitCode())
	}
	if err != nil {
		return err.Error()
	}
	return "exit status 0"
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return strings.TrimSpace(s)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "..."
}

// pyFloat is a float64 that always encodes with a fraction or exponent, so
// that Python's json module decodes it as a float, not an int (128.0).
type pyFloat float64

// MarshalJSON implements json.Marshaler.
func (f pyFloat) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(float64(f))
	if err != nil {
		return nil, err
	}
	if !strings.ContainsAny(string(b), ".eE") {
		b = append(b, ".0"...)
	}
	return b, nil
}

// pythonValues returns a copy of params in which every float64 is a
// pyFloat.
func pythonValues(params map[string]any) map[string]any {
	out := make(map[string]any, len(params))
	for k, v := range params {
		out[k] = pythonValue(v)
	}
	return out
}

func pythonValue(v any) any {
	switch x := v.(type) {
	case float64:
		return pyFloat(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = pythonValue(e)
		}
		return out
	case map[string]any:
		return pythonValues(x)
	}
	return v
}
