package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// target is one side of the comparison: Epoxy or the peer. A target with a
// launcher gets a fresh server for every scenario; one without is an
// endpoint given on the command line, shared by every scenario.
type target struct {
	role     string // "epoxy" or "peer"
	url      string
	launcher launcher
}

// canLaunch reports whether the bench starts this target's servers itself
// (and so can measure their memory and cold start).
func (t *target) canLaunch() bool { return t.launcher != nil }

// seedsStore reports whether fixtures can be written straight into the
// target's data directory before it starts.
func (t *target) seedsStore() bool { return t.launcher != nil && t.launcher.seeds() }

// notApplicable is returned by a scenario the peer cannot run, saying why.
type notApplicable struct{ reason string }

func (e notApplicable) Error() string { return e.reason }

// scenarioFunc measures one scenario on one target.
type scenarioFunc func(ctx context.Context, b *bench, t *target) ([]metric, error)

var scenarioFuncs = map[string]scenarioFunc{
	"api":           runAPI,
	"graph":         runGraph,
	"orchestration": runOrchestration,
	"scale":         runScale,
	"footprint":     runFootprint,
}

// bench is one run of the benchmark.
type bench struct {
	cfg      *config
	progress io.Writer
	tmp      string
	// script is the job script every orchestration job runs: `pass`.
	script string
	epoxy  *target
	peer   *target
	// run makes this run's names unique, for endpoints shared between runs.
	run string
	// endMemory holds, per role, the server's memory at the end of each
	// scenario, for the footprint scenario to report.
	endMemory map[string][]metric
}

// name returns a resource name unique to this run of the bench.
func (b *bench) name(format string, args ...any) string {
	return "bench-" + b.run + "-" + fmt.Sprintf(format, args...)
}

func (b *bench) logf(format string, args ...any) {
	fmt.Fprintf(b.progress, "%s  "+format+"\n", append([]any{time.Now().Format("15:04:05.000")}, args...)...)
}

// newBench prepares the temporary directory, the job script, the epoxy
// binary and the targets. close removes what it made.
func newBench(ctx context.Context, cfg *config, progress io.Writer) (*bench, error) {
	tmp, err := os.MkdirTemp("", "epoxy-bench-")
	if err != nil {
		return nil, err
	}
	b := &bench{cfg: cfg, progress: progress, tmp: tmp, run: fmt.Sprintf("%06x", rand.Uint32()&0xffffff), endMemory: map[string][]metric{}}
	if err := b.prepare(ctx); err != nil {
		b.close()
		return nil, err
	}
	return b, nil
}

func (b *bench) prepare(ctx context.Context) error {
	if b.cfg.Python == "" {
		b.cfg.Python = resolvePython(ctx)
	}
	b.script = filepath.Join(b.tmp, "job_pass.py")
	if err := os.WriteFile(b.script, []byte("pass\n"), 0o644); err != nil {
		return err
	}
	b.epoxy = &target{role: "epoxy", url: b.cfg.Endpoint}
	if b.cfg.Endpoint == "" {
		bin, err := b.epoxyBinary(ctx)
		if err != nil {
			return err
		}
		b.epoxy.launcher = &epoxyLauncher{bin: bin, python: b.cfg.Python, tmp: b.tmp}
	}
	switch {
	case b.cfg.StartMoto:
		b.peer = &target{role: "peer", launcher: &motoLauncher{python: b.cfg.Python, tmp: b.tmp}}
	case b.cfg.Peer != "":
		b.peer = &target{role: "peer", url: b.cfg.Peer}
	}
	return nil
}

func (b *bench) close() { _ = os.RemoveAll(b.tmp) }

