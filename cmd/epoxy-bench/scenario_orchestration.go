package main

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
)

// Bounds of the orchestration loops.
const (
	maxRepeatRuns = 20 // runs of one workflow per measurement
	runPoll       = 50 * time.Millisecond
	flightPoll    = 20 * time.Millisecond
	// minWindow is the shortest throughput measurement: shorter ones
	// count too few job runs of 40 ms or more.
	minWindow = time.Second
)

// runOrchestration measures how fast Epoxy moves through workflows of real
// job runs: the hop from a job's end to its dependant's start, end-to-end
// run times, and job runs per second with many runs in flight. Every job
// runs a Python script that is just `pass`, so python3's own start-up is
// most of a job run's time; a baseline measures it without Epoxy.
func runOrchestration(ctx context.Context, b *bench, t *target) ([]metric, error) {
	srv, err := b.open(ctx, t, nil)
	if err != nil {
		return nil, err
	}
	defer b.release(srv, t, "orchestration")
	if err := probeExecution(ctx, b, t, srv); err != nil {
		return nil, err
	}
	out, err := pythonBaselines(ctx, b)
	if err != nil {
		return nil, err
	}
	chain, err := measureRuns(ctx, b, srv, chainsDAG(b.name("chain"), 1, b.cfg.sizes.chainJobs), chainLabel(b.cfg.sizes.chainJobs))
	if err != nil {
		return nil, err
	}
	fan, err := measureRuns(ctx, b, srv, fanDAG(b.name("fan"), b.cfg.sizes.fanJobs), fmt.Sprintf("fan-out/fan-in of %d jobs", b.cfg.sizes.fanJobs))
	if err != nil {
		return nil, err
	}
	out = append(out, chain.metrics...)
	out = append(out, fan.metrics...)
	out = append(out, hopMetrics(allHops, append(chain.hops, fan.hops...))...)
	tput, err := measureThroughput(ctx, b, srv)
	if err != nil {
		return nil, err
	}
	return append(out, tput), nil
}

// allHops labels the hops of the chain and the fan together.
const allHops = "all hops (chain and fan)"

func chainLabel(jobs int) string { return fmt.Sprintf("chain of %d jobs", jobs) }

// probeExecution runs a one-job workflow. An endpoint that does not run
// it within a few seconds does not execute jobs.
func probeExecution(ctx context.Context, b *bench, t *target, srv *server) error {
	d := chainsDAG(b.name("exec-probe"), 1, 1)
	if err := d.create(ctx, srv.setup, b.script); err != nil {
		return notApplicable{"cannot create a workflow with a job: " + err.Error()}
	}
	runID, err := startRun(ctx, srv.setup, d.workflow)
	if err != nil {
		return notApplicable{"StartWorkflowRun failed: " + err.Error()}
	}
	limit := 30 * time.Second // python3's first start may be slow on a busy machine
	if t.role == "peer" {
		limit = 2 * time.Second
		if b.cfg.Quick {
			limit = time.Second
		}
	}
	st, err := waitRun(ctx, srv.setup, d.workflow, runID, 20*time.Millisecond, limit)
	if err != nil {
		return notApplicable{fmt.Sprintf("it does not execute jobs (a one-job workflow run was not finished after %s)", limit)}
	}
	if st.stats == nil || st.stats.SucceededActions != 1 {
		return fmt.Errorf("a one-job workflow run ended %s without its job succeeding: %s", st.status, jobRunError(ctx, srv.setup, d.jobs[0]))
	}
	return nil
}

// jobRunError returns the error message of a job's latest run.
func jobRunError(ctx context.Context, c *glue.Client, job string) string {
	out, err := c.GetJobRuns(ctx, &glue.GetJobRunsInput{JobName: aws.String(job), MaxResults: aws.Int32(1)})
	if err != nil || len(out.JobRuns) == 0 {
		return fmt.Sprintf("no job run found (%v)", err)
	}
	r := out.JobRuns[0]
	return fmt.Sprintf("job run %s %s: %s", aws.ToString(r.Id), r.JobRunState, aws.ToString(r.ErrorMessage))
}

func startRun(ctx context.Context, c *glue.Client, workflow string) (string, error) {
	out, err := c.StartWorkflowRun(ctx, &glue.StartWorkflowRunInput{Name: aws.String(workflow)})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.RunId), nil
}

// runFigures is what repeated runs of one workflow measured.
type runFigures struct {
	hops    []time.Duration
	metrics []metric
}

