package glue_test

import (
	"encoding/json"
	"math/rand/v2"
	"regexp"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/glue"
)

// onDemand returns an ON_DEMAND trigger starting the given jobs.
func onDemand(name string, jobs ...string) *glue.Trigger {
	t := &glue.Trigger{Name: name, ID: "id-" + name, Type: glue.TriggerOnDemand}
	for _, j := range jobs {
		t.Actions = append(t.Actions, glue.Action{JobName: j})
	}
	return t
}

// after returns a CONDITIONAL trigger that watches jobs watched for
// SUCCEEDED and starts the jobs started.
func after(name string, watched, started []string) *glue.Trigger {
	t := &glue.Trigger{Name: name, ID: "id-" + name, Type: glue.TriggerConditional, Predicate: &glue.Predicate{Logical: glue.LogicalAnd}}
	for _, j := range watched {
		t.Predicate.Conditions = append(t.Predicate.Conditions, glue.Condition{LogicalOperator: "EQUALS", JobName: j, State: "SUCCEEDED"})
	}
	for _, j := range started {
		t.Actions = append(t.Actions, glue.Action{JobName: j})
	}
	return t
}

// graphView renders a graph by "TYPE:name" so tests read like the graphs
// they describe.
type graphView struct {
	nodes []string
	edges [][2]string
}

func view(t *testing.T, g *glue.WorkflowGraph) graphView {
	t.Helper()
	byID := map[string]string{}
	var v graphView
	for _, n := range g.Nodes {
		key := string(n.Type) + ":" + n.Name
		_, dup := byID[n.UniqueID]
		require.False(t, dup, "duplicate node id for %s", key)
		byID[n.UniqueID] = key
		v.nodes = append(v.nodes, key)
	}
	for _, e := range g.Edges {
		src, ok := byID[e.SourceID]
		require.True(t, ok, "edge source %s is not a node", e.SourceID)
		dst, ok := byID[e.DestinationID]
		require.True(t, ok, "edge destination %s is not a node", e.DestinationID)
		v.edges = append(v.edges, [2]string{src, dst})
	}
	return v
}

// Ensure the example from the Glue docs, J1 → T → J2, gives nodes
// {J1, T, J2} and edges {(J1, T), (T, J2)}.
func TestDeriveGraph_W2Example(t *testing.T) {
	t.Parallel()
	trig := after("T", []string{"J1"}, []string{"J2"})
	g := glue.DeriveGraph("w", []*glue.Trigger{trig})
	v := view(t, g)
	require.Equal(t, []string{"TRIGGER:T", "JOB:J1", "JOB:J2"}, v.nodes)
	require.ElementsMatch(t, [][2]string{{"JOB:J1", "TRIGGER:T"}, {"TRIGGER:T", "JOB:J2"}}, v.edges)

	require.Same(t, trig, g.Nodes[0].TriggerDetails.Trigger, "trigger nodes carry their definition")
	for _, n := range g.Nodes[1:] {
		require.Nil(t, n.TriggerDetails)
		require.Equal(t, &glue.JobNodeDetails{}, n.JobDetails, "job nodes carry empty JobDetails, as Glue returns them")
		require.Nil(t, n.CrawlerDetails)
	}
}

// Ensure a start trigger fanning out to several jobs and a conditional
// trigger fanning in from them make one node per job and one edge per link.
func TestDeriveGraph_FanOutFanIn(t *testing.T) {
	t.Parallel()
	g := glue.DeriveGraph("w", []*glue.Trigger{
		onDemand("start", "a", "b", "c"),
		after("join", []string{"a", "b", "c"}, []string{"d"}),
		after("tail", []string{"d"}, []string{"e", "f"}),
	})
	v := view(t, g)
	require.Equal(t, []string{"TRIGGER:join", "TRIGGER:start", "TRIGGER:tail", "JOB:a", "JOB:b", "JOB:c", "JOB:d", "JOB:e", "JOB:f"}, v.nodes)
	require.ElementsMatch(t, [][2]string{
		{"TRIGGER:start", "JOB:a"}, {"TRIGGER:start", "JOB:b"}, {"TRIGGER:start", "JOB:c"},
		{"JOB:a", "TRIGGER:join"}, {"JOB:b", "TRIGGER:join"}, {"JOB:c", "TRIGGER:join"},
		{"TRIGGER:join", "JOB:d"},
		{"JOB:d", "TRIGGER:tail"}, {"TRIGGER:tail", "JOB:e"}, {"TRIGGER:tail", "JOB:f"},
	}, v.edges)
}

