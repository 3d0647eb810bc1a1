package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	domain "github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/gluetest"
	"github.com/epoxy-run/epoxy/internal/store"
	"github.com/stretchr/testify/require"
)

// setupClock starts Epoxy on a fake clock, with the scheduler looking every
// 20 ms, so tests move time instead of waiting for it.
func setupClock(t *testing.T, frequent bool) (*testBundle, *gluetest.Clock) {
	t.Helper()
	cfg := testConfig(t)
	clock := gluetest.NewClock(time.Date(2026, 5, 4, 9, 58, 0, 0, time.UTC))
	cfg.clock, cfg.tick, cfg.AllowFrequentSchedules = clock, 20*time.Millisecond, frequent
	return setupWith(t, cfg), clock
}

func quickJob(t *testing.T, b *testBundle, name string) {
	t.Helper()
	script := filepath.Join(t.TempDir(), name+".py")
	require.NoError(t, os.WriteFile(script, []byte("print('hello from "+name+"')\n"), 0o644))
	_, err := b.client.CreateJob(context.Background(), &glue.CreateJobInput{Name: aws.String(name), Role: aws.String("r"),
		Command: &types.JobCommand{Name: aws.String("pythonshell"), ScriptLocation: aws.String(script)}})
	require.NoError(t, err)
}

func waitJobRuns(t *testing.T, b *testBundle, job string, n int, state types.JobRunState) []types.JobRun {
	t.Helper()
	var runs []types.JobRun
	gluetest.Eventually(t, runWait, func() bool {
		out, err := b.client.GetJobRuns(context.Background(), &glue.GetJobRunsInput{JobName: aws.String(job)})
		require.NoError(t, err)
		runs = out.JobRuns
		if len(runs) != n {
			return false
		}
		for _, r := range runs {
			if r.JobRunState != state {
				return false
			}
		}
		return true
	}, "want %d %s runs of %s", n, state, job)
	return runs
}

// Ensure an ACTIVATED standalone SCHEDULED trigger starts its job at its
// fire time, and StopTrigger switches firing off.
func TestSchedule_StandaloneTriggerStartsJob(t *testing.T) {
	t.Parallel()
	b, clock := setupClock(t, false)
	ctx := context.Background()
	quickJob(t, b, "tick")
	mustTrigger(t, b, &glue.CreateTriggerInput{Name: aws.String("every5"), Type: types.TriggerTypeScheduled, StartOnCreation: true,
		Schedule: aws.String("cron(0/5 * * * ? *)"), Actions: []types.Action{{JobName: aws.String("tick")}}})
	waitScheduleNoted(t, b, "trigger:every5") // the scheduler counts from 09:58
	clock.Advance(2*time.Minute + 30*time.Second)
	runs := waitJobRuns(t, b, "tick", 1, types.JobRunStateSucceeded)
	require.Equal(t, "every5", *runs[0].TriggerName)

	_, err := b.client.StopTrigger(ctx, &glue.StopTriggerInput{Name: aws.String("every5")})
	require.NoError(t, err)
	waitScheduleForgotten(t, b, "trigger:every5")
	clock.Advance(10 * time.Minute)
	require.NoError(t, b.app.engine.Tick(ctx)) // a pass past two fire times: it fires nothing
	waitJobRuns(t, b, "tick", 1, types.JobRunStateSucceeded)
}

// Ensure a workflow's SCHEDULED start trigger starts workflow runs.
func TestSchedule_WorkflowStart(t *testing.T) {
	t.Parallel()
	b, clock := setupClock(t, true)
	ctx := context.Background()
	mustWorkflow(t, b, "nightly")
	quickJob(t, b, "load")
	mustTrigger(t, b, &glue.CreateTriggerInput{Name: aws.String("nightly-start"), WorkflowName: aws.String("nightly"), Type: types.TriggerTypeScheduled,
		StartOnCreation: true, Schedule: aws.String("cron(* * * * ? *)"), Actions: []types.Action{{JobName: aws.String("load")}}})
	waitScheduleNoted(t, b, "trigger:nightly-start")
	clock.Advance(70 * time.Second)
	gluetest.Eventually(t, runWait, func() bool {
		out, err := b.client.GetWorkflowRuns(ctx, &glue.GetWorkflowRunsInput{Name: aws.String("nightly")})
		require.NoError(t, err)
		return len(out.Runs) == 1 && out.Runs[0].Status == types.WorkflowRunStatusCompleted
	}, "one COMPLETED run of nightly")
}

