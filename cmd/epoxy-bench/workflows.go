package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
)

// maxTriggerActions is how many jobs one trigger may start.
const maxTriggerActions = 50

// forEach calls fn(i) for i in [0, n) from workers goroutines and returns
// the first error.
func forEach(ctx context.Context, n, workers int, fn func(ctx context.Context, i int) error) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for range min(workers, n) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n && ctx.Err() == nil; i = int(next.Add(1)) - 1 {
				if err := fn(ctx, i); err != nil {
					once.Do(func() { first = err; cancel() })
					return
				}
			}
		})
	}
	wg.Wait()
	if first == nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return first
}

// createJobs creates Python shell jobs that run script, with room for many
// concurrent runs and no retries.
func createJobs(ctx context.Context, c *glue.Client, script string, names []string) error {
	return forEach(ctx, len(names), 4, func(ctx context.Context, i int) error {
		_, err := c.CreateJob(ctx, &glue.CreateJobInput{Name: aws.String(names[i]), Role: aws.String("arn:aws:iam::123456789012:role/bench"),
			Command:           &types.JobCommand{Name: aws.String("pythonshell"), ScriptLocation: aws.String(script)},
			ExecutionProperty: &types.ExecutionProperty{MaxConcurrentRuns: 1000}, MaxRetries: 0, Timeout: aws.Int32(10)})
		if err != nil {
			return fmt.Errorf("create job %s: %w", names[i], err)
		}
		return nil
	})
}

func createWorkflow(ctx context.Context, c *glue.Client, name string) error {
	if _, err := c.CreateWorkflow(ctx, &glue.CreateWorkflowInput{Name: aws.String(name)}); err != nil {
		return fmt.Errorf("create workflow %s: %w", name, err)
	}
	return nil
}

// trigger is a trigger to create in a workflow: a start trigger when after
// is empty, else a conditional one waiting for every job in after to
// succeed.
type trigger struct {
	name  string
	after []string
	jobs  []string
}

func createTriggers(ctx context.Context, c *glue.Client, workflow string, ts []trigger) error {
	return forEach(ctx, len(ts), 4, func(ctx context.Context, i int) error {
		t := ts[i]
		in := &glue.CreateTriggerInput{Name: aws.String(t.name), WorkflowName: aws.String(workflow), Type: types.TriggerTypeOnDemand}
		for _, j := range t.jobs {
			in.Actions = append(in.Actions, types.Action{JobName: aws.String(j)})
		}
		if len(t.after) > 0 {
			in.Type, in.StartOnCreation = types.TriggerTypeConditional, true
			in.Predicate = &types.Predicate{Logical: types.LogicalAnd}
			for _, j := range t.after {
				in.Predicate.Conditions = append(in.Predicate.Conditions, types.Condition{JobName: aws.String(j),
					LogicalOperator: types.LogicalOperatorEquals, State: types.JobRunStateSucceeded})
			}
		}
		if _, err := c.CreateTrigger(ctx, in); err != nil {
			return fmt.Errorf("create trigger %s: %w", t.name, err)
		}
		return nil
	})
}

// dag is a workflow built for the bench: its jobs, and for each job the
// jobs it waits for.
type dag struct {
	workflow string
	jobs     []string
	preds    map[string][]string
	triggers []trigger
}

// nodes is the size of the workflow's graph: jobs plus triggers.
func (d *dag) nodes() int { return len(d.jobs) + len(d.triggers) }

// create creates the workflow, its jobs and its triggers.
func (d *dag) create(ctx context.Context, c *glue.Client, script string) error {
	if err := createWorkflow(ctx, c, d.workflow); err != nil {
		return err
	}
	if err := createJobs(ctx, c, script, d.jobs); err != nil {
		return err
	}
	return createTriggers(ctx, c, d.workflow, d.triggers)
}

func (d *dag) addJob(name string, preds ...string) {
	d.jobs = append(d.jobs, name)
	d.preds[name] = preds
}

// chainsDAG is k parallel chains of length jobs each: one start trigger
// starts every chain's first job, and one conditional trigger per later job
// starts it when its predecessor succeeds. Its graph has 2·k·length − k + 1
// nodes.
func chainsDAG(workflow string, k, length int) *dag {
	d := &dag{workflow: workflow, preds: map[string][]string{}}
	job := func(c, s int) string { return fmt.Sprintf("%s-c%02d-j%03d", workflow, c, s) }
	start := trigger{name: workflow + "-start"}
	for c := range k {
		d.addJob(job(c, 0))
		start.jobs = append(start.jobs, job(c, 0))
	}
	d.triggers = append(d.triggers, start)
	for c := range k {
		for s := 1; s < length; s++ {
			d.addJob(job(c, s), job(c, s-1))
			d.triggers = append(d.triggers, trigger{name: fmt.Sprintf("%s-c%02d-t%03d", workflow, c, s), after: []string{job(c, s-1)}, jobs: []string{job(c, s)}})
		}
	}
	return d
}

// graphDAG returns parallel chains whose graph has exactly n nodes, with
// at most nine chains (so that a run of it keeps at most nine jobs in
// flight on a small machine).
func graphDAG(workflow string, n int) (*dag, error) {
	for k := 9; k >= 1; k-- {
		if (n-1)%k == 0 && ((n-1)/k)%2 == 1 {
			return chainsDAG(workflow, k, ((n-1)/k+1)/2), nil
		}
	}
	return nil, fmt.Errorf("no set of parallel chains has exactly %d nodes (use an even number)", n)
}

// fanDAG is a fan-out/fan-in DAG of n jobs: a source job, n−2 jobs that
// start when it succeeds (through as many triggers as the 50-action limit
// needs) and a sink job that starts when all of them have succeeded.
func fanDAG(workflow string, n int) *dag {
	d := &dag{workflow: workflow, preds: map[string][]string{}}
	src, sink := workflow+"-source", workflow+"-sink"
	d.addJob(src)
	d.triggers = append(d.triggers, trigger{name: workflow + "-start", jobs: []string{src}})
	var middle []string
	for i := range n - 2 {
		j := fmt.Sprintf("%s-m%03d", workflow, i)
		d.addJob(j, src)
		middle = append(middle, j)
	}
	for i := 0; i < len(middle); i += maxTriggerActions {
		part := middle[i:min(i+maxTriggerActions, len(middle))]
		d.triggers = append(d.triggers, trigger{name: fmt.Sprintf("%s-out%02d", workflow, i/maxTriggerActions), after: []string{src}, jobs: part})
	}
	d.addJob(sink, middle...)
	d.triggers = append(d.triggers, trigger{name: workflow + "-in", after: middle, jobs: []string{sink}})
	return d
}