// Ensure crawlers started or watched by triggers become CRAWLER nodes,
// distinct from a job of the same name.
func TestDeriveGraph_Crawlers(t *testing.T) {
	t.Parallel()
	start := &glue.Trigger{Name: "start", ID: "1", Type: glue.TriggerScheduled, Schedule: "cron(0 * * * ? *)",
		Actions: []glue.Action{{CrawlerName: "raw"}, {JobName: "raw"}}}
	next := &glue.Trigger{Name: "next", ID: "2", Type: glue.TriggerConditional, Predicate: &glue.Predicate{Logical: glue.LogicalAny,
		Conditions: []glue.Condition{{CrawlerName: "raw", CrawlState: "SUCCEEDED"}, {JobName: "raw", State: "FAILED"}}},
		Actions: []glue.Action{{CrawlerName: "curated"}}}
	v := view(t, glue.DeriveGraph("w", []*glue.Trigger{start, next}))
	require.Equal(t, []string{"TRIGGER:next", "TRIGGER:start", "CRAWLER:curated", "CRAWLER:raw", "JOB:raw"}, v.nodes)
	require.ElementsMatch(t, [][2]string{
		{"TRIGGER:start", "CRAWLER:raw"}, {"TRIGGER:start", "JOB:raw"},
		{"CRAWLER:raw", "TRIGGER:next"}, {"JOB:raw", "TRIGGER:next"},
		{"TRIGGER:next", "CRAWLER:curated"},
	}, v.edges)
}

// Ensure a job named twice by one trigger, or by several triggers, gives one
// node and each edge once.
func TestDeriveGraph_DuplicateEdgesRemoved(t *testing.T) {
	t.Parallel()
	start := onDemand("start", "a", "a")
	watchTwice := &glue.Trigger{Name: "twice", ID: "2", Type: glue.TriggerConditional, Predicate: &glue.Predicate{Logical: glue.LogicalAny,
		Conditions: []glue.Condition{{JobName: "a", State: "SUCCEEDED"}, {JobName: "a", State: "FAILED"}}},
		Actions: []glue.Action{{JobName: "b", Arguments: map[string]string{"x": "1"}}, {JobName: "b", Arguments: map[string]string{"x": "2"}}}}
	also := after("also", []string{"a"}, []string{"b"})
	g := glue.DeriveGraph("w", []*glue.Trigger{start, watchTwice, also})
	v := view(t, g)
	require.Equal(t, []string{"TRIGGER:also", "TRIGGER:start", "TRIGGER:twice", "JOB:a", "JOB:b"}, v.nodes)
	require.Equal(t, [][2]string{
		{"JOB:a", "TRIGGER:also"}, {"TRIGGER:also", "JOB:b"},
		{"TRIGGER:start", "JOB:a"},
		{"JOB:a", "TRIGGER:twice"}, {"TRIGGER:twice", "JOB:b"},
	}, v.edges, "edges follow the triggers in name order, each once")
}

