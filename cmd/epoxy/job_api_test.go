package main

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"
)

func TestJob_KeepsEveryMember(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	in := &glue.CreateJobInput{
		Name: aws.String("full"), Role: aws.String("arn:aws:iam::123456789012:role/glue"), Description: aws.String("d"),
		Command:                 &types.JobCommand{Name: aws.String("glueetl"), ScriptLocation: aws.String("s3://b/k.py"), PythonVersion: aws.String("3"), Runtime: aws.String("Ray2.4")},
		DefaultArguments:        map[string]string{"--a": "1"},
		NonOverridableArguments: map[string]string{"--b": "2"},
		ExecutionProperty:       &types.ExecutionProperty{MaxConcurrentRuns: 3},
		MaxRetries:              2, Timeout: aws.Int32(60), GlueVersion: aws.String("4.0"),
		WorkerType: types.WorkerTypeG1x, NumberOfWorkers: aws.Int32(5),
		Connections:          &types.ConnectionsList{Connections: []string{"conn"}},
		NotificationProperty: &types.NotificationProperty{NotifyDelayAfter: aws.Int32(5)},
		ExecutionClass:       types.ExecutionClassFlex, JobMode: types.JobModeScript, JobRunQueuingEnabled: aws.Bool(true),
		LogUri: aws.String("s3://logs"), SecurityConfiguration: aws.String("sec"), MaintenanceWindow: aws.String("Sun:10"),
	}
	_, err := b.client.CreateJob(ctx, in)
	require.NoError(t, err)
	got, err := b.client.GetJob(ctx, &glue.GetJobInput{JobName: aws.String("full")})
	require.NoError(t, err)
	j := got.Job
	require.Equal(t, *in.Command, *j.Command)
	require.Equal(t, in.DefaultArguments, j.DefaultArguments)
	require.Equal(t, in.NonOverridableArguments, j.NonOverridableArguments)
	require.Equal(t, int32(3), j.ExecutionProperty.MaxConcurrentRuns)
	require.Equal(t, int32(2), j.MaxRetries)
	require.Equal(t, int32(60), *j.Timeout)
	require.Equal(t, "4.0", *j.GlueVersion)
	require.Equal(t, types.WorkerTypeG1x, j.WorkerType)
	require.Equal(t, int32(5), *j.NumberOfWorkers)
	require.Equal(t, []string{"conn"}, j.Connections.Connections)
	require.Equal(t, int32(5), *j.NotificationProperty.NotifyDelayAfter)
	require.Equal(t, types.ExecutionClassFlex, j.ExecutionClass)
	require.Equal(t, types.JobModeScript, j.JobMode)
	require.True(t, *j.JobRunQueuingEnabled)
	require.Equal(t, "s3://logs", *j.LogUri)
	require.Equal(t, "Sun:10", *j.MaintenanceWindow)
	require.NotNil(t, j.CreatedOn)
}

func TestJob_DefaultsAndUpdate(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	mustJob(t, b, "py")
	got, err := b.client.GetJob(ctx, &glue.GetJobInput{JobName: aws.String("py")})
	require.NoError(t, err)
	require.Equal(t, int32(1), got.Job.ExecutionProperty.MaxConcurrentRuns, "MaxConcurrentRuns defaults to 1")
	require.Equal(t, int32(2880), *got.Job.Timeout)
	require.Equal(t, 0.0625, *got.Job.MaxCapacity)
	created := *got.Job.CreatedOn

	_, err = b.client.UpdateJob(ctx, &glue.UpdateJobInput{JobName: aws.String("py"), JobUpdate: &types.JobUpdate{
		Role: aws.String("r2"), Command: &types.JobCommand{Name: aws.String("pythonshell"), ScriptLocation: aws.String("/tmp/new.py")},
		MaxRetries: 1}})
	require.NoError(t, err)
	got, err = b.client.GetJob(ctx, &glue.GetJobInput{JobName: aws.String("py")})
	require.NoError(t, err)
	require.Equal(t, "r2", *got.Job.Role)
	require.Equal(t, "/tmp/new.py", *got.Job.Command.ScriptLocation)
	require.Equal(t, int32(1), got.Job.MaxRetries)
	require.Equal(t, created, *got.Job.CreatedOn)

	_, err = b.client.UpdateJob(ctx, &glue.UpdateJobInput{JobName: aws.String("ghost"), JobUpdate: &types.JobUpdate{
		Role: aws.String("r"), Command: &types.JobCommand{Name: aws.String("pythonshell")}}})
	requireCode(t, err, "EntityNotFoundException")
	_, err = b.client.DeleteJob(ctx, &glue.DeleteJobInput{JobName: aws.String("py")})
	require.NoError(t, err)
	_, err = b.client.DeleteJob(ctx, &glue.DeleteJobInput{JobName: aws.String("py")})
	require.NoError(t, err, "DeleteJob is idempotent")
}

