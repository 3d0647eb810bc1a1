package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
)

// busyJobs is how many CPU-bound job runs GetWorkflow is measured beside,
// and busyClients how many clients it is measured with.
const (
	busyJobs    = 4
	busyClients = 16
)

// busyScript keeps one CPU busy until the run is stopped (ten minutes at
// most, should the bench die before stopping it).
const busyScript = `import time
end = time.time() + 600
while time.time() < end:
    pass
`

// Labels of the CPU-bound measurements.
var (
	idleGetLabel = fmt.Sprintf("GetWorkflow, %d clients, no job running", busyClients)
	busyGetLabel = fmt.Sprintf("GetWorkflow, %d clients, %d CPU-bound jobs running", busyClients, busyJobs)
	keptLabel    = fmt.Sprintf("GetWorkflow req/s kept with %d CPU-bound jobs running", busyJobs)
)

// measureGetUnderCPU measures GetWorkflow with busyClients clients, first
// with no job running, then with busyJobs busy-loop python jobs running
// (at the nice value Epoxy gives jobs), and reports the share of req/s
// kept. Only Epoxy runs jobs' code; the peer has no such figures.
func measureGetUnderCPU(ctx context.Context, b *bench, srv *server, names []string) ([]metric, error) {
	_, idle, err := getLoad(ctx, b, srv, names, busyClients, idleGetLabel)
	if err != nil {
		return nil, err
	}
	job := b.name("busy")
	ids, err := startBusyJobs(ctx, b, srv, job)
	defer stopBusyJobs(ctx, srv, job, ids)
	if err != nil {
		return nil, err
	}
	_, busy, err := getLoad(ctx, b, srv, names, busyClients, busyGetLabel)
	if err != nil {
		return nil, err
	}
	if n, err := runningBusyJobs(ctx, srv, job, ids); err != nil || n < len(ids) {
		busy[0].Note = joinNotes(busy[0].Note, fmt.Sprintf("only %d of %d jobs still ran at the end (%v)", n, len(ids), err))
	}
	kept := metric{Measurement: keptLabel, Name: "kept", Unit: "%", Note: "req/s with the jobs / req/s without, measured back to back"}
	if idle[0].Value > 0 {
		kept.Value = 100 * busy[0].Value / idle[0].Value
	}
	return append(append(idle, busy...), kept), nil
}

// startBusyJobs creates the busy job and starts busyJobs runs of it, then
// waits until every run is RUNNING. It returns the ids of the runs it
// started, also on error, for stopBusyJobs.
func startBusyJobs(ctx context.Context, b *bench, srv *server, job string) ([]string, error) {
	script := filepath.Join(b.tmp, "busy.py")
	if err := os.WriteFile(script, []byte(busyScript), 0o644); err != nil {
		return nil, err
	}
	if err := createJobs(ctx, srv.setup, script, []string{job}); err != nil {
		return nil, err
	}
	var ids []string
	for range busyJobs {
		out, err := srv.setup.StartJobRun(ctx, &glue.StartJobRunInput{JobName: aws.String(job)})
		if err != nil {
			return ids, fmt.Errorf("start a CPU-bound job: %w", err)
		}
		ids = append(ids, aws.ToString(out.JobRunId))
	}
	b.logf("  waiting for %d CPU-bound jobs to run", busyJobs)
	return ids, waitBusyJobs(ctx, srv, job, ids, time.Minute)
}

// waitBusyJobs polls until every run is RUNNING, for at most limit.
func waitBusyJobs(ctx context.Context, srv *server, job string, ids []string, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		n, err := runningBusyJobs(ctx, srv, job, ids)
		if err != nil {
			return err
		}
		if n == len(ids) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("CPU-bound jobs: %d of %d RUNNING after %s", n, len(ids), limit)
		case <-tick.C:
		}
	}
}

// runningBusyJobs counts the runs that are RUNNING; a run that has ended
// is an error, since the measurement needs them all.
func runningBusyJobs(ctx context.Context, srv *server, job string, ids []string) (int, error) {
	n := 0
	for _, id := range ids {
		out, err := srv.setup.GetJobRun(ctx, &glue.GetJobRunInput{JobName: aws.String(job), RunId: aws.String(id)})
		if err != nil {
			return n, err
		}
		switch st := out.JobRun.JobRunState; st {
		case types.JobRunStateRunning:
			n++
		case types.JobRunStateStarting, types.JobRunStateWaiting:
		default:
			return n, fmt.Errorf("CPU-bound job run %s is %s: %s", id, st, aws.ToString(out.JobRun.ErrorMessage))
		}
	}
	return n, nil
}

// stopBusyJobs stops the runs, even when ctx is done.
func stopBusyJobs(ctx context.Context, srv *server, job string, ids []string) {
	if len(ids) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	_, _ = srv.setup.BatchStopJobRun(ctx, &glue.BatchStopJobRunInput{JobName: aws.String(job), JobRunIds: ids})
}