// Ensure Glue's 5-minute floor is enforced unless the server allows
// frequent schedules for testing.
func TestSchedule_FrequencyFloor(t *testing.T) {
	t.Parallel()
	strict := setup(t)
	lax, _ := setupClock(t, true)
	for _, b := range []*testBundle{strict, lax} {
		mustJob(t, b, "j")
	}
	in := func(name string) *glue.CreateTriggerInput {
		return &glue.CreateTriggerInput{Name: aws.String(name), Type: types.TriggerTypeScheduled, Schedule: aws.String("cron(* * * * ? *)"),
			Actions: []types.Action{{JobName: aws.String("j")}}}
	}
	_, err := strict.client.CreateTrigger(context.Background(), in("fast"))
	requireCode(t, err, "InvalidInputException", "5 minutes")
	_, err = lax.client.CreateTrigger(context.Background(), in("fast"))
	require.NoError(t, err)
}

// Ensure crawler schedules are switched on and off as Glue does, with its
// error shapes.
func TestSchedule_CrawlerScheduleOperations(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	mustCrawler(t, b, "c")
	_, err := b.client.StartCrawlerSchedule(ctx, &glue.StartCrawlerScheduleInput{CrawlerName: aws.String("c")})
	requireCode(t, err, "NoScheduleException")
	_, err = b.client.UpdateCrawlerSchedule(ctx, &glue.UpdateCrawlerScheduleInput{CrawlerName: aws.String("c"), Schedule: aws.String("cron(0 3 * * ? *)")})
	require.NoError(t, err)
	got, err := b.client.GetCrawler(ctx, &glue.GetCrawlerInput{Name: aws.String("c")})
	require.NoError(t, err)
	require.Equal(t, types.ScheduleStateScheduled, got.Crawler.Schedule.State)
	_, err = b.client.StartCrawlerSchedule(ctx, &glue.StartCrawlerScheduleInput{CrawlerName: aws.String("c")})
	requireCode(t, err, "SchedulerRunningException")
	_, err = b.client.StopCrawlerSchedule(ctx, &glue.StopCrawlerScheduleInput{CrawlerName: aws.String("c")})
	require.NoError(t, err)
	got, err = b.client.GetCrawler(ctx, &glue.GetCrawlerInput{Name: aws.String("c")})
	require.NoError(t, err)
	require.Equal(t, types.ScheduleStateNotScheduled, got.Crawler.Schedule.State)
	require.Equal(t, "cron(0 3 * * ? *)", *got.Crawler.Schedule.ScheduleExpression)
	_, err = b.client.StopCrawlerSchedule(ctx, &glue.StopCrawlerScheduleInput{CrawlerName: aws.String("c")})
	requireCode(t, err, "SchedulerNotRunningException")
	_, err = b.client.UpdateCrawlerSchedule(ctx, &glue.UpdateCrawlerScheduleInput{CrawlerName: aws.String("c"), Schedule: aws.String("cron(bad)")})
	requireCode(t, err, "InvalidInputException", "Schedule")
	_, err = b.client.StartCrawlerSchedule(ctx, &glue.StartCrawlerScheduleInput{CrawlerName: aws.String("ghost")})
	requireCode(t, err, "EntityNotFoundException")
}

// scheduleState reads what the scheduler has recorded for a schedule.
func scheduleState(t *testing.T, b *testBundle, key string) *domain.ScheduleRecord {
	t.Helper()
	var st *domain.ScheduleRecord
	require.NoError(t, b.app.store.View(context.Background(), func(tx store.Tx) error {
		var err error
		st, err = tx.Schedules().Get(context.Background(), key)
		return err
	}))
	return st
}

// waitScheduleNoted waits until the scheduler has seen a schedule, so that
// moving the clock afterwards crosses its next fire time.
func waitScheduleNoted(t *testing.T, b *testBundle, key string) {
	t.Helper()
	gluetest.Eventually(t, runWait, func() bool { return scheduleState(t, b, key) != nil }, "the scheduler noted %s", key)
}

// waitScheduleForgotten waits until the scheduler has dropped a schedule
// that was switched off.
func waitScheduleForgotten(t *testing.T, b *testBundle, key string) {
	t.Helper()
	gluetest.Eventually(t, runWait, func() bool { return scheduleState(t, b, key) == nil }, "the scheduler forgot %s", key)
}
