package main

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
)

// runFootprint measures, on servers the bench starts: the cold start from
// starting the process to its first answered ListWorkflows (fresh data
// directory), resident memory when idle and after a 16-client load, and
// the memory each earlier scenario's server ended with.
func runFootprint(ctx context.Context, b *bench, t *target) ([]metric, error) {
	if !t.canLaunch() {
		return nil, notApplicable{"the bench did not start this endpoint, so it cannot see its process"}
	}
	var colds []time.Duration
	var out []metric
	for i := range b.cfg.sizes.coldStarts {
		srv, err := t.launcher.launch(ctx, nil)
		if err != nil {
			return nil, err
		}
		colds = append(colds, srv.coldStart)
		if i == 0 {
			out, err = measureMemory(ctx, b, srv)
		}
		srv.stop()
		if err != nil {
			return nil, err
		}
	}
	cold := metric{Measurement: "cold start: process start to first answered ListWorkflows", Name: "p50", Unit: "ms",
		Value: msOf(percentile(colds, 50)), Note: fmt.Sprintf("%d starts, fresh data directory", len(colds))}
	return append(append([]metric{cold}, out...), b.endMemory[t.role]...), nil
}

// measureMemory reads the server's memory idle, then after a load of 16
// clients mixing CreateWorkflow (one request in four) and GetWorkflow.
func measureMemory(ctx context.Context, b *bench, srv *server) ([]metric, error) {
	if err := sleep(ctx, b.cfg.sizes.settle); err != nil {
		return nil, err
	}
	idle, _, ok := srv.memory()
	if !ok {
		return nil, fmt.Errorf("cannot read the memory of process %d", srv.cmd.Process.Pid)
	}
	b.logf("  idle RSS %.1f MiB; 16-client load", idle)
	res := runLoad(ctx, srv, 16, b.cfg.Duration, func(w int) opFunc {
		i := 0
		return func(ctx context.Context) error {
			i++
			name := b.name("mem-w%02d-%07d", w, i)
			if i%4 == 1 {
				_, err := srv.load.CreateWorkflow(ctx, &glue.CreateWorkflowInput{Name: aws.String(name)})
				return err
			}
			_, err := srv.load.GetWorkflow(ctx, &glue.GetWorkflowInput{Name: aws.String(b.name("mem-w%02d-%07d", w, 1))})
			return err
		}
	})
	if _, err := res.metrics("memory load"); err != nil {
		return nil, err
	}
	rss, peak, _ := srv.memory()
	note := fmt.Sprintf("%s requests", count(res.ops))
	if res.errs > 0 {
		note += fmt.Sprintf(", %d failed", res.errs)
	}
	return []metric{
		{Measurement: "idle, after the first answered request", Name: "RSS", Unit: "MiB", Value: idle,
			Note: fmt.Sprintf("VmRSS %s after start", b.cfg.sizes.settle)},
		{Measurement: "after 16 clients of CreateWorkflow and GetWorkflow", Name: "RSS", Unit: "MiB", Value: rss, Note: note},
		{Measurement: "after 16 clients of CreateWorkflow and GetWorkflow", Name: "peak RSS", Unit: "MiB", Value: peak, Note: "VmHWM"},
	}, nil
}
