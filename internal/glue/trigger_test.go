package glue_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/glue"
)

// requireGlueError asserts err is a glue error with the code and a message
// containing every fragment.
func requireGlueError(t *testing.T, err error, code glue.ErrorCode, fragments ...string) {
	t.Helper()
	require.Error(t, err)
	require.Equal(t, code, glue.CodeOf(err), "message: %v", err)
	for _, f := range fragments {
		require.Contains(t, err.Error(), f)
	}
}

// Ensure Normalize fills Glue's defaults without overwriting given values.
func TestTrigger_Normalize(t *testing.T) {
	t.Parallel()
	t.Run("actions never nil", func(t *testing.T) {
		t.Parallel()
		tr := &glue.Trigger{Name: "t", Type: glue.TriggerOnDemand}
		tr.Normalize()
		require.NotNil(t, tr.Actions)
		require.Empty(t, tr.Actions)
		require.Nil(t, tr.Predicate, "no predicate is invented")
	})
	t.Run("predicate defaults", func(t *testing.T) {
		t.Parallel()
		tr := &glue.Trigger{Name: "t", Type: glue.TriggerConditional, Actions: []glue.Action{{JobName: "b"}},
			Predicate: &glue.Predicate{Conditions: []glue.Condition{
				{JobName: "a", State: "SUCCEEDED"},
				{CrawlerName: "c", CrawlState: "FAILED", LogicalOperator: "EQUALS"},
			}}}
		tr.Normalize()
		require.Equal(t, glue.LogicalAnd, tr.Predicate.Logical)
		require.Equal(t, "EQUALS", tr.Predicate.Conditions[0].LogicalOperator)
		require.Equal(t, "EQUALS", tr.Predicate.Conditions[1].LogicalOperator)
		require.Equal(t, []glue.Action{{JobName: "b"}}, tr.Actions)
	})
	t.Run("given values kept", func(t *testing.T) {
		t.Parallel()
		tr := &glue.Trigger{Predicate: &glue.Predicate{Logical: glue.LogicalAny, Conditions: []glue.Condition{{LogicalOperator: "OTHER"}}}}
		tr.Normalize()
		require.Equal(t, glue.LogicalAny, tr.Predicate.Logical)
		require.Equal(t, "OTHER", tr.Predicate.Conditions[0].LogicalOperator)
	})
	t.Run("idempotent", func(t *testing.T) {
		t.Parallel()
		tr := after("t", []string{"a"}, []string{"b"})
		tr.Predicate.Logical = ""
		tr.Normalize()
		once := *tr.Predicate
		tr.Normalize()
		require.Equal(t, once, *tr.Predicate)
	})
}

func jobs(n int) []glue.Action {
	out := make([]glue.Action, n)
	for i := range out {
		out[i] = glue.Action{JobName: fmt.Sprintf("j%d", i)}
	}
	return out
}

func crawlers(n int) []glue.Action {
	out := make([]glue.Action, n)
	for i := range out {
		out[i] = glue.Action{CrawlerName: fmt.Sprintf("c%d", i)}
	}
	return out
}

func cond(c ...glue.Condition) *glue.Predicate { return &glue.Predicate{Conditions: c} }

