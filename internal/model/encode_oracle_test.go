package model

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// convertTimes is the slow, obviously correct way to encode outputs, kept
// as the oracle for the one-pass rewriter: it rewrites RFC 3339 strings at
// timestamp members to epoch seconds in generic JSON values.
func convertTimes(s *Shape, v any) any {
	if s == nil || v == nil {
		return v
	}
	switch s.Type {
	case "timestamp":
		if str, ok := v.(string); ok {
			if t, err := time.Parse(time.RFC3339Nano, str); err == nil {
				return EpochSeconds(t)
			}
		}
	case "structure":
		if obj, ok := v.(map[string]any); ok {
			for k, mv := range obj {
				if ms, ok := s.Members[k]; ok {
					obj[k] = convertTimes(ms, mv)
				}
			}
		}
	case "list":
		if arr, ok := v.([]any); ok {
			for i := range arr {
				arr[i] = convertTimes(s.Member, arr[i])
			}
		}
	case "map":
		if obj, ok := v.(map[string]any); ok {
			for k := range obj {
				obj[k] = convertTimes(s.Value, obj[k])
			}
		}
	}
	return v
}

func slowEncode(t *testing.T, op *Operation, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var generic any
	require.NoError(t, dec.Decode(&generic))
	out, err := json.Marshal(convertTimes(op.Output, generic))
	require.NoError(t, err)
	return out
}

// Ensure the one-pass rewriter gives the same JSON as decoding, converting
// and encoding again, on outputs with timestamps at every depth, strings
// that need escaping, and timestamp members that hold other strings.
func TestEncodeOutput_MatchesGenericConversion(t *testing.T) {
	t.Parallel()
	m, err := Glue()
	require.NoError(t, err)
	at := time.Date(2026, 3, 4, 5, 6, 7, 891_000_000, time.UTC)
	cases := []struct {
		op string
		v  any
	}{
		{"GetWorkflowRun", map[string]any{"Run": map[string]any{
			"Name": "w \"quoted\" \\ back\nslash <&>", "StartedOn": at, "CompletedOn": at.Add(time.Second),
			"Statistics":            map[string]any{"TotalActions": 3},
			"WorkflowRunProperties": map[string]string{"StartedOn": "not a time", "k": "{[\"]}"},
			"Graph": map[string]any{"Nodes": []any{
				map[string]any{"Type": "JOB", "Name": "j", "JobDetails": map[string]any{"JobRuns": []any{
					map[string]any{"Id": "jr_1", "StartedOn": at, "Arguments": map[string]string{"--x": "y"}},
					map[string]any{"Id": "jr_2", "CompletedOn": at.Add(-time.Hour)},
				}}},
				map[string]any{"Type": "TRIGGER", "Name": "t,}]", "TriggerDetails": map[string]any{"Trigger": map[string]any{"Name": "t"}}},
			}, "Edges": []any{}},
		}}},
		{"GetJobs", map[string]any{"Jobs": []any{map[string]any{"Name": "a", "CreatedOn": at, "MaxCapacity": 0.0625, "Timeout": 2880}}, "NextToken": "tok"}},
		{"GetJob", map[string]any{"Job": map[string]any{"Name": "b", "CreatedOn": "garbage", "LastModifiedOn": at}}},
		{"ListWorkflows", map[string]any{"Workflows": []string{"a", "b"}}},
		{"GetCrawler", map[string]any{"Crawler": map[string]any{"Name": "c", "CreationTime": at, "LastCrawl": map[string]any{"StartTime": at}, "Version": 3}}},
		{"GetWorkflowRuns", map[string]any{"Runs": []any{}}},
		{"GetWorkflowRun", map[string]any{"Run": nil}},
	}
	for _, c := range cases {
		op, ok := m.Operation(c.op)
		require.True(t, ok)
		got, err := op.EncodeOutput(c.v)
		require.NoError(t, err, c.op)
		require.JSONEq(t, string(slowEncode(t, op, c.v)), string(got), c.op)
	}
}

func BenchmarkEncodeOutput_Graph(b *testing.B) {
	m, _ := Glue()
	op, _ := m.Operation("GetWorkflowRun")
	at := time.Now()
	var nodes []any
	for i := range 500 {
		nodes = append(nodes, map[string]any{"Type": "JOB", "Name": "j", "UniqueId": "wnode_x", "JobDetails": map[string]any{
			"JobRuns": []any{map[string]any{"Id": "jr", "StartedOn": at, "CompletedOn": at, "Attempt": i}}}})
	}
	v := map[string]any{"Run": map[string]any{"Name": "w", "StartedOn": at, "Graph": map[string]any{"Nodes": nodes}}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := op.EncodeOutput(v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeOutput_GraphGeneric is the same output through the old
// decode-convert-encode path, for comparison.
func BenchmarkEncodeOutput_GraphGeneric(b *testing.B) {
	m, _ := Glue()
	op, _ := m.Operation("GetWorkflowRun")
	at := time.Now()
	var nodes []any
	for i := range 500 {
		nodes = append(nodes, map[string]any{"Type": "JOB", "Name": "j", "UniqueId": "wnode_x", "JobDetails": map[string]any{
			"JobRuns": []any{map[string]any{"Id": "jr", "StartedOn": at, "CompletedOn": at, "Attempt": i}}}})
	}
	v := map[string]any{"Run": map[string]any{"Name": "w", "StartedOn": at, "Graph": map[string]any{"Nodes": nodes}}}
	b.ReportAllocs()
	for b.Loop() {
		bs, _ := json.Marshal(v)
		dec := json.NewDecoder(bytes.NewReader(bs))
		dec.UseNumber()
		var generic any
		_ = dec.Decode(&generic)
		_, _ = json.Marshal(convertTimes(op.Output, generic))
	}
}