// Ensure the graph does not depend on the order triggers are given in, and
// the caller's slice is left as it was.
func TestDeriveGraph_DeterministicOrder(t *testing.T) {
	t.Parallel()
	triggers := []*glue.Trigger{
		onDemand("s", "j00"),
		after("c1", []string{"j00"}, []string{"j10", "j11"}),
		after("c2", []string{"j10", "j11"}, []string{"j20"}),
		{Name: "c3", ID: "id-c3", Type: glue.TriggerConditional, Predicate: &glue.Predicate{
			Conditions: []glue.Condition{{JobName: "j20", State: "SUCCEEDED"}}}, Actions: []glue.Action{{CrawlerName: "k"}}},
		after("b0", []string{"j20"}, []string{"z", "a"}),
	}
	want, err := json.Marshal(glue.DeriveGraph("w", triggers))
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		shuffled := slices.Clone(triggers)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		before := slices.Clone(shuffled)
		got, err := json.Marshal(glue.DeriveGraph("w", shuffled))
		require.NoError(t, err)
		require.JSONEq(t, string(want), string(got))
		require.Equal(t, string(want), string(got), "byte-identical")
		require.Equal(t, before, shuffled, "input order untouched")
	}
	v := view(t, glue.DeriveGraph("w", triggers))
	require.Equal(t, []string{"TRIGGER:b0", "TRIGGER:c1", "TRIGGER:c2", "TRIGGER:c3", "TRIGGER:s",
		"CRAWLER:k", "JOB:a", "JOB:j00", "JOB:j10", "JOB:j11", "JOB:j20", "JOB:z"}, v.nodes,
		"triggers by name, then crawlers and jobs by type and name")
}

// Ensure node ids are Glue-style, survive edits to the triggers around a
// node, follow a trigger's Id rather than its position, and differ between
// workflows.
func TestDeriveGraph_StableIDs(t *testing.T) {
	t.Parallel()
	idOf := func(g *glue.WorkflowGraph) map[string]string {
		ids := map[string]string{}
		for _, n := range g.Nodes {
			ids[string(n.Type)+":"+n.Name] = n.UniqueID
		}
		return ids
	}
	wnode := regexp.MustCompile(`^wnode_[0-9a-f]{64}$`)
	base := []*glue.Trigger{onDemand("start", "a"), after("next", []string{"a"}, []string{"b"})}
	ids := idOf(glue.DeriveGraph("w", base))
	for key, id := range ids {
		require.Regexp(t, wnode, id, key)
	}
	require.Equal(t, glue.NodeID("w", glue.NodeJob, "a"), ids["JOB:a"])
	require.Equal(t, glue.TriggerNodeID("w", base[0]), ids["TRIGGER:start"])

	// Add a trigger in front (by name), change actions, add a crawler.
	edited := []*glue.Trigger{
		onDemand("start", "a", "c"),
		after("next", []string{"a"}, []string{"b", "d"}),
		{Name: "aaa", ID: "id-aaa", Type: glue.TriggerConditional, Predicate: &glue.Predicate{
			Conditions: []glue.Condition{{JobName: "b", State: "FAILED"}}}, Actions: []glue.Action{{CrawlerName: "k"}}},
	}
	editedIDs := idOf(glue.DeriveGraph("w", edited))
	for key, id := range ids {
		require.Equal(t, id, editedIDs[key], "%s keeps its id", key)
	}

	// A trigger node's id follows the trigger's Id.
	recreated := onDemand("start", "a")
	recreated.ID = "another-id"
	require.NotEqual(t, ids["TRIGGER:start"], idOf(glue.DeriveGraph("w", []*glue.Trigger{recreated}))["TRIGGER:start"])

	// The same names in another workflow get other ids.
	other := idOf(glue.DeriveGraph("v", base))
	for key, id := range ids {
		require.NotEqual(t, id, other[key], "%s in another workflow", key)
	}

	// Types and names do not collide.
	require.NotEqual(t, glue.NodeID("w", glue.NodeJob, "x"), glue.NodeID("w", glue.NodeCrawler, "x"))
	require.NotEqual(t, glue.NodeID("w", glue.NodeJob, "ab"), glue.NodeID("wa", glue.NodeJob, "b"), "parts are delimited")
}

// Ensure a workflow without triggers has an empty graph that encodes as
// empty lists, not nulls.
func TestDeriveGraph_Empty(t *testing.T) {
	t.Parallel()
	g := glue.DeriveGraph("w", nil)
	require.Empty(t, g.Nodes)
	require.Empty(t, g.Edges)
	b, err := json.Marshal(g)
	require.NoError(t, err)
	require.JSONEq(t, `{"Nodes":[],"Edges":[]}`, string(b))

	lone := glue.DeriveGraph("w", []*glue.Trigger{{Name: "idle", ID: "1", Type: glue.TriggerOnDemand}})
	require.Equal(t, []string{"TRIGGER:idle"}, view(t, lone).nodes)
	require.Empty(t, lone.Edges)
}
