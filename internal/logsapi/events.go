package logsapi

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// maxResponseBytes caps the events of one response, as AWS does (1 MB),
// counting each event's message and 26 bytes of overhead.
const maxResponseBytes = 1 << 20

// eventBytes is what an event counts against maxResponseBytes.
func eventBytes(msg string) int { return len(msg) + 26 }

type getLogEventsIn struct {
	LogGroupName       *string `json:"logGroupName"`
	LogGroupIdentifier *string `json:"logGroupIdentifier"`
	LogStreamName      *string `json:"logStreamName"`
	StartTime          *int64  `json:"startTime"`
	EndTime            *int64  `json:"endTime"`
	NextToken          *string `json:"nextToken"`
	Limit              *int    `json:"limit"`
	StartFromHead      *bool   `json:"startFromHead"`
}

// outputEvent is an event of GetLogEvents.
type outputEvent struct {
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
}

type getLogEventsOut struct {
	Events            []outputEvent `json:"events"`
	NextForwardToken  string        `json:"nextForwardToken"`
	NextBackwardToken string        `json:"nextBackwardToken"`
}

// position is where GetLogEvents reads: forward from index (a forward
// token, or the head) or backward before it (a backward token, or the
// tail, index -1).
type position struct {
	forward bool
	index   int
}

// parseToken reads a GetLogEvents token, "f/N" or "b/N".
func parseToken(tok *string, fromHead bool) (position, error) {
	if tok == nil {
		if fromHead {
			return position{forward: true}, nil
		}
		return position{index: -1}, nil
	}
	dir, n, ok := strings.Cut(*tok, "/")
	i, err := strconv.Atoi(n)
	if !ok || err != nil || i < 0 || (dir != "f" && dir != "b") {
		return position{}, errorf(InvalidParameter, "The specified nextToken is invalid.")
	}
	return position{forward: dir == "f", index: i}, nil
}

func token(dir string, i int) string { return fmt.Sprintf("%s/%020d", dir, i) }

