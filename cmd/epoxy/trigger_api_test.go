package main

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"
)

func TestTrigger_Lifecycle(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	mustJob(t, b, "j1")
	mustJob(t, b, "j2")

	mustTrigger(t, b, &glue.CreateTriggerInput{Name: aws.String("nightly"), Type: types.TriggerTypeScheduled,
		Schedule: aws.String("cron(15 12 * * ? *)"), Actions: []types.Action{{JobName: aws.String("j1"),
			Arguments: map[string]string{"--day": "1"}, Timeout: aws.Int32(10)}}})
	got, err := b.client.GetTrigger(ctx, &glue.GetTriggerInput{Name: aws.String("nightly")})
	require.NoError(t, err)
	tr := got.Trigger
	require.Equal(t, types.TriggerStateCreated, tr.State)
	require.Equal(t, types.TriggerTypeScheduled, tr.Type)
	require.Equal(t, "cron(15 12 * * ? *)", *tr.Schedule)
	require.NotEmpty(t, *tr.Id)
	require.Equal(t, map[string]string{"--day": "1"}, tr.Actions[0].Arguments)

	_, err = b.client.StartTrigger(ctx, &glue.StartTriggerInput{Name: aws.String("nightly")})
	require.NoError(t, err)
	require.Equal(t, types.TriggerStateActivated, triggerState(t, b, "nightly"))
	_, err = b.client.StopTrigger(ctx, &glue.StopTriggerInput{Name: aws.String("nightly")})
	require.NoError(t, err)
	require.Equal(t, types.TriggerStateDeactivated, triggerState(t, b, "nightly"))

	up, err := b.client.UpdateTrigger(ctx, &glue.UpdateTriggerInput{Name: aws.String("nightly"), TriggerUpdate: &types.TriggerUpdate{
		Schedule: aws.String("cron(0 6 * * ? *)"), Actions: []types.Action{{JobName: aws.String("j2")}}}})
	require.NoError(t, err)
	require.Equal(t, "cron(0 6 * * ? *)", *up.Trigger.Schedule)
	require.Equal(t, "j2", *up.Trigger.Actions[0].JobName)

	_, err = b.client.DeleteTrigger(ctx, &glue.DeleteTriggerInput{Name: aws.String("nightly")})
	require.NoError(t, err)
	_, err = b.client.DeleteTrigger(ctx, &glue.DeleteTriggerInput{Name: aws.String("nightly")})
	require.NoError(t, err, "DeleteTrigger is idempotent")
	_, err = b.client.GetTrigger(ctx, &glue.GetTriggerInput{Name: aws.String("nightly")})
	requireCode(t, err, "EntityNotFoundException")
}

func triggerState(t *testing.T, b *testBundle, name string) types.TriggerState {
	t.Helper()
	got, err := b.client.GetTrigger(context.Background(), &glue.GetTriggerInput{Name: aws.String(name)})
	require.NoError(t, err)
	return got.Trigger.State
}

func TestTrigger_ConditionalDefaults(t *testing.T) {
	t.Parallel()
	b := setup(t)
	mustJob(t, b, "a")
	mustJob(t, b, "b")
	mustJob(t, b, "c")
	mustTrigger(t, b, &glue.CreateTriggerInput{Name: aws.String("cond"), Type: types.TriggerTypeConditional, StartOnCreation: true,
		Predicate: &types.Predicate{Conditions: []types.Condition{
			{JobName: aws.String("a"), State: types.JobRunStateSucceeded},
			{JobName: aws.String("b"), State: types.JobRunStateFailed}}},
		Actions: []types.Action{{JobName: aws.String("c")}}})
	got, err := b.client.GetTrigger(context.Background(), &glue.GetTriggerInput{Name: aws.String("cond")})
	require.NoError(t, err)
	require.Equal(t, types.TriggerStateActivated, got.Trigger.State, "StartOnCreation activates")
	require.Equal(t, types.LogicalAnd, got.Trigger.Predicate.Logical, "a missing Logical means AND")
	require.Equal(t, types.LogicalOperatorEquals, got.Trigger.Predicate.Conditions[0].LogicalOperator)
}