// Ensure Validate accepts well-formed triggers of every type and rejects
// each rule Glue applies with InvalidInputException and a message naming
// the member.
func TestTrigger_Validate(t *testing.T) {
	t.Parallel()
	one := []glue.Action{{JobName: "b"}}
	batch := &glue.EventBatchingCondition{BatchSize: 5}
	tests := []struct {
		name      string
		trigger   glue.Trigger
		fragments []string // empty: valid
	}{
		// Valid triggers.
		{"on demand", glue.Trigger{Type: glue.TriggerOnDemand, Actions: one}, nil},
		{"on demand without actions", glue.Trigger{Type: glue.TriggerOnDemand}, nil},
		{"scheduled", glue.Trigger{Type: glue.TriggerScheduled, Schedule: "cron(0 12 * * ? *)", Actions: one}, nil},
		{"conditional", glue.Trigger{Type: glue.TriggerConditional, Actions: one, Predicate: cond(glue.Condition{JobName: "a", State: "SUCCEEDED"})}, nil},
		{"event", glue.Trigger{Type: glue.TriggerEvent, WorkflowName: "w", Actions: one, EventBatchingCondition: batch}, nil},
		{"event without batching", glue.Trigger{Type: glue.TriggerEvent, WorkflowName: "w", Actions: one}, nil},
		{"empty predicate on start trigger", glue.Trigger{Type: glue.TriggerOnDemand, Actions: one, Predicate: &glue.Predicate{Logical: glue.LogicalAnd}}, nil},
		{"two crawlers", glue.Trigger{Type: glue.TriggerOnDemand, Actions: crawlers(2)}, nil},
		{"fifty jobs", glue.Trigger{Type: glue.TriggerOnDemand, Actions: append(jobs(50), crawlers(2)...)}, nil},
		{"every listenable job state", glue.Trigger{Type: glue.TriggerConditional, Actions: one, Predicate: cond(
			glue.Condition{JobName: "a", State: "SUCCEEDED"}, glue.Condition{JobName: "a", State: "STOPPED"},
			glue.Condition{JobName: "a", State: "FAILED"}, glue.Condition{JobName: "a", State: "TIMEOUT"})}, nil},
		{"every listenable crawl state", glue.Trigger{Type: glue.TriggerConditional, Actions: one, Predicate: cond(
			glue.Condition{CrawlerName: "c", CrawlState: "SUCCEEDED"}, glue.Condition{CrawlerName: "c", CrawlState: "FAILED"},
			glue.Condition{CrawlerName: "c", CrawlState: "CANCELLED"})}, nil},
		{"crawler watched and started", glue.Trigger{Type: glue.TriggerConditional, Actions: []glue.Action{{CrawlerName: "c"}},
			Predicate: cond(glue.Condition{CrawlerName: "c", CrawlState: "FAILED"})}, nil},

		// Type rules.
		{"scheduled without schedule", glue.Trigger{Type: glue.TriggerScheduled, Actions: one},
			[]string{"Schedule is required for a trigger of type SCHEDULED"}},
		{"conditional without predicate", glue.Trigger{Type: glue.TriggerConditional, Actions: one},
			[]string{"Predicate with at least one condition is required"}},
		{"conditional with empty predicate", glue.Trigger{Type: glue.TriggerConditional, Actions: one, Predicate: &glue.Predicate{Logical: glue.LogicalAnd}},
			[]string{"Predicate with at least one condition is required"}},
		{"event without workflow", glue.Trigger{Type: glue.TriggerEvent, Actions: one},
			[]string{"a trigger of type EVENT must belong to a workflow (WorkflowName)"}},
		{"schedule on on-demand", glue.Trigger{Type: glue.TriggerOnDemand, Schedule: "cron(0 12 * * ? *)", Actions: one},
			[]string{"Schedule is only allowed for a trigger of type SCHEDULED, not ON_DEMAND"}},
		{"schedule on conditional", glue.Trigger{Type: glue.TriggerConditional, Schedule: "cron(0 12 * * ? *)", Actions: one,
			Predicate: cond(glue.Condition{JobName: "a", State: "SUCCEEDED"})}, []string{"Schedule is only allowed", "not CONDITIONAL"}},
		{"predicate on scheduled", glue.Trigger{Type: glue.TriggerScheduled, Schedule: "cron(0 12 * * ? *)", Actions: one,
			Predicate: cond(glue.Condition{JobName: "a", State: "SUCCEEDED"})},
			[]string{"Predicate is only allowed for a trigger of type CONDITIONAL, not SCHEDULED"}},
		{"predicate on event", glue.Trigger{Type: glue.TriggerEvent, WorkflowName: "w", Actions: one,
			Predicate: cond(glue.Condition{JobName: "a", State: "SUCCEEDED"})}, []string{"Predicate is only allowed", "not EVENT"}},
		{"batching on on-demand", glue.Trigger{Type: glue.TriggerOnDemand, Actions: one, EventBatchingCondition: batch},
			[]string{"EventBatchingCondition is only allowed for a trigger of type EVENT, not ON_DEMAND"}},
		{"batching on conditional", glue.Trigger{Type: glue.TriggerConditional, Actions: one, EventBatchingCondition: batch,
			Predicate: cond(glue.Condition{JobName: "a", State: "SUCCEEDED"})}, []string{"EventBatchingCondition is only allowed", "not CONDITIONAL"}},

		// Action rules.
		{"action with job and crawler", glue.Trigger{Type: glue.TriggerOnDemand, Actions: []glue.Action{{JobName: "j"}, {JobName: "j", CrawlerName: "c"}}},
			[]string{"Actions[1]: an action names either JobName or CrawlerName, not both"}},
		{"action with neither", glue.Trigger{Type: glue.TriggerOnDemand, Actions: []glue.Action{{Arguments: map[string]string{"a": "b"}}}},
			[]string{"Actions[0]: an action must name a JobName or a CrawlerName"}},
		{"three crawlers", glue.Trigger{Type: glue.TriggerOnDemand, Actions: crawlers(3)},
			[]string{"Actions: a trigger can start at most 2 crawlers, got 3"}},
		{"fifty-one jobs", glue.Trigger{Type: glue.TriggerOnDemand, Actions: jobs(51)},
			[]string{"Actions: a trigger can start at most 50 jobs, got 51"}},

		// Condition rules.
		{"condition with job and crawler", glue.Trigger{Type: glue.TriggerConditional, Actions: one,
			Predicate: cond(glue.Condition{JobName: "a", State: "SUCCEEDED"}, glue.Condition{JobName: "a", CrawlerName: "c", State: "SUCCEEDED"})},
			[]string{"Predicate.Conditions[1]: a condition names either JobName or CrawlerName, not both"}},
		{"condition with neither", glue.Trigger{Type: glue.TriggerConditional, Actions: one, Predicate: cond(glue.Condition{State: "SUCCEEDED"})},
			[]string{"Predicate.Conditions[0]: a condition must name a JobName or a CrawlerName"}},
		{"job condition without state", glue.Trigger{Type: glue.TriggerConditional, Actions: one, Predicate: cond(glue.Condition{JobName: "a"})},
			[]string{"Predicate.Conditions[0].State: a job condition must wait for one of [SUCCEEDED STOPPED FAILED TIMEOUT], got \"\""}},
		{"job condition on running", glue.Trigger{Type: glue.TriggerConditional, Actions: one, Predicate: cond(glue.Condition{JobName: "a", State: "RUNNING"})},
			[]string{"Predicate.Conditions[0].State", `got "RUNNING"`}},
		{"job condition on error", glue.Trigger{Type: glue.TriggerConditional, Actions: one, Predicate: cond(glue.Condition{JobName: "a", State: "ERROR"})},
			[]string{"Predicate.Conditions[0].State", `got "ERROR"`}},
		{"job condition with crawl state", glue.Trigger{Type: glue.TriggerConditional, Actions: one,
			Predicate: cond(glue.Condition{JobName: "a", State: "FAILED", CrawlState: "FAILED"})},
			[]string{"Predicate.Conditions[0].CrawlState: a job condition takes State, not CrawlState"}},
		{"crawler condition without state", glue.Trigger{Type: glue.TriggerConditional, Actions: one, Predicate: cond(glue.Condition{CrawlerName: "c"})},
			[]string{"Predicate.Conditions[0].CrawlState: a crawler condition must wait for one of [SUCCEEDED FAILED CANCELLED], got \"\""}},
		{"crawler condition on job state", glue.Trigger{Type: glue.TriggerConditional, Actions: one,
			Predicate: cond(glue.Condition{CrawlerName: "c", CrawlState: "STOPPED"})}, []string{"Predicate.Conditions[0].CrawlState", `got "STOPPED"`}},
		{"crawler condition with state", glue.Trigger{Type: glue.TriggerConditional, Actions: one,
			Predicate: cond(glue.Condition{CrawlerName: "c", CrawlState: "FAILED", State: "FAILED"})},
			[]string{"Predicate.Conditions[0].State: a crawler condition takes CrawlState, not State"}},
		{"job watched and started", glue.Trigger{Type: glue.TriggerConditional, Actions: []glue.Action{{JobName: "x"}, {JobName: "a"}},
			Predicate: cond(glue.Condition{JobName: "a", State: "SUCCEEDED"})},
			[]string{"Job cannot be a Predicate and Action for Conditional Trigger: job a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tr := tt.trigger
			tr.Name = "t"
			err := tr.Validate()
			if len(tt.fragments) == 0 {
				require.NoError(t, err)
				return
			}
			requireGlueError(t, err, glue.InvalidInput, tt.fragments...)
		})
	}
}

