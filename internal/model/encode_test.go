package model_test

import (
	"bytes"
	"encoding/json"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/glue"
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
		Name: "w", Description: &desc, CreatedOn: glue.At(created), LastModifiedOn: glue.At(whole), MaxConcurrentRuns: new(int32(3)),
		LastRun: &glue.WorkflowRun{
			Name: "w", WorkflowRunID: "wr_1", Status: glue.WorkflowRunCompleted, StartedOn: glue.At(subMilli), CompletedOn: glue.At(far),
			Graph: &glue.WorkflowGraph{Nodes: []*glue.Node{
				{Type: glue.NodeJob, Name: "j", UniqueID: "n1", JobDetails: &glue.JobNodeDetails{JobRuns: []*glue.JobRun{
					{ID: "jr_1", JobName: "j", StartedOn: glue.At(created), CompletedOn: glue.At(zoned), MaxCapacity: new(0.0625)},
					{ID: "jr_2", JobName: "j", StartedOn: glue.At(whole)},
				}}},
				{Type: glue.NodeCrawler, Name: "c", UniqueID: "n2", CrawlerDetails: &glue.CrawlerNodeDetails{Crawls: []*glue.Crawl{
					{State: glue.CrawlSucceeded, StartedOn: glue.At(subMilli)},
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
		{Name: "a", State: glue.CrawlerStateReady, CreationTime: glue.At(start), LastUpdated: glue.At(start.Add(990 * time.Millisecond)),
			LastCrawl: &glue.LastCrawlInfo{Status: "SUCCEEDED", StartTime: glue.At(start.Add(time.Hour))}, Version: 1<<53 + 1, CrawlElapsedTime: 9_007_199_254_740_993},
		{Name: "b", State: glue.CrawlerStateRunning, CreationTime: glue.At(start.Add(-10 * time.Millisecond))},
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