// epoxyBinary returns --epoxy-bin, or builds ./cmd/epoxy of the module the
// bench runs in.
func (b *bench) epoxyBinary(ctx context.Context) (string, error) {
	if b.cfg.EpoxyBin != "" {
		return filepath.Abs(b.cfg.EpoxyBin)
	}
	gomod, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	mod := strings.TrimSpace(string(gomod))
	if err != nil || mod == "" || mod == os.DevNull {
		return "", errors.New("cannot find the Epoxy module (run the bench inside it, or pass --epoxy-bin)")
	}
	bin := filepath.Join(b.tmp, "epoxy")
	b.logf("building %s", bin)
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/epoxy")
	cmd.Dir = filepath.Dir(mod)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/epoxy: %w\n%s", err, out)
	}
	return bin, nil
}

// open returns a server of the target for one scenario: a fresh one when
// the bench launches them (seeded with seed first, where supported), else
// the given endpoint.
func (b *bench) open(ctx context.Context, t *target, seed seedFunc) (*server, error) {
	if !t.canLaunch() {
		return externalServer(t.url), nil
	}
	return t.launcher.launch(ctx, seed)
}

// release records a launched server's memory at the end of a scenario and
// stops it.
func (b *bench) release(srv *server, t *target, scenario string) {
	if rss, peak, ok := srv.memory(); ok {
		b.endMemory[t.role] = append(b.endMemory[t.role],
			metric{Measurement: "after the " + scenario + " scenario", Name: "RSS", Unit: "MiB", Value: rss},
			metric{Measurement: "after the " + scenario + " scenario", Name: "peak RSS", Unit: "MiB", Value: peak})
	}
	srv.stop()
}

// runBench runs the selected scenarios on Epoxy and the peer, one target
// at a time so that they never compete for the CPUs.
func runBench(ctx context.Context, cfg *config, progress io.Writer) (*report, error) {
	b, err := newBench(ctx, cfg, progress)
	if err != nil {
		return nil, err
	}
	defer b.close()
	rep := &report{Machine: describeMachine(ctx, cfg.Python, cfg.StartMoto), Settings: b.settings(),
		Scenarios: cfg.Scenarios, PeerNA: map[string]string{}, Skipped: map[string]string{}}
	for _, name := range cfg.Scenarios {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		b.runScenario(ctx, name, rep)
	}
	rep.Targets = evaluateTargets(rep, cfg.sizes)
	rep.Machine.LoadEnd = loadAverage()
	return rep, nil
}

func (b *bench) runScenario(ctx context.Context, name string, rep *report) {
	fn := scenarioFuncs[name]
	b.logf("%s: epoxy", name)
	em, err := fn(ctx, b, b.epoxy)
	var skip notApplicable
	if errors.As(err, &skip) {
		rep.Skipped[name] = skip.reason
		b.logf("%s: not measured on epoxy: %v", name, err)
		return
	}
	if err != nil {
		rep.Errors = append(rep.Errors, fmt.Sprintf("%s (epoxy): %v", name, err))
		b.logf("%s: epoxy failed: %v", name, err)
		return
	}
	var pm []metric
	if b.peer == nil {
		rep.PeerNA[name] = "no peer given"
	} else {
		b.logf("%s: peer", name)
		pm, err = fn(ctx, b, b.peer)
		var na notApplicable
		switch {
		case errors.As(err, &na):
			rep.PeerNA[name] = na.reason
		case err != nil:
			rep.PeerNA[name] = "the peer failed: " + err.Error()
			b.logf("%s: peer failed: %v", name, err)
			pm = nil
		}
	}
	rep.Rows = append(rep.Rows, join(name, em, pm)...)
}

func (b *bench) settings() settings {
	s := settings{Duration: b.cfg.Duration.String(), Quick: b.cfg.Quick, Python: b.cfg.Python,
		StartedAt: time.Now().UTC().Format(time.RFC3339), Epoxy: b.cfg.Endpoint}
	if b.cfg.Endpoint == "" {
		s.Epoxy = "epoxy serve started by the bench (fresh data directory per scenario)"
	}
	switch {
	case b.cfg.StartMoto:
		s.Peer, s.PeerName = "moto_server started by the bench (fresh per scenario)", "moto"
	case b.cfg.Peer != "":
		s.Peer, s.PeerName = b.cfg.Peer, "peer"
	}
	return s
}
