package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
)

// server is one endpoint a scenario talks to: a process the bench started
// (cmd set) or an endpoint given on the command line.
type server struct {
	url string
	// load sends measured requests and never retries; setup retries, for
	// creating fixtures and polling.
	load  *glue.Client
	setup *glue.Client
	cmd   *exec.Cmd
	// coldStart is the time from starting the process to its first
	// answered ListWorkflows.
	coldStart time.Duration
	logPath   string
	exited    chan struct{}
}

// seedFunc writes fixtures into a fresh Epoxy data directory before the
// server starts.
type seedFunc func(ctx context.Context, dataDir string) error

// launcher starts fresh servers of one kind.
type launcher interface {
	// launch starts a server; seed, when not nil, runs on its data
	// directory first (Epoxy only: see seeds).
	launch(ctx context.Context, seed seedFunc) (*server, error)
	// seeds reports whether launch honours seed.
	seeds() bool
}

// epoxyLauncher starts `epoxy serve` from a built binary on a fresh data
// directory and a free loopback port.
type epoxyLauncher struct {
	bin    string
	python string
	tmp    string // parent of data directories
	n      int
}

func (l *epoxyLauncher) seeds() bool { return true }

func (l *epoxyLauncher) launch(ctx context.Context, seed seedFunc) (*server, error) {
	l.n++
	dir := filepath.Join(l.tmp, fmt.Sprintf("epoxy-%02d", l.n))
	data := filepath.Join(dir, "data")
	if err := os.MkdirAll(data, 0o755); err != nil {
		return nil, err
	}
	if seed != nil {
		if err := seed(ctx, data); err != nil {
			return nil, fmt.Errorf("seed data directory: %w", err)
		}
	}
	addr, err := freeLoopbackAddr()
	if err != nil {
		return nil, err
	}
	argv := []string{l.bin, "serve", "--addr", addr, "--data", data, "--log-level", "warn", "--python", l.python}
	return startProcess(ctx, argv, "http://"+addr, filepath.Join(dir, "server.log"))
}

// motoLauncher starts moto's server with the given interpreter (not
// through a pyenv shim, whose start-up would count against moto).
type motoLauncher struct {
	python string
	tmp    string
	n      int
}

func (l *motoLauncher) seeds() bool { return false }

func (l *motoLauncher) launch(ctx context.Context, _ seedFunc) (*server, error) {
	l.n++
	addr, err := freeLoopbackAddr()
	if err != nil {
		return nil, err
	}
	host, port, _ := net.SplitHostPort(addr)
	argv := []string{l.python, "-m", "moto.server", "-H", host, "-p", port}
	return startProcess(ctx, argv, "http://"+addr, filepath.Join(l.tmp, fmt.Sprintf("moto-%02d.log", l.n)))
}

// freeLoopbackAddr returns a loopback address with a port that was free a
// moment ago.
func freeLoopbackAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// startProcess starts argv with its output in logPath and waits for its
// first answered request, which gives the cold-start time.
func startProcess(ctx context.Context, argv []string, url, logPath string) (*server, error) {
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", argv[0], err)
	}
	s := &server{url: url, load: newLoadClient(url), setup: newSetupClient(url), cmd: cmd, logPath: logPath, exited: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(s.exited) }()
	if err := s.waitReady(ctx, 60*time.Second); err != nil {
		s.stop()
		return nil, fmt.Errorf("%s did not answer: %w%s", argv[0], err, s.logTail())
	}
	s.coldStart = time.Since(start)
	return s, nil
}

// externalServer is an endpoint the bench did not start.
func externalServer(url string) *server {
	return &server{url: url, load: newLoadClient(url), setup: newSetupClient(url)}
}

// waitReady polls ListWorkflows every millisecond until it is answered.
func (s *server) waitReady(ctx context.Context, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	var last error
	for {
		rctx, rcancel := context.WithTimeout(ctx, 2*time.Second)
		_, err := s.load.ListWorkflows(rctx, &glue.ListWorkflowsInput{MaxResults: aws.Int32(1)})
		rcancel()
		if err == nil {
			return nil
		}
		last = err
		select {
		case <-s.exited:
			return errors.New("the process exited")
		case <-ctx.Done():
			return fmt.Errorf("%w (last error: %v)", ctx.Err(), last)
		case <-time.After(time.Millisecond):
		}
	}
}

// stop ends a process the bench started: SIGTERM to its process group,
// SIGKILL after five seconds. It does nothing for external endpoints.
func (s *server) stop() {
	if s == nil || s.cmd == nil {
		return
	}
	// Connections the client opened but never used count as busy for up to
	// five seconds in a Go server's graceful shutdown; close them first.
	httpClient.CloseIdleConnections()
	pgid := s.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-s.exited
	}
}

// memory returns the server's resident set (VmRSS) and its peak (VmHWM)
// in MiB; ok is false when the bench did not start the process.
func (s *server) memory() (rss, peak float64, ok bool) {
	if s == nil || s.cmd == nil {
		return 0, 0, false
	}
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, val, _ := strings.Cut(sc.Text(), ":")
		kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(val), " kB"), 64)
		if err != nil {
			continue
		}
		switch key {
		case "VmRSS":
			rss = kb / 1024
		case "VmHWM":
			peak = kb / 1024
		}
	}
	return rss, peak, rss > 0
}

// logTail returns the end of the server's log, for error messages.
func (s *server) logTail() string {
	b, err := os.ReadFile(s.logPath)
	if err != nil || len(b) == 0 {
		return ""
	}
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return "\nserver log (end):\n" + string(b)
}
