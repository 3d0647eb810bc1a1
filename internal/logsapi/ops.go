package logsapi

import (
	"cmp"
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// groupBases are the LogGroupName values of job runs; each has an /output
// (stdout) and an /error (stderr) group.
var groupBases = []string{"/aws-glue/jobs", "/aws-glue/python-jobs"}

// streamFiles maps a group's suffix to the job run's log file.
var streamFiles = map[string]string{"/output": "stdout", "/error": "stderr"}

// group is a log group: a base and the file its streams read.
type group struct {
	name, base, file string
}

func groups() []group {
	gs := []group{{name: CrawlerGroup, base: CrawlerGroup}}
	for _, b := range groupBases {
		for _, suffix := range []string{"/error", "/output"} {
			gs = append(gs, group{name: b + suffix, base: b, file: streamFiles[suffix]})
		}
	}
	return gs
}

// lookupGroup returns the group a request names (logGroupName, or an ARN
// or name in logGroupIdentifier).
func lookupGroup(name, identifier *string) (group, error) {
	n := deref(name)
	if id := deref(identifier); id != "" {
		if n != "" {
			return group{}, errorf(InvalidParameter, "give logGroupName or logGroupIdentifier, not both")
		}
		_, n, _ = strings.Cut(id, ":log-group:")
		if n == "" {
			n = id
		}
		n = strings.TrimSuffix(n, ":*")
	}
	if n == "" {
		return group{}, errorf(InvalidParameter, "1 validation error detected: Value null at 'logGroupName' failed to satisfy constraint: Member must not be null")
	}
	for _, g := range groups() {
		if g.name == n {
			return g, nil
		}
	}
	return group{}, errorf(ResourceNotFound, "The specified log group does not exist.")
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func (s *Server) arn(groupName string) string {
	return fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s:*", s.cfg.Region, s.cfg.Account, groupName)
}

type describeLogGroupsIn struct {
	LogGroupNamePrefix  *string `json:"logGroupNamePrefix"`
	LogGroupNamePattern *string `json:"logGroupNamePattern"`
	Limit               *int    `json:"limit"`
	NextToken           *string `json:"nextToken"`
}

type logGroup struct {
	LogGroupName      string `json:"logGroupName"`
	Arn               string `json:"arn"`
	LogGroupArn       string `json:"logGroupArn"`
	CreationTime      int64  `json:"creationTime"`
	MetricFilterCount int    `json:"metricFilterCount"`
	StoredBytes       int64  `json:"storedBytes"`
	LogGroupClass     string `json:"logGroupClass"`
}

type describeLogGroupsOut struct {
	LogGroups []logGroup `json:"logGroups"`
	NextToken *string    `json:"nextToken,omitempty"`
}

// describeLogGroups lists the crawler group and the four job output
// groups (all in one page).
func (s *Server) describeLogGroups(_ context.Context, in *describeLogGroupsIn) (*describeLogGroupsOut, error) {
	limit, err := limitOf(in.Limit, 50, 50)
	if err != nil {
		return nil, err
	}
	out := &describeLogGroupsOut{LogGroups: []logGroup{}}
	for _, g := range groups() {
		if !strings.HasPrefix(g.name, deref(in.LogGroupNamePrefix)) || !strings.Contains(g.name, deref(in.LogGroupNamePattern)) {
			continue
		}
		if len(out.LogGroups) < limit {
			out.LogGroups = append(out.LogGroups, logGroup{LogGroupName: g.name, Arn: s.arn(g.name),
				LogGroupArn: strings.TrimSuffix(s.arn(g.name), ":*"), LogGroupClass: "STANDARD"})
		}
	}
	return out, nil
}

// limitOf checks a request's limit: def when absent, 1 to max otherwise.
func limitOf(p *int, def, max int) (int, error) {
	if p == nil {
		return def, nil
	}
	if *p < 1 || *p > max {
		return 0, errorf(InvalidParameter, "1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and %d", *p, max)
	}
	return *p, nil
}

type describeLogStreamsIn struct {
	LogGroupName        *string `json:"logGroupName"`
	LogGroupIdentifier  *string `json:"logGroupIdentifier"`
	LogStreamNamePrefix *string `json:"logStreamNamePrefix"`
	OrderBy             *string `json:"orderBy"`
	Descending          *bool   `json:"descending"`
	Limit               *int    `json:"limit"`
	NextToken           *string `json:"nextToken"`
}

type logStream struct {
	LogStreamName string `json:"logStreamName"`
	CreationTime  int64  `json:"creationTime"`
	Arn           string `json:"arn"`
	StoredBytes   int64  `json:"storedBytes"`
}

type describeLogStreamsOut struct {
	LogStreams []logStream `json:"logStreams"`
	NextToken  *string     `json:"nextToken,omitempty"`
}

// describeLogStreams lists a group's streams: its job runs, by name, or by
// creation time for orderBy LastEventTime.
func (s *Server) describeLogStreams(ctx context.Context, in *describeLogStreamsIn) (*describeLogStreamsOut, error) {
	g, err := lookupGroup(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	limit, err := limitOf(in.Limit, 50, 50)
	if err != nil {
		return nil, err
	}
	order := cmp.Or(deref(in.OrderBy), "LogStreamName")
	if order != "LogStreamName" && order != "LastEventTime" {
		return nil, errorf(InvalidParameter, "orderBy must be LogStreamName or LastEventTime, got %q", order)
	}
	if order == "LastEventTime" && in.LogStreamNamePrefix != nil {
		return nil, errorf(InvalidParameter, "Cannot order by LastEventTime with a logStreamNamePrefix.")
	}
	streams, err := s.streams(ctx, g, nil, deref(in.LogStreamNamePrefix))
	if err != nil {
		return nil, err
	}
	if order == "LastEventTime" {
		slices.SortStableFunc(streams, func(a, b Stream) int { return a.Created.Compare(b.Created) })
	}
	if deref(in.Descending) {
		slices.Reverse(streams)
	}
	start, err := decodeIndex(in.NextToken)
	if err != nil {
		return nil, err
	}
	out := &describeLogStreamsOut{LogStreams: []logStream{}}
	for i := start; i < len(streams) && len(out.LogStreams) < limit; i++ {
		st := streams[i]
		out.LogStreams = append(out.LogStreams, logStream{LogStreamName: st.Name, CreationTime: st.Created.UnixMilli(),
			Arn: strings.TrimSuffix(s.arn(g.name), "*") + "log-stream:" + st.Name})
	}
	if next := start + len(out.LogStreams); next < len(streams) {
		out.NextToken = encodeIndex(next)
	}
	return out, nil
}

// streams returns the group's streams, those named in names (when given)
// and starting with prefix.
func (s *Server) streams(ctx context.Context, g group, names []string, prefix string) ([]Stream, error) {
	all, err := s.groupStreams(ctx, g)
	if err != nil {
		return nil, err
	}
	var out []Stream
	for _, st := range all {
		if strings.HasPrefix(st.Name, prefix) && (names == nil || slices.Contains(names, st.Name)) {
			out = append(out, st)
		}
	}
	return out, nil
}

// encodeIndex makes a pagination token of a position.
func encodeIndex(i int) *string {
	t := base64.RawURLEncoding.EncodeToString([]byte("epoxy:" + strconv.Itoa(i)))
	return &t
}

func decodeIndex(tok *string) (int, error) {
	if tok == nil {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(*tok)
	n, ok := strings.CutPrefix(string(b), "epoxy:")
	i, aerr := strconv.Atoi(n)
	if err != nil || !ok || aerr != nil || i < 0 {
		return 0, errorf(InvalidParameter, "The specified nextToken is invalid.")
	}
	return i, nil
}

// inRange reports whether t (ms) is within [start, end) when they are
// given.
func inRange(t int64, start, end *int64) bool {
	return (start == nil || t >= *start) && (end == nil || t < *end)
}

func millis(t time.Time) int64 { return t.UnixMilli() }