// measureRuns creates the DAG and runs it again and again (at least once,
// at most maxRepeatRuns times) until --duration is spent, collecting hops,
// end-to-end times and job run times from the server's timestamps.
func measureRuns(ctx context.Context, b *bench, srv *server, d *dag, label string) (*runFigures, error) {
	b.logf("  %s", label)
	if err := d.create(ctx, srv.setup, b.script); err != nil {
		return nil, err
	}
	var fig runFigures
	var e2e, jobs, fanIn []time.Duration
	deadline := time.Now().Add(b.cfg.Duration)
	for i := 0; i < maxRepeatRuns && (i == 0 || time.Now().Before(deadline)); i++ {
		times, total, err := runOnce(ctx, srv, d)
		if err != nil {
			return nil, err
		}
		e2e = append(e2e, total)
		for _, j := range d.jobs {
			jobs = append(jobs, times[j].completed.Sub(times[j].started))
			if h, ok := hop(d, times, j); ok {
				fig.hops = append(fig.hops, h)
				if len(d.preds[j]) > 1 {
					fanIn = append(fanIn, h)
				}
			}
		}
	}
	fig.metrics = append(hopMetrics(label, fig.hops),
		metric{Measurement: label, Name: "end-to-end p50", Unit: "s", Value: percentile(e2e, 50).Seconds(), Note: plural(len(e2e), "run")},
		metric{Measurement: label, Name: "job run p50", Unit: "ms", Value: msOf(percentile(jobs, 50)), Note: "StartedOn to CompletedOn: mostly python3 start-up"})
	if len(fanIn) > 0 {
		fig.metrics = append(fig.metrics, metric{Measurement: label, Name: "fan-in hop p50", Unit: "ms", Value: msOf(percentile(fanIn, 50)),
			Note: "sink start minus the last middle job's end"})
	}
	return &fig, nil
}

func hopMetrics(label string, hops []time.Duration) []metric {
	note := fmt.Sprintf("%d hops, millisecond timestamps", len(hops))
	return []metric{
		{Measurement: label, Name: "hop p50", Unit: "ms", Value: msOf(percentile(hops, 50)), Note: note},
		{Measurement: label, Name: "hop p99", Unit: "ms", Value: msOf(percentile(hops, 99))},
	}
}

// jobTimes are a job run's StartedOn and CompletedOn.
type jobTimes struct{ started, completed time.Time }

// hop is a job's StartedOn minus the latest CompletedOn of the jobs it
// waits for; ok is false for jobs that wait for nothing.
func hop(d *dag, times map[string]jobTimes, job string) (time.Duration, bool) {
	preds := d.preds[job]
	if len(preds) == 0 {
		return 0, false
	}
	var last time.Time
	for _, p := range preds {
		if c := times[p].completed; c.After(last) {
			last = c
		}
	}
	return times[job].started.Sub(last), true
}

// runOnce runs the workflow to completion and returns each job's times
// and the run's end-to-end time.
func runOnce(ctx context.Context, srv *server, d *dag) (map[string]jobTimes, time.Duration, error) {
	runID, err := startRun(ctx, srv.setup, d.workflow)
	if err != nil {
		return nil, 0, err
	}
	st, err := waitRun(ctx, srv.setup, d.workflow, runID, runPoll, time.Minute+time.Duration(len(d.jobs))*time.Second)
	if err != nil {
		return nil, 0, err
	}
	times, err := runJobTimes(ctx, srv.setup, d.workflow, runID)
	if err != nil {
		return nil, 0, err
	}
	if len(times) != len(d.jobs) {
		return nil, 0, fmt.Errorf("run %s of %s (%s) ran %d of %d jobs successfully", runID, d.workflow, st.status, len(times), len(d.jobs))
	}
	return times, st.completed.Sub(st.started), nil
}

// runJobTimes reads a run's graph and returns the times of every job run
// that succeeded.
func runJobTimes(ctx context.Context, c *glue.Client, workflow, runID string) (map[string]jobTimes, error) {
	out, err := c.GetWorkflowRun(ctx, &glue.GetWorkflowRunInput{Name: aws.String(workflow), RunId: aws.String(runID), IncludeGraph: aws.Bool(true)})
	if err != nil {
		return nil, err
	}
	if out.Run.Graph == nil {
		return nil, fmt.Errorf("run %s of %s has no graph", runID, workflow)
	}
	times := map[string]jobTimes{}
	for _, n := range out.Run.Graph.Nodes {
		if n.Type != types.NodeTypeJob || n.JobDetails == nil {
			continue
		}
		for _, r := range n.JobDetails.JobRuns {
			if r.JobRunState == types.JobRunStateSucceeded {
				times[aws.ToString(n.Name)] = jobTimes{started: aws.ToTime(r.StartedOn), completed: aws.ToTime(r.CompletedOn)}
			}
		}
	}
	return times, nil
}