// Ensure only CONDITIONAL triggers are not start triggers.
func TestTriggerType_IsStart(t *testing.T) {
	t.Parallel()
	require.True(t, glue.TriggerOnDemand.IsStart())
	require.True(t, glue.TriggerScheduled.IsStart())
	require.True(t, glue.TriggerEvent.IsStart())
	require.False(t, glue.TriggerConditional.IsStart())
}

// Ensure TriggerUpdate replaces exactly the members it sets.
func TestTriggerUpdate_Apply(t *testing.T) {
	t.Parallel()
	desc, sched := "new", "cron(0 1 * * ? *)"
	base := func() *glue.Trigger {
		d := "old"
		return &glue.Trigger{Name: "t", WorkflowName: "w", ID: "id", Type: glue.TriggerScheduled, State: glue.TriggerActivated,
			Description: &d, Schedule: "cron(0 0 * * ? *)", Actions: []glue.Action{{JobName: "a"}}}
	}
	tr := base()
	glue.TriggerUpdate{}.Apply(tr)
	require.Equal(t, base(), tr, "an empty update changes nothing")

	tr = base()
	glue.TriggerUpdate{Description: &desc, Schedule: &sched, Actions: []glue.Action{{CrawlerName: "c"}},
		Predicate: &glue.Predicate{Logical: glue.LogicalAny}, EventBatchingCondition: &glue.EventBatchingCondition{BatchSize: 2}}.Apply(tr)
	require.Equal(t, "new", *tr.Description)
	require.Equal(t, sched, tr.Schedule)
	require.Equal(t, []glue.Action{{CrawlerName: "c"}}, tr.Actions)
	require.Equal(t, glue.LogicalAny, tr.Predicate.Logical)
	require.Equal(t, int32(2), tr.EventBatchingCondition.BatchSize)
	require.Equal(t, "w", tr.WorkflowName, "the workflow never changes")
	require.Equal(t, glue.TriggerActivated, tr.State)
}
