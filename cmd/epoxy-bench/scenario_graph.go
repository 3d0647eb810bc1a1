package main

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
)

// runGraph measures GetWorkflow with IncludeGraph on workflows of each
// size, and GetWorkflowRun with IncludeGraph on a completed run of each.
// The workflows are parallel chains of real jobs (see graphDAG), so the run
// graph carries one job run per job node.
func runGraph(ctx context.Context, b *bench, t *target) ([]metric, error) {
	srv, err := b.open(ctx, t, nil)
	if err != nil {
		return nil, err
	}
	defer b.release(srv, t, "graph")
	if err := probeGraph(ctx, b, srv); err != nil {
		return nil, err
	}
	var out []metric
	for _, n := range b.cfg.sizes.graphNodes {
		ms, err := measureGraph(ctx, b, srv, n)
		if err != nil {
			return nil, err
		}
		out = append(out, ms...)
	}
	return out, nil
}

// probeGraph checks on a one-job workflow that the endpoint returns
// graphs at all.
func probeGraph(ctx context.Context, b *bench, srv *server) error {
	d := chainsDAG(b.name("graph-probe"), 1, 1)
	if err := d.create(ctx, srv.setup, b.script); err != nil {
		return notApplicable{"cannot create a workflow with a job and a trigger: " + err.Error()}
	}
	g, err := workflowGraph(ctx, srv.setup, d.workflow)
	if err != nil {
		return err
	}
	if g == nil || len(g.Nodes) != d.nodes() {
		return notApplicable{"GetWorkflow with IncludeGraph returns no graph"}
	}
	return nil
}

func workflowGraph(ctx context.Context, c *glue.Client, workflow string) (*types.WorkflowGraph, error) {
	out, err := c.GetWorkflow(ctx, &glue.GetWorkflowInput{Name: aws.String(workflow), IncludeGraph: aws.Bool(true)})
	if err != nil {
		return nil, err
	}
	return out.Workflow.Graph, nil
}

func measureGraph(ctx context.Context, b *bench, srv *server, n int) ([]metric, error) {
	d, err := graphDAG(b.name("graph-%d", n), n)
	if err != nil {
		return nil, err
	}
	b.logf("  creating a %d-node workflow (%d jobs)", n, len(d.jobs))
	if err := d.create(ctx, srv.setup, b.script); err != nil {
		return nil, err
	}
	if g, err := workflowGraph(ctx, srv.setup, d.workflow); err != nil || g == nil || len(g.Nodes) != n {
		return nil, fmt.Errorf("workflow %s: want a graph of %d nodes (err %v)", d.workflow, n, err)
	}
	label := fmt.Sprintf("GetWorkflow IncludeGraph, %d nodes", n)
	b.logf("  %s", label)
	out, err := runLoad(ctx, srv, 1, b.cfg.Duration, func(int) opFunc {
		in := &glue.GetWorkflowInput{Name: aws.String(d.workflow), IncludeGraph: aws.Bool(true)}
		return func(ctx context.Context) error { _, err := srv.load.GetWorkflow(ctx, in); return err }
	}).metrics(label)
	if err != nil {
		return nil, err
	}
	runMetrics, err := measureRunGraph(ctx, b, srv, d)
	return append(out, runMetrics...), err
}

// measureRunGraph runs the workflow to completion, then reads the run with
// its graph.
func measureRunGraph(ctx context.Context, b *bench, srv *server, d *dag) ([]metric, error) {
	b.logf("  running it")
	started, err := srv.setup.StartWorkflowRun(ctx, &glue.StartWorkflowRunInput{Name: aws.String(d.workflow)})
	if err != nil {
		return nil, err
	}
	runID := aws.ToString(started.RunId)
	st, err := waitRun(ctx, srv.setup, d.workflow, runID, 100*time.Millisecond, 2*time.Minute+time.Duration(len(d.jobs))*200*time.Millisecond)
	if err != nil {
		return nil, err
	}
	if st.stats == nil || int(st.stats.SucceededActions) != len(d.jobs) {
		return nil, fmt.Errorf("run %s of %s ended %s without every job succeeding (statistics %+v)", runID, d.workflow, st.status, st.stats)
	}
	label := fmt.Sprintf("GetWorkflowRun IncludeGraph, %d nodes, %d job runs", d.nodes(), len(d.jobs))
	b.logf("  %s", label)
	return runLoad(ctx, srv, 1, b.cfg.Duration, func(int) opFunc {
		in := &glue.GetWorkflowRunInput{Name: aws.String(d.workflow), RunId: aws.String(runID), IncludeGraph: aws.Bool(true)}
		return func(ctx context.Context) error { _, err := srv.load.GetWorkflowRun(ctx, in); return err }
	}).metrics(label)
}