// measureThroughput keeps inFlight runs of a short chain going for
// --duration and counts the job runs that completed in that window (after
// a warm-up), from their CompletedOn.
func measureThroughput(ctx context.Context, b *bench, srv *server) (metric, error) {
	sz := b.cfg.sizes
	label := fmt.Sprintf("job runs/s, %d workflow runs in flight (chains of %d)", sz.inFlight, sz.flightChain)
	b.logf("  %s", label)
	d := chainsDAG(b.name("flight"), 1, sz.flightChain)
	if err := d.create(ctx, srv.setup, b.script); err != nil {
		return metric{}, err
	}
	window := max(b.cfg.Duration, minWindow)
	from := time.Now().Add(min(window/10, 500*time.Millisecond))
	to := from.Add(window)
	if err := keepInFlight(ctx, srv, d.workflow, sz.inFlight, to); err != nil {
		return metric{}, err
	}
	n, err := completedBetween(ctx, srv.setup, d.jobs, from, to)
	if err != nil {
		return metric{}, err
	}
	return metric{Measurement: label, Name: "throughput", Unit: "jobs/s", Value: float64(n) / to.Sub(from).Seconds(),
		Note: fmt.Sprintf("%s completed in %s", plural(n, "job run"), to.Sub(from).Round(time.Millisecond))}, nil
}

// keepInFlight starts runs of workflow so that n are running until the
// deadline, then waits for the last ones to finish.
func keepInFlight(ctx context.Context, srv *server, workflow string, n int, deadline time.Time) error {
	running := map[string]bool{}
	for i := 0; i < 1_000_000 && time.Now().Before(deadline); i++ {
		for len(running) < n {
			id, err := startRun(ctx, srv.setup, workflow)
			if err != nil {
				return err
			}
			running[id] = true
		}
		if err := sleep(ctx, flightPoll); err != nil {
			return err
		}
		if err := dropFinished(ctx, srv.setup, workflow, running); err != nil {
			return err
		}
	}
	drainLimit := time.Now().Add(2 * time.Minute)
	for len(running) > 0 && time.Now().Before(drainLimit) {
		if err := sleep(ctx, runPoll); err != nil {
			return err
		}
		if err := dropFinished(ctx, srv.setup, workflow, running); err != nil {
			return err
		}
	}
	if len(running) > 0 {
		return fmt.Errorf("%d runs of %s still running two minutes after the measurement", len(running), workflow)
	}
	return nil
}

// dropFinished removes the runs that have ended from running, reading the
// newest runs in one request and any older one on its own.
func dropFinished(ctx context.Context, c *glue.Client, workflow string, running map[string]bool) error {
	out, err := c.GetWorkflowRuns(ctx, &glue.GetWorkflowRunsInput{Name: aws.String(workflow), MaxResults: aws.Int32(int32(2 * len(running)))})
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, r := range out.Runs {
		id := aws.ToString(r.WorkflowRunId)
		seen[id] = true
		if running[id] && r.Status != types.WorkflowRunStatusRunning && r.Status != types.WorkflowRunStatusStopping {
			delete(running, id)
		}
	}
	for id := range running {
		if seen[id] {
			continue
		}
		out, err := c.GetWorkflowRun(ctx, &glue.GetWorkflowRunInput{Name: aws.String(workflow), RunId: aws.String(id)})
		if err != nil {
			return err
		}
		if s := out.Run.Status; s != types.WorkflowRunStatusRunning && s != types.WorkflowRunStatusStopping {
			delete(running, id)
		}
	}
	return nil
}

// completedBetween counts the job runs of jobs that completed in [from, to).
func completedBetween(ctx context.Context, c *glue.Client, jobs []string, from, to time.Time) (int, error) {
	n := 0
	for _, j := range jobs {
		p := glue.NewGetJobRunsPaginator(c, &glue.GetJobRunsInput{JobName: aws.String(j), MaxResults: aws.Int32(200)})
		for page := 0; p.HasMorePages() && page < 1000; page++ {
			out, err := p.NextPage(ctx)
			if err != nil {
				return 0, err
			}
			for _, r := range out.JobRuns {
				if end := aws.ToTime(r.CompletedOn); !end.Before(from) && end.Before(to) && r.JobRunState == types.JobRunStateSucceeded {
					n++
				}
			}
		}
	}
	return n, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}
