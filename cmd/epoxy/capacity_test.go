//lint:file-ignore SA1019 AllocatedCapacity is deprecated in the SDK but AWS still takes it; these tests check how it is validated and recorded.

package main

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/epoxy-run/epoxy/internal/gluetest"
	"github.com/stretchr/testify/require"
)

// Ensure CreateJob, UpdateJob and StartJobRun refuse, with
// InvalidInputException, the capacity Glue refuses: AllocatedCapacity with
// MaxCapacity, either with WorkerType/NumberOfWorkers, one of WorkerType and
// NumberOfWorkers without the other, and what a command does not take.
func TestJob_CapacityRules(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	shell := &types.JobCommand{Name: aws.String("pythonshell"), ScriptLocation: aws.String("/x.py")}
	etl := &types.JobCommand{Name: aws.String("glueetl"), ScriptLocation: aws.String("/x.py")}
	job := func(cmd *types.JobCommand, opt func(*glue.CreateJobInput)) *glue.CreateJobInput {
		in := &glue.CreateJobInput{Name: aws.String("c"), Role: aws.String("r"), Command: cmd}
		opt(in)
		return in
	}
	cases := []struct {
		name string
		in   *glue.CreateJobInput
		msg  string
	}{
		{"allocated and max", job(etl, func(in *glue.CreateJobInput) { in.AllocatedCapacity, in.MaxCapacity = 10, aws.Float64(10) }),
			"Please set only Allocated Capacity or Max Capacity (AllocatedCapacity 10, MaxCapacity 10)"},
		{"max and workers", job(etl, func(in *glue.CreateJobInput) {
			in.MaxCapacity, in.WorkerType, in.NumberOfWorkers = aws.Float64(10), types.WorkerTypeG1x, aws.Int32(2)
		}), "MaxCapacity cannot be set together with WorkerType and NumberOfWorkers"},
		{"allocated and workers", job(etl, func(in *glue.CreateJobInput) {
			in.AllocatedCapacity, in.WorkerType, in.NumberOfWorkers = 10, types.WorkerTypeG1x, aws.Int32(2)
		}), "AllocatedCapacity cannot be set together with WorkerType and NumberOfWorkers"},
		{"worker type alone", job(etl, func(in *glue.CreateJobInput) { in.WorkerType = types.WorkerTypeG2x }),
			"WorkerType and NumberOfWorkers must be given together"},
		{"workers alone", job(etl, func(in *glue.CreateJobInput) { in.NumberOfWorkers = aws.Int32(3) }),
			"WorkerType and NumberOfWorkers must be given together"},
		{"python shell with 2 DPUs", job(shell, func(in *glue.CreateJobInput) { in.MaxCapacity = aws.Float64(2) }),
			"MaxCapacity of a Python shell job must be 0.0625 or 1, got 2"},
		{"python shell with workers", job(shell, func(in *glue.CreateJobInput) { in.WorkerType, in.NumberOfWorkers = types.WorkerTypeG1x, aws.Int32(2) }),
			"Python shell jobs (pythonshell) take MaxCapacity 0.0625 or 1, not WorkerType, NumberOfWorkers or AllocatedCapacity"},
		{"spark with a fraction", job(etl, func(in *glue.CreateJobInput) { in.MaxCapacity = aws.Float64(0.0625) }),
			"MaxCapacity of a glueetl job must be a whole number of DPUs, got 0.0625 (fractional DPUs are for Python shell jobs)"},
		{"spark with Ray workers", job(etl, func(in *glue.CreateJobInput) { in.WorkerType, in.NumberOfWorkers = types.WorkerTypeZ2x, aws.Int32(2) }),
			"WorkerType Z.2X is for Ray jobs (glueray) only, not glueetl"},
	}
	for _, c := range cases {
		_, err := b.client.CreateJob(ctx, c.in)
		requireCode(t, err, "InvalidInputException")
		requireMessage(t, err, c.msg)
		_, err = b.client.UpdateJob(ctx, &glue.UpdateJobInput{JobName: aws.String("c"), JobUpdate: &types.JobUpdate{Role: c.in.Role,
			Command: c.in.Command, AllocatedCapacity: c.in.AllocatedCapacity, MaxCapacity: c.in.MaxCapacity,
			WorkerType: c.in.WorkerType, NumberOfWorkers: c.in.NumberOfWorkers}})
		requireCode(t, err, "InvalidInputException")
		requireMessage(t, err, c.msg)
	}
	for _, ok := range []float64{0.0625, 1} {
		_, err := b.client.CreateJob(ctx, job(shell, func(in *glue.CreateJobInput) { in.Name, in.MaxCapacity = aws.String("ok"), aws.Float64(ok) }))
		require.NoError(t, err)
		_, err = b.client.DeleteJob(ctx, &glue.DeleteJobInput{JobName: aws.String("ok")})
		require.NoError(t, err)
	}

	mustJob(t, b, "shell")
	_, err := b.client.StartJobRun(ctx, &glue.StartJobRunInput{JobName: aws.String("shell"), AllocatedCapacity: 2, MaxCapacity: aws.Float64(1)})
	requireMessage(t, err, "Please set only Allocated Capacity or Max Capacity (AllocatedCapacity 2, MaxCapacity 1)")
	_, err = b.client.StartJobRun(ctx, &glue.StartJobRunInput{JobName: aws.String("shell"), MaxCapacity: aws.Float64(0.5)})
	requireMessage(t, err, "MaxCapacity of a Python shell job must be 0.0625 or 1, got 0.5")
	_, err = b.client.StartJobRun(ctx, &glue.StartJobRunInput{JobName: aws.String("shell"), NumberOfWorkers: aws.Int32(4)})
	requireMessage(t, err, "WorkerType and NumberOfWorkers must be given together")
	runs, err := b.client.GetJobRuns(ctx, &glue.GetJobRunsInput{JobName: aws.String("shell")})
	require.NoError(t, err)
	require.Empty(t, runs.JobRuns, "a refused StartJobRun records no run")
}

