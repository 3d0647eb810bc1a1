package logsapi

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

type fakeRuns []Stream

func (f fakeRuns) Streams(context.Context, string) ([]Stream, error) { return f, nil }

// server serves one stream "jr_a" of n lines "line i" at i seconds.
func server(n int) *Server {
	lines := func(id, stream string, fn func(time.Time, string) bool) error {
		for i := range n {
			if !fn(time.Unix(int64(i), 0), fmt.Sprintf("line %d", i)) {
				return nil
			}
		}
		return nil
	}
	return New(Config{Runs: fakeRuns{{Name: "jr_a"}}, Lines: lines, Region: "us-east-1", Account: "123456789012"})
}

func messages(out *getLogEventsOut) []string {
	var m []string
	for _, e := range out.Events {
		m = append(m, e.Message)
	}
	return m
}

func ptr[T any](v T) *T { return &v }

// GetLogEvents reads the tail by default, the head with startFromHead, and
// pages both ways with its tokens; at the end the forward token repeats.
func TestGetLogEventsPaging(t *testing.T) {
	s := server(5)
	ctx := context.Background()
	get := func(in getLogEventsIn) *getLogEventsOut {
		in.LogGroupName, in.LogStreamName, in.Limit = ptr("/aws-glue/jobs/output"), ptr("jr_a"), ptr(2)
		out, err := s.getLogEvents(ctx, &in)
		require.NoError(t, err)
		return out
	}
	tail := get(getLogEventsIn{})
	require.Equal(t, []string{"line 3", "line 4"}, messages(tail))
	back := get(getLogEventsIn{NextToken: &tail.NextBackwardToken})
	require.Equal(t, []string{"line 1", "line 2"}, messages(back))
	head := get(getLogEventsIn{StartFromHead: ptr(true)})
	require.Equal(t, []string{"line 0", "line 1"}, messages(head))
	next := get(getLogEventsIn{NextToken: &head.NextForwardToken})
	require.Equal(t, []string{"line 2", "line 3"}, messages(next))
	end := get(getLogEventsIn{NextToken: &tail.NextForwardToken})
	require.Empty(t, end.Events)
	require.Equal(t, tail.NextForwardToken, end.NextForwardToken, "the forward token repeats at the end")
	ranged := get(getLogEventsIn{StartFromHead: ptr(true), StartTime: ptr(int64(1000)), EndTime: ptr(int64(3000))})
	require.Equal(t, []string{"line 1", "line 2"}, messages(ranged))

	_, err := s.getLogEvents(ctx, &getLogEventsIn{LogGroupName: ptr("/nope"), LogStreamName: ptr("jr_a")})
	require.ErrorContains(t, err, ResourceNotFound)
	_, err = s.getLogEvents(ctx, &getLogEventsIn{LogGroupName: ptr("/aws-glue/jobs/output"), LogStreamName: ptr("jr_b")})
	require.ErrorContains(t, err, ResourceNotFound)
	_, err = s.getLogEvents(ctx, &getLogEventsIn{LogGroupName: ptr("/aws-glue/jobs/output"), LogStreamName: ptr("jr_a"), NextToken: ptr("x")})
	require.ErrorContains(t, err, InvalidParameter)
}

func TestPatterns(t *testing.T) {
	for _, c := range []struct {
		pattern, msg string
		want         bool
	}{
		{"", "anything", true},
		{"ERROR", "an ERROR here", true},
		{"ERROR", "an error here", false},
		{"ERROR timeout", "ERROR: timeout", true},
		{"ERROR timeout", "ERROR: refused", false},
		{`"disk full"`, "the disk full again", true},
		{`"disk full"`, "full disk", false},
		{"ERROR -retry", "ERROR, will retry", false},
		{"?WARN ?ERROR", "WARN x", true},
		{"?WARN ?ERROR", "INFO x", false},
	} {
		p, err := parsePattern(c.pattern)
		require.NoError(t, err)
		require.Equal(t, c.want, p.match(c.msg), "%q ~ %q", c.pattern, c.msg)
	}
	for _, bad := range []string{`{ $.level = "x" }`, "[ip, user]", "%ab%", `"open`} {
		_, err := parsePattern(bad)
		require.ErrorContains(t, err, InvalidParameter, bad)
	}
}
