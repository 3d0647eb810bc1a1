package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// baselineScript does what Epoxy's job bootstrap does around a script that
// is just `pass`: the same imports, then a status file written and
// renamed into place, then exit.
const baselineScript = `import json, os, runpy, sys, traceback
p = sys.argv[1]
with open(p + ".tmp", "w") as f:
    json.dump({"exit": 0, "error": ""}, f)
os.replace(p + ".tmp", p)
sys.exit(0)
`

// pythonBaselines measures python3 alone, with no Epoxy involved: how long
// it takes to start and exit, how long it takes to exit after writing its
// status file (Epoxy takes a job's CompletedOn from that file, so this
// teardown is part of every hop), and how many runs per second the machine
// completes with inFlight always running.
func pythonBaselines(ctx context.Context, b *bench) ([]metric, error) {
	script := filepath.Join(b.tmp, "baseline.py")
	if err := os.WriteFile(script, []byte(baselineScript), 0o644); err != nil {
		return nil, err
	}
	var total, teardown []time.Duration
	for i := range 10 {
		t, td, err := runBaseline(ctx, b.cfg.Python, script, filepath.Join(b.tmp, fmt.Sprintf("status-%d.json", i)))
		if err != nil {
			return nil, fmt.Errorf("python3 baseline: %w", err)
		}
		total, teardown = append(total, t), append(teardown, td)
	}
	n := b.cfg.sizes.inFlight
	rate, err := pythonThroughput(ctx, b, script, n)
	if err != nil {
		return nil, err
	}
	const label = "python3 alone (no Epoxy)"
	return []metric{
		{Measurement: label, Name: "start to exit p50", Unit: "ms", Value: msOf(percentile(total, 50)), Note: "the floor under every job run"},
		{Measurement: label, Name: "exit after status write p50", Unit: "ms", Value: msOf(percentile(teardown, 50)),
			Note: "interpreter teardown after the job's status file is written; part of every hop"},
		{Measurement: label, Name: fmt.Sprintf("runs/s, %d at a time", n), Unit: "jobs/s", Value: rate, Note: "the same processes with no Epoxy, always this many running"},
	}, nil
}

// runBaseline runs the baseline script once and returns its wall time and
// the time from its status file's modification to its exit.
func runBaseline(ctx context.Context, python, script, status string) (time.Duration, time.Duration, error) {
	t0 := time.Now()
	if err := exec.CommandContext(ctx, python, script, status).Run(); err != nil {
		return 0, 0, err
	}
	end := time.Now()
	fi, err := os.Stat(status)
	if err != nil {
		return 0, 0, err
	}
	return end.Sub(t0), end.Sub(fi.ModTime()), nil
}

// pythonThroughput keeps n baseline processes running for --duration and
// returns how many completed per second.
func pythonThroughput(ctx context.Context, b *bench, script string, n int) (float64, error) {
	start := time.Now()
	deadline := start.Add(max(b.cfg.Duration, minWindow))
	var done atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for w := range n {
		wg.Go(func() {
			status := filepath.Join(b.tmp, fmt.Sprintf("tput-%d.json", w))
			for i := 0; i < 100_000 && time.Now().Before(deadline); i++ {
				if err := exec.CommandContext(ctx, b.cfg.Python, script, status).Run(); err != nil {
					errs <- err
					return
				}
				if time.Now().Before(deadline) {
					done.Add(1)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return 0, fmt.Errorf("python3 baseline: %w", err)
	}
	return float64(done.Load()) / deadline.Sub(start).Seconds(), nil
}
