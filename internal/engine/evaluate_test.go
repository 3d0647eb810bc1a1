package engine

import (
	"testing"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/stretchr/testify/require"
)

func cond(job, state string) glue.Condition { return glue.Condition{JobName: job, State: state} }

func crawlCond(crawler, state string) glue.Condition {
	return glue.Condition{CrawlerName: crawler, CrawlState: state}
}

func conditional(name string, logical glue.Logical, conds ...glue.Condition) *glue.Trigger {
	return &glue.Trigger{Name: name, Type: glue.TriggerConditional, State: glue.TriggerActivated,
		Predicate: &glue.Predicate{Logical: logical, Conditions: conds}, Actions: []glue.Action{{JobName: "next-" + name}}}
}

func jobDone(states ...string) map[NodeRef][]string {
	out := map[NodeRef][]string{}
	for i := 0; i+1 < len(states); i += 2 {
		k := NodeRef{glue.NodeJob, states[i]}
		out[k] = append(out[k], states[i+1])
	}
	return out
}

func names(ts []*glue.Trigger) []string {
	out := []string{}
	for _, t := range ts {
		out = append(out, t.Name)
	}
	return out
}

func TestEvaluate(t *testing.T) {
	t.Parallel()
	deactivated := conditional("off", glue.LogicalAnd, cond("a", "SUCCEEDED"))
	deactivated.State = glue.TriggerCreated
	cases := []struct {
		name     string
		triggers []*glue.Trigger
		outcomes map[NodeRef][]string
		fired    []string
		stopping bool
		want     []string
	}{
		{"single condition met", []*glue.Trigger{conditional("t", "", cond("a", "SUCCEEDED"))}, jobDone("a", "SUCCEEDED"), nil, false, []string{"t"}},
		{"state differs", []*glue.Trigger{conditional("t", "", cond("a", "SUCCEEDED"))}, jobDone("a", "FAILED"), nil, false, []string{}},
		{"nothing ended", []*glue.Trigger{conditional("t", "", cond("a", "SUCCEEDED"))}, nil, nil, false, []string{}},
		{"AND needs all", []*glue.Trigger{conditional("t", glue.LogicalAnd, cond("a", "SUCCEEDED"), cond("b", "SUCCEEDED"))},
			jobDone("a", "SUCCEEDED"), nil, false, []string{}},
		{"AND all met", []*glue.Trigger{conditional("t", glue.LogicalAnd, cond("a", "SUCCEEDED"), cond("b", "FAILED"))},
			jobDone("a", "SUCCEEDED", "b", "FAILED"), nil, false, []string{"t"}},
		{"missing Logical means AND", []*glue.Trigger{conditional("t", "", cond("a", "SUCCEEDED"), cond("b", "SUCCEEDED"))},
			jobDone("a", "SUCCEEDED"), nil, false, []string{}},
		{"ANY one met", []*glue.Trigger{conditional("t", glue.LogicalAny, cond("a", "SUCCEEDED"), cond("b", "SUCCEEDED"))},
			jobDone("b", "SUCCEEDED"), nil, false, []string{"t"}},
		{"fires at most once per run", []*glue.Trigger{conditional("t", "", cond("a", "SUCCEEDED"))}, jobDone("a", "SUCCEEDED"), []string{"t"}, false, []string{}},
		{"not activated", []*glue.Trigger{deactivated}, jobDone("a", "SUCCEEDED"), nil, false, []string{}},
		{"stopping fires nothing", []*glue.Trigger{conditional("t", "", cond("a", "STOPPED"))}, jobDone("a", "STOPPED"), nil, true, []string{}},
		{"crawler condition", []*glue.Trigger{conditional("t", "", crawlCond("c", "SUCCEEDED"))},
			map[NodeRef][]string{{glue.NodeCrawler, "c"}: {"SUCCEEDED"}}, nil, false, []string{"t"}},
		{"job and crawler of one name differ", []*glue.Trigger{conditional("t", "", crawlCond("x", "SUCCEEDED"))}, jobDone("x", "SUCCEEDED"), nil, false, []string{}},
		{"timeout branch", []*glue.Trigger{conditional("ok", "", cond("a", "SUCCEEDED")), conditional("late", "", cond("a", "TIMEOUT"))},
			jobDone("a", "TIMEOUT"), nil, false, []string{"late"}},
		{"start triggers never evaluate", []*glue.Trigger{{Name: "s", Type: glue.TriggerOnDemand, State: glue.TriggerActivated}}, jobDone("a", "SUCCEEDED"), nil, false, []string{}},
		{"any of several outcomes", []*glue.Trigger{conditional("t", "", cond("a", "SUCCEEDED"))}, jobDone("a", "FAILED", "a", "SUCCEEDED"), nil, false, []string{"t"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fired := map[string]bool{}
			for _, f := range c.fired {
				fired[f] = true
			}
			got := Evaluate(RunState{Triggers: c.triggers, Outcomes: c.outcomes, Fired: fired, Stopping: c.stopping})
			require.Equal(t, c.want, names(got))
		})
	}
}

func TestFinished(t *testing.T) {
	t.Parallel()
	chain := []*glue.Trigger{conditional("t", "", cond("a", "SUCCEEDED"))}
	require.False(t, Finished(RunState{Triggers: chain, Active: 1}), "something is running")
	require.False(t, Finished(RunState{Triggers: chain, Outcomes: jobDone("a", "SUCCEEDED")}), "t can still fire")
	require.True(t, Finished(RunState{Triggers: chain, Outcomes: jobDone("a", "FAILED")}), "a failed branch still completes")
	require.True(t, Finished(RunState{Triggers: chain, Outcomes: jobDone("a", "SUCCEEDED"), Fired: map[string]bool{"t": true}}))
	require.True(t, Finished(RunState{Triggers: chain, Outcomes: jobDone("a", "SUCCEEDED"), Stopping: true}))
}

func TestWatches(t *testing.T) {
	t.Parallel()
	tr := conditional("t", "", cond("a", "SUCCEEDED"), crawlCond("c", "FAILED"))
	require.True(t, Watches(tr, NodeRef{glue.NodeJob, "a"}))
	require.True(t, Watches(tr, NodeRef{glue.NodeCrawler, "c"}))
	require.False(t, Watches(tr, NodeRef{glue.NodeJob, "c"}))
	require.False(t, Watches(&glue.Trigger{}, NodeRef{glue.NodeJob, "a"}))
}