// getLogEvents returns a page of a stream's events within the time range:
// from the head or a forward token onwards, or the last ones before the
// tail or a backward token.
func (s *Server) getLogEvents(ctx context.Context, in *getLogEventsIn) (*getLogEventsOut, error) {
	g, err := lookupGroup(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	limit, err := limitOf(in.Limit, 10000, 10000)
	if err != nil {
		return nil, err
	}
	pos, err := parseToken(in.NextToken, deref(in.StartFromHead))
	if err != nil {
		return nil, err
	}
	name := deref(in.LogStreamName)
	if name == "" {
		return nil, errorf(InvalidParameter, "1 validation error detected: Value null at 'logStreamName' failed to satisfy constraint: Member must not be null")
	}
	if st, err := s.streams(ctx, g, []string{name}, ""); err != nil || len(st) == 0 {
		return nil, cmp.Or(err, error(errorf(ResourceNotFound, "The specified log stream does not exist.")))
	}
	w := &window{pos: pos, limit: limit}
	err = s.lines(g, name, func(at time.Time, text string) bool {
		if !inRange(millis(at), in.StartTime, in.EndTime) {
			return true
		}
		return w.add(outputEvent{Timestamp: millis(at), Message: text, IngestionTime: millis(at)})
	})
	if err != nil {
		return nil, err
	}
	return w.result(), nil
}

// window collects the events of a GetLogEvents page as lines stream by.
type window struct {
	pos    position
	limit  int
	seen   int // events in range so far
	first  int // index of events[0]
	bytes  int
	events []outputEvent
}

// add takes the next event in range; false stops the reading.
func (w *window) add(e outputEvent) bool {
	i := w.seen
	w.seen++
	switch {
	case w.pos.forward:
		if i < w.pos.index {
			return true
		}
		if len(w.events) == w.limit || w.bytes+eventBytes(e.Message) > maxResponseBytes {
			return false
		}
		if len(w.events) == 0 {
			w.first = i
		}
	case w.pos.index >= 0 && i >= w.pos.index:
		return false
	default:
		if len(w.events) == 0 {
			w.first = i
		}
		for len(w.events) > 0 && (len(w.events) == w.limit || w.bytes+eventBytes(e.Message) > maxResponseBytes) {
			w.bytes -= eventBytes(w.events[0].Message)
			w.events = w.events[1:]
			w.first++
		}
	}
	w.events = append(w.events, e)
	w.bytes += eventBytes(e.Message)
	return true
}

func (w *window) result() *getLogEventsOut {
	start := w.first
	if len(w.events) == 0 {
		start = w.pos.index
		if start < 0 || start > w.seen {
			start = w.seen
		}
	}
	end := start + len(w.events)
	return &getLogEventsOut{Events: append([]outputEvent{}, w.events...),
		NextForwardToken: token("f", end), NextBackwardToken: token("b", start)}
}

type filterLogEventsIn struct {
	LogGroupName        *string  `json:"logGroupName"`
	LogGroupIdentifier  *string  `json:"logGroupIdentifier"`
	LogStreamNames      []string `json:"logStreamNames"`
	LogStreamNamePrefix *string  `json:"logStreamNamePrefix"`
	StartTime           *int64   `json:"startTime"`
	EndTime             *int64   `json:"endTime"`
	FilterPattern       *string  `json:"filterPattern"`
	NextToken           *string  `json:"nextToken"`
	Limit               *int     `json:"limit"`
	Interleaved         *bool    `json:"interleaved"`
}

// filteredEvent is an event of FilterLogEvents.
type filteredEvent struct {
	LogStreamName string `json:"logStreamName"`
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
	EventID       string `json:"eventId"`
}

type searchedStream struct {
	LogStreamName      string `json:"logStreamName"`
	SearchedCompletely bool   `json:"searchedCompletely"`
}

type filterLogEventsOut struct {
	Events             []filteredEvent  `json:"events"`
	SearchedLogStreams []searchedStream `json:"searchedLogStreams"`
	NextToken          *string          `json:"nextToken,omitempty"`
}

// filterLogEvents returns the events of the group's streams (all, the
// named ones or those with the prefix) within the time range that match
// the pattern, ordered by time, a page at a time.
func (s *Server) filterLogEvents(ctx context.Context, in *filterLogEventsIn) (*filterLogEventsOut, error) {
	g, err := lookupGroup(in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return nil, err
	}
	if in.LogStreamNames != nil && in.LogStreamNamePrefix != nil {
		return nil, errorf(InvalidParameter, "logStreamNames and logStreamNamePrefix are mutually exclusive")
	}
	limit, err := limitOf(in.Limit, 10000, 10000)
	if err != nil {
		return nil, err
	}
	start, err := decodeIndex(in.NextToken)
	if err != nil {
		return nil, err
	}
	p, err := parsePattern(deref(in.FilterPattern))
	if err != nil {
		return nil, err
	}
	streams, err := s.streams(ctx, g, in.LogStreamNames, deref(in.LogStreamNamePrefix))
	if err != nil {
		return nil, err
	}
	matches, searched, err := s.match(g, streams, p, in.StartTime, in.EndTime)
	if err != nil {
		return nil, err
	}
	out := &filterLogEventsOut{Events: []filteredEvent{}, SearchedLogStreams: searched}
	size := 0
	for i := start; i < len(matches) && len(out.Events) < limit && size+eventBytes(matches[i].Message) <= maxResponseBytes; i++ {
		out.Events = append(out.Events, matches[i])
		size += eventBytes(matches[i].Message)
	}
	if next := start + len(out.Events); next < len(matches) {
		out.NextToken = encodeIndex(next)
	}
	return out, nil
}

// match reads the streams' matching events, ordered by time (then stream
// and position).
func (s *Server) match(g group, streams []Stream, p *pattern, startTime, endTime *int64) ([]filteredEvent, []searchedStream, error) {
	matches := []filteredEvent{}
	searched := []searchedStream{}
	for _, st := range streams {
		n := 0
		err := s.lines(g, st.Name, func(at time.Time, text string) bool {
			n++
			if inRange(millis(at), startTime, endTime) && p.match(text) {
				matches = append(matches, filteredEvent{LogStreamName: st.Name, Timestamp: millis(at), Message: text,
					IngestionTime: millis(at), EventID: fmt.Sprintf("%s-%s-%d", st.Name, g.file, n)})
			}
			return true
		})
		if err != nil {
			return nil, nil, err
		}
		searched = append(searched, searchedStream{LogStreamName: st.Name, SearchedCompletely: true})
	}
	slices.SortStableFunc(matches, func(a, b filteredEvent) int {
		return cmp.Or(cmp.Compare(a.Timestamp, b.Timestamp), strings.Compare(a.LogStreamName, b.LogStreamName))
	})
	return matches, searched, nil
}
