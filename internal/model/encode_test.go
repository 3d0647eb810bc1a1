package model_test

import (
	"bytes"
	"encoding/json"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/model"
)

// decodeGeneric parses encoded output keeping numbers as written.
func decodeGeneric(t *testing.T, b []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out map[string]any
	require.NoError(t, dec.Decode(&out))
	return out
}

// at walks a generic JSON value by object keys and list indexes.
func at(t *testing.T, v any, path ...any) any {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			obj, ok := v.(map[string]any)
			require.True(t, ok, "at %v: not an object: %#v", p, v)
			v, ok = obj[k]
			require.True(t, ok, "at %v: missing", p)
		case int:
			arr, ok := v.([]any)
			require.True(t, ok, "at %v: not a list: %#v", p, v)
			require.Less(t, k, len(arr))
			v = arr[k]
		}
	}
	return v
}

// exponent matches a JSON number written with an exponent.
var exponent = regexp.MustCompile(`[0-9][eE][+-]?[0-9]`)

// Ensure timestamps anywhere in a response (nested structures, lists) go
// out as epoch seconds with millisecond precision, while everything else,
// including strings that look like timestamps, is left alone.
func TestEncodeOutput_Timestamps(t *testing.T) {
	t.Parallel()
	created := time.Date(2023, 11, 14, 22, 13, 20, 123_000_000, time.UTC)  // 1700000000.123
	whole := time.Date(2023, 11, 14, 22, 13, 21, 0, time.UTC)              // 1700000001
	subMilli := time.Date(2023, 11, 14, 22, 13, 22, 456_789_999, time.UTC) // 1700000002.456
	zoned := time.Date(2023, 11, 15, 3, 43, 23, 7_000_000, time.FixedZone("IST", 5*3600+1800))
	far := time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
	desc := "2024-01-01T00:00:00Z"
	wf := &glue.Workflow{
		Name: "w", Description: &desc, CreatedOn: created, LastModifiedOn: whole, MaxConcurrentRuns: new(int32(3)),
		LastRun: &glue.WorkflowRun{
			Name: "w", WorkflowRunID: "wr_1", Status: glue.WorkflowRunCompleted, StartedOn: subMilli, CompletedOn: far,
			Graph: &glue.WorkflowGraph{Nodes: []*glue.Node{
				{Type: glue.NodeJob, Name: "j", UniqueID: "n1", JobDetails: &glue.JobNodeDetails{JobRuns: []*glue.JobRun{
					{ID: "jr_1", JobName: "j", StartedOn: created, CompletedOn: zoned, MaxCapacity: new(0.0625)},
					{ID: "jr_2", JobName: "j", StartedOn: whole},
				}}},
				{Type: glue.NodeCrawler, Name: "c", UniqueID: "n2", CrawlerDetails: &glue.CrawlerNodeDetails{Crawls: []*glue.Crawl{
					{State: glue.CrawlSucceeded, StartedOn: subMilli},
				}}},
			}, Edges: []glue.Edge{}},
		},
	}
	b, err := operation(t, "GetWorkflow").EncodeOutput(struct {
		Workflow *glue.Workflow `json:"Workflow"`
	}{wf})
	require.NoError(t, err)
	require.False(t, exponent.Match(b), "no number is written with an exponent: %s", b)
	out := decodeGeneric(t, b)

	require.Equal(t, json.Number("1700000000.123"), at(t, out, "Workflow", "CreatedOn"))
	require.Equal(t, json.Number("1700000001"), at(t, out, "Workflow", "LastModifiedOn"))
	require.Equal(t, json.Number("1700000002.456"), at(t, out, "Workflow", "LastRun", "StartedOn"), "truncated, not rounded, to milliseconds")
	require.Equal(t, json.Number("253402300799"), at(t, out, "Workflow", "LastRun", "CompletedOn"))
	jobRuns := at(t, out, "Workflow", "LastRun", "Graph", "Nodes", 0, "JobDetails", "JobRuns")
	require.Equal(t, json.Number("1700000000.123"), at(t, jobRuns, 0, "StartedOn"))
	require.Equal(t, json.Number("1700000003.007"), at(t, jobRuns, 0, "CompletedOn"), "zones do not change the instant")
	require.Equal(t, json.Number("1700000001"), at(t, jobRuns, 1, "StartedOn"))
	require.Equal(t, json.Number("0.0625"), at(t, jobRuns, 0, "MaxCapacity"))
	require.Equal(t, json.Number("1700000002.456"), at(t, out, "Workflow", "LastRun", "Graph", "Nodes", 1, "CrawlerDetails", "Crawls", 0, "StartedOn"))

	require.Equal(t, desc, at(t, out, "Workflow", "Description"), "strings at non-timestamp members stay strings")
	require.Equal(t, json.Number("3"), at(t, out, "Workflow", "MaxConcurrentRuns"))
	require.Equal(t, "COMPLETED", at(t, out, "Workflow", "LastRun", "Status"))
	require.NotContains(t, at(t, out, "Workflow", "LastRun", "Graph", "Nodes", 0, "JobDetails", "JobRuns", 1), "CompletedOn", "zero times stay omitted")
}