// Ensure every Glue rule on triggers is enforced with the right error shape
// and a message that names what is wrong.
func TestTrigger_Rules(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	mustWorkflow(t, b, "wf")
	mustJob(t, b, "j")
	mustJob(t, b, "k")
	for _, c := range []string{"c1", "c2", "c3"} {
		mustCrawler(t, b, c)
	}
	mustTrigger(t, b, &glue.CreateTriggerInput{Name: aws.String("start"), WorkflowName: aws.String("wf"), Type: types.TriggerTypeOnDemand,
		Actions: []types.Action{{JobName: aws.String("j")}}})
	cond := &types.Predicate{Conditions: []types.Condition{{JobName: aws.String("j"), State: types.JobRunStateSucceeded}}}
	jobAction := []types.Action{{JobName: aws.String("k")}}

	cases := []struct {
		name string
		in   *glue.CreateTriggerInput
		code string
		frag string
	}{
		{"scheduled without schedule", &glue.CreateTriggerInput{Type: types.TriggerTypeScheduled, Actions: jobAction}, "InvalidInputException", "Schedule"},
		{"conditional without predicate", &glue.CreateTriggerInput{Type: types.TriggerTypeConditional, Actions: jobAction}, "InvalidInputException", "Predicate"},
		{"on-demand start on creation", &glue.CreateTriggerInput{Type: types.TriggerTypeOnDemand, StartOnCreation: true, Actions: jobAction}, "InvalidInputException", "StartOnCreation"},
		{"second start trigger", &glue.CreateTriggerInput{WorkflowName: aws.String("wf"), Type: types.TriggerTypeScheduled, Schedule: aws.String("cron(0 1 * * ? *)"), Actions: jobAction}, "InvalidInputException", "start trigger"},
		{"unknown workflow", &glue.CreateTriggerInput{WorkflowName: aws.String("nope"), Type: types.TriggerTypeOnDemand, Actions: jobAction}, "EntityNotFoundException", "nope"},
		{"unknown job action", &glue.CreateTriggerInput{Type: types.TriggerTypeOnDemand, Actions: []types.Action{{JobName: aws.String("ghost")}}}, "EntityNotFoundException", "ghost"},
		{"unknown crawler condition", &glue.CreateTriggerInput{Type: types.TriggerTypeConditional, Actions: jobAction,
			Predicate: &types.Predicate{Conditions: []types.Condition{{CrawlerName: aws.String("ghost"), CrawlState: types.CrawlStateSucceeded}}}}, "EntityNotFoundException", "ghost"},
		{"three crawlers", &glue.CreateTriggerInput{Type: types.TriggerTypeOnDemand, Actions: []types.Action{
			{CrawlerName: aws.String("c1")}, {CrawlerName: aws.String("c2")}, {CrawlerName: aws.String("c3")}}}, "InvalidInputException", "at most 2 crawlers"},
		{"watch and start same job", &glue.CreateTriggerInput{Type: types.TriggerTypeConditional, Predicate: cond,
			Actions: []types.Action{{JobName: aws.String("j")}}}, "InvalidInputException", "Predicate and Action"},
		{"non-terminal condition state", &glue.CreateTriggerInput{Type: types.TriggerTypeConditional, Actions: jobAction,
			Predicate: &types.Predicate{Conditions: []types.Condition{{JobName: aws.String("j"), State: types.JobRunStateRunning}}}}, "InvalidInputException", "State"},
		{"bad enum", &glue.CreateTriggerInput{Type: types.TriggerType("SOMETIMES"), Actions: jobAction}, "ValidationException", "1 validation error detected: Value 'SOMETIMES' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [SCHEDULED, CONDITIONAL, ON_DEMAND, EVENT]"},
		{"batch size out of range", &glue.CreateTriggerInput{WorkflowName: aws.String("wf"), Type: types.TriggerTypeEvent, Actions: jobAction,
			EventBatchingCondition: &types.EventBatchingCondition{BatchSize: aws.Int32(101)}}, "ValidationException", "1 validation error detected: Value '101' at 'eventBatchingCondition.batchSize' failed to satisfy constraint: Member must have value less than or equal to 100"},
		{"batch window out of range", &glue.CreateTriggerInput{WorkflowName: aws.String("wf"), Type: types.TriggerTypeEvent, Actions: jobAction,
			EventBatchingCondition: &types.EventBatchingCondition{BatchSize: aws.Int32(5), BatchWindow: aws.Int32(901)}}, "ValidationException", "1 validation error detected: Value '901' at 'eventBatchingCondition.batchWindow' failed to satisfy constraint: Member must have value less than or equal to 900"},
		{"event without workflow", &glue.CreateTriggerInput{Type: types.TriggerTypeEvent, Actions: jobAction}, "InvalidInputException", "workflow"},
		{"schedule not cron", &glue.CreateTriggerInput{Type: types.TriggerTypeScheduled, Schedule: aws.String("rate(5 minutes)"), Actions: jobAction}, "InvalidInputException", "cron"},
		{"schedule too frequent", &glue.CreateTriggerInput{Type: types.TriggerTypeScheduled, Schedule: aws.String("cron(0/2 * * * ? *)"), Actions: jobAction}, "InvalidInputException", "5 minutes"},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.in.Name = aws.String("bad" + string(rune('a'+i)))
			_, err := b.client.CreateTrigger(ctx, c.in)
			if c.code == "ValidationException" {
				requireValidation(t, err, c.frag) // AWS's exact message
				return
			}
			requireCode(t, err, c.code, c.frag)
		})
	}
	_, err := b.client.CreateTrigger(ctx, &glue.CreateTriggerInput{Name: aws.String("start"), Type: types.TriggerTypeOnDemand, Actions: jobAction})
	requireCode(t, err, "AlreadyExistsException")
	_, err = b.client.StopTrigger(ctx, &glue.StopTriggerInput{Name: aws.String("start")})
	requireCode(t, err, "InvalidInputException", "ON_DEMAND")
	_, err = b.client.StartTrigger(ctx, &glue.StartTriggerInput{Name: aws.String("ghost")})
	requireCode(t, err, "EntityNotFoundException")
	_, err = b.client.UpdateTrigger(ctx, &glue.UpdateTriggerInput{Name: aws.String("start"), TriggerUpdate: &types.TriggerUpdate{
		Actions: []types.Action{{JobName: aws.String("ghost")}}}})
	requireCode(t, err, "EntityNotFoundException", "ghost")
}