func TestJob_Validation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	cmd := &types.JobCommand{Name: aws.String("pythonshell"), ScriptLocation: aws.String("/x.py")}
	cases := []struct {
		name string
		in   *glue.CreateJobInput
		frag string
	}{
		{"bad python version", &glue.CreateJobInput{Name: aws.String("a"), Role: aws.String("r"),
			Command: &types.JobCommand{Name: aws.String("pythonshell"), PythonVersion: aws.String("4")}},
			"Value '4' at 'command.pythonVersion' failed to satisfy constraint: Member must satisfy regular expression pattern: ^([2-3]|3[.]9)$"},
		{"bad worker type", &glue.CreateJobInput{Name: aws.String("a"), Role: aws.String("r"), Command: cmd,
			WorkerType: types.WorkerType("G.99X"), NumberOfWorkers: aws.Int32(2)},
			"Value 'G.99X' at 'workerType' failed to satisfy constraint: Member must satisfy enum value set: [Standard, G.1X, G.2X, G.025X, G.4X, G.8X, Z.2X]"},
		{"timeout zero", &glue.CreateJobInput{Name: aws.String("a"), Role: aws.String("r"), Command: cmd, Timeout: aws.Int32(0)},
			"Value '0' at 'timeout' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"bad glue version", &glue.CreateJobInput{Name: aws.String("a"), Role: aws.String("r"), Command: cmd, GlueVersion: aws.String("four")},
			"Value 'four' at 'glueVersion' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(\\w+\\.)+\\w+$"},
		{"bad maintenance window", &glue.CreateJobInput{Name: aws.String("a"), Role: aws.String("r"), Command: cmd, MaintenanceWindow: aws.String("Someday")},
			"Value 'Someday' at 'maintenanceWindow' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(Sun|Mon|Tue|Wed|Thu|Fri|Sat):([01]?[0-9]|2[0-3])$"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := b.client.CreateJob(ctx, c.in)
			requireValidation(t, err, "1 validation error detected: "+c.frag)
		})
	}
	mustJob(t, b, "dup")
	_, err := b.client.CreateJob(ctx, &glue.CreateJobInput{Name: aws.String("dup"), Role: aws.String("r"), Command: cmd})
	requireCode(t, err, "AlreadyExistsException")
	_, err = b.client.GetJob(ctx, &glue.GetJobInput{JobName: aws.String("ghost")})
	requireCode(t, err, "EntityNotFoundException", "ghost")
}

func TestJob_ListAndBatch(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	for _, n := range []string{"j1", "j2", "j3"} {
		mustJob(t, b, n)
	}
	arn := "arn:aws:glue:us-east-1:123456789012:job/j2"
	_, err := b.client.TagResource(ctx, &glue.TagResourceInput{ResourceArn: aws.String(arn), TagsToAdd: map[string]string{"team": "x"}})
	require.NoError(t, err)
	listed, err := b.client.ListJobs(ctx, &glue.ListJobsInput{Tags: map[string]string{"team": "x"}})
	require.NoError(t, err)
	require.Equal(t, []string{"j2"}, listed.JobNames)
	listed, err = b.client.ListJobs(ctx, &glue.ListJobsInput{Tags: map[string]string{"team": "y"}})
	require.NoError(t, err)
	require.Empty(t, listed.JobNames)
	batch, err := b.client.BatchGetJobs(ctx, &glue.BatchGetJobsInput{JobNames: []string{"j1", "j3", "nope"}})
	require.NoError(t, err)
	require.Len(t, batch.Jobs, 2)
	require.Equal(t, []string{"nope"}, batch.JobsNotFound)
}