// requireMessage asserts err is InvalidInputException with exactly msg.
func requireMessage(t *testing.T, err error, msg string) {
	t.Helper()
	requireCode(t, err, "InvalidInputException")
	require.Equal(t, msg, errMessage(t, err))
}

// Ensure StartJobRun's capacity, Timeout and ExecutionClass override the
// job's for that run, and are what GetJobRun reports. The job is a Spark job
// with no runner configured, so each run ends FAILED at once: what matters is
// its record.
func TestJobRun_Overrides(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	script := pyScript(t, t.TempDir(), "noop", "pass\n")
	_, err := b.client.CreateJob(ctx, &glue.CreateJobInput{Name: aws.String("etl"), Role: aws.String(runRole),
		Command:    &types.JobCommand{Name: aws.String("glueetl"), ScriptLocation: aws.String(script)},
		WorkerType: types.WorkerTypeG1x, NumberOfWorkers: aws.Int32(2), Timeout: aws.Int32(30),
		ExecutionProperty: &types.ExecutionProperty{MaxConcurrentRuns: 10}})
	require.NoError(t, err)

	run := func(in *glue.StartJobRunInput) *types.JobRun {
		in.JobName = aws.String("etl")
		id := startJobRun(t, b, in)
		var r *types.JobRun
		gluetest.Eventually(t, runWait, func() bool { r = getJobRun(t, b, "etl", id); return terminalJobRunState(r.JobRunState) }, "run %s never ended", id)
		return r
	}
	r := run(&glue.StartJobRunInput{})
	require.Equal(t, types.WorkerTypeG1x, r.WorkerType)
	require.Equal(t, int32(2), aws.ToInt32(r.NumberOfWorkers))
	require.Equal(t, int32(30), aws.ToInt32(r.Timeout))

	r = run(&glue.StartJobRunInput{NumberOfWorkers: aws.Int32(5)})
	require.Equal(t, types.WorkerTypeG1x, r.WorkerType, "a NumberOfWorkers override keeps the job's WorkerType")
	require.Equal(t, int32(5), aws.ToInt32(r.NumberOfWorkers))

	r = run(&glue.StartJobRunInput{WorkerType: types.WorkerTypeG2x})
	require.Equal(t, types.WorkerTypeG2x, r.WorkerType)
	require.Equal(t, int32(2), aws.ToInt32(r.NumberOfWorkers), "a WorkerType override keeps the job's NumberOfWorkers")

	r = run(&glue.StartJobRunInput{AllocatedCapacity: 3, Timeout: aws.Int32(7), ExecutionClass: types.ExecutionClassFlex})
	require.Equal(t, int32(3), r.AllocatedCapacity)
	require.Nil(t, r.MaxCapacity)
	require.Empty(t, r.WorkerType, "AllocatedCapacity replaces the job's workers for the run")
	require.Nil(t, r.NumberOfWorkers)
	require.Equal(t, int32(7), aws.ToInt32(r.Timeout))
	require.Equal(t, types.ExecutionClassFlex, r.ExecutionClass)

	r = run(&glue.StartJobRunInput{MaxCapacity: aws.Float64(4)})
	require.Equal(t, 4.0, aws.ToFloat64(r.MaxCapacity))
	require.Empty(t, r.WorkerType)
	require.Zero(t, r.AllocatedCapacity)

	job, err := b.client.GetJob(ctx, &glue.GetJobInput{JobName: aws.String("etl")})
	require.NoError(t, err)
	require.Equal(t, types.WorkerTypeG1x, job.Job.WorkerType, "overrides leave the job as it was")
	require.Equal(t, int32(2), aws.ToInt32(job.Job.NumberOfWorkers))
}