// Ensure timestamps in a top-level list of structures are converted and
// large integers next to them keep every digit.
func TestEncodeOutput_List(t *testing.T) {
	t.Parallel()
	start := time.UnixMilli(1_700_000_000_010).UTC()
	crawlers := []*glue.Crawler{
		{Name: "a", State: glue.CrawlerStateReady, CreationTime: start, LastUpdated: start.Add(990 * time.Millisecond),
			LastCrawl: &glue.LastCrawlInfo{Status: "SUCCEEDED", StartTime: start.Add(time.Hour)}, Version: 1<<53 + 1, CrawlElapsedTime: 9_007_199_254_740_993},
		{Name: "b", State: glue.CrawlerStateRunning, CreationTime: start.Add(-10 * time.Millisecond)},
	}
	b, err := operation(t, "GetCrawlers").EncodeOutput(struct {
		Crawlers []*glue.Crawler `json:"Crawlers"`
	}{crawlers})
	require.NoError(t, err)
	out := decodeGeneric(t, b)
	require.Equal(t, json.Number("1700000000.010"), at(t, out, "Crawlers", 0, "CreationTime"))
	require.Equal(t, json.Number("1700000001"), at(t, out, "Crawlers", 0, "LastUpdated"))
	require.Equal(t, json.Number("1700003600.010"), at(t, out, "Crawlers", 0, "LastCrawl", "StartTime"))
	require.Equal(t, json.Number("9007199254740993"), at(t, out, "Crawlers", 0, "Version"))
	require.Equal(t, json.Number("9007199254740993"), at(t, out, "Crawlers", 0, "CrawlElapsedTime"))
	require.Equal(t, json.Number("1700000000"), at(t, out, "Crawlers", 1, "CreationTime"))
}

// Ensure outputs without timestamp members are the plain JSON encoding.
func TestEncodeOutput_NoTimestamps(t *testing.T) {
	t.Parallel()
	v := map[string]any{"Name": "w", "Odd": "2024-01-01T00:00:00Z"}
	b, err := operation(t, "CreateWorkflow").EncodeOutput(v)
	require.NoError(t, err)
	plain, err := json.Marshal(v)
	require.NoError(t, err)
	require.JSONEq(t, string(plain), string(b))
}

// Ensure a value JSON cannot encode is an error naming the operation.
func TestEncodeOutput_Error(t *testing.T) {
	t.Parallel()
	_, err := operation(t, "GetWorkflow").EncodeOutput(map[string]any{"Workflow": make(chan int)})
	require.ErrorContains(t, err, "encode GetWorkflow output")
}

// Ensure EpochSeconds writes seconds with at most three decimals, never an
// exponent, and no fraction for whole seconds.
func TestEpochSeconds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		t    time.Time
		want string
	}{
		{"epoch", time.Unix(0, 0), "0"},
		{"zero value", time.Time{}, "-62135596800"},
		{"whole", time.Unix(1_700_000_000, 0), "1700000000"},
		{"millis", time.Unix(1_700_000_000, 123_000_000), "1700000000.123"},
		{"leading zeros", time.Unix(1_700_000_000, 7_000_000), "1700000000.007"},
		{"trailing zero", time.Unix(1_700_000_000, 120_000_000), "1700000000.120"},
		{"sub-millisecond truncated", time.Unix(1_700_000_000, 999_999_999), "1700000000.999"},
		{"sub-millisecond only", time.Unix(1_700_000_000, 999_999), "1700000000"},
		{"zoned", time.Unix(1_700_000_000, 500_000_000).In(time.FixedZone("X", -7*3600)), "1700000000.500"},
		{"far future", time.Date(9999, 12, 31, 23, 59, 59, 999_000_000, time.UTC), "253402300799.999"},
		{"negative whole", time.Unix(-2, 0), "-2"},
		{"negative large whole", time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), "-2208988800"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := model.EpochSeconds(tt.t)
			require.Equal(t, json.Number(tt.want), got)
			require.NotContains(t, string(got), "e")
			f, err := got.Float64()
			require.NoError(t, err)
			require.InDelta(t, float64(tt.t.UnixMilli())/1000, f, 1e-3)
		})
	}
}

// Ensure EpochSeconds keeps the value of times before the epoch that have a
// fractional second: -1.5 s must read -1.500, not -2.500.
func TestEpochSeconds_NegativeFraction(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		t    time.Time
		want string
	}{
		{"minus one and a half", time.Unix(0, 0).Add(-1500 * time.Millisecond), "-1.500"},
		{"minus half", time.Unix(0, 0).Add(-500 * time.Millisecond), "-0.500"},
		{"minus one milli", time.Unix(0, 0).Add(-time.Millisecond), "-0.001"},
		{"1969", time.Date(1969, 12, 31, 23, 59, 58, 250_000_000, time.UTC), "-1.750"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, json.Number(tt.want), model.EpochSeconds(tt.t))
		})
	}
}