func TestTrigger_ListAndBatch(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	mustJob(t, b, "x")
	mustJob(t, b, "y")
	mustTrigger(t, b, &glue.CreateTriggerInput{Name: aws.String("tx"), Type: types.TriggerTypeOnDemand, Actions: []types.Action{{JobName: aws.String("x")}},
		Tags: map[string]string{"env": "prod"}})
	mustTrigger(t, b, &glue.CreateTriggerInput{Name: aws.String("ty"), Type: types.TriggerTypeOnDemand, Actions: []types.Action{{JobName: aws.String("y")}}})

	got, err := b.client.GetTriggers(ctx, &glue.GetTriggersInput{DependentJobName: aws.String("y")})
	require.NoError(t, err)
	require.Len(t, got.Triggers, 1)
	require.Equal(t, "ty", *got.Triggers[0].Name)

	listed, err := b.client.ListTriggers(ctx, &glue.ListTriggersInput{Tags: map[string]string{"env": "prod"}})
	require.NoError(t, err)
	require.Equal(t, []string{"tx"}, listed.TriggerNames)
	listed, err = b.client.ListTriggers(ctx, &glue.ListTriggersInput{DependentJobName: aws.String("x")})
	require.NoError(t, err)
	require.Equal(t, []string{"tx"}, listed.TriggerNames)
	_, err = b.client.ListTriggers(ctx, &glue.ListTriggersInput{DependentJobName: aws.String("ghost")})
	requireCode(t, err, "EntityNotFoundException")

	batch, err := b.client.BatchGetTriggers(ctx, &glue.BatchGetTriggersInput{TriggerNames: []string{"tx", "zz"}})
	require.NoError(t, err)
	require.Len(t, batch.Triggers, 1)
	require.Equal(t, []string{"zz"}, batch.TriggersNotFound)
}
