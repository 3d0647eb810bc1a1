// Package logsapi serves the CloudWatch Logs API subset that reads job
// output, as Glue users read it: AWS JSON 1.1, X-Amz-Target
// Logs_20140328.<Operation>, for DescribeLogGroups, DescribeLogStreams,
// GetLogEvents and FilterLogEvents. Each job run is a log stream named by
// its id in the groups "<LogGroupName>/output" (stdout) and
// "<LogGroupName>/error" (stderr); each line it printed is an event, timed
// when it was written. Each crawler that crawled is a stream named after
// it in the group /aws-glue/crawlers, its crawls' log lines the events.
package logsapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// TargetPrefix is the X-Amz-Target prefix of the Logs API.
const TargetPrefix = "Logs_20140328"

// Error codes of the Logs API.
const (
	ResourceNotFound = "ResourceNotFoundException"
	InvalidParameter = "InvalidParameterException"
	UnknownOperation = "UnknownOperationException"
	ServiceUnavail   = "ServiceUnavailableException"
)

// Error is a Logs API error.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Stream is a job run's log stream.
type Stream struct {
	// Name is the job run id.
	Name    string
	Created time.Time
}

// Runs finds the job runs whose output the groups hold.
type Runs interface {
	// Streams returns the job runs whose LogGroupName is base, in name
	// order.
	Streams(ctx context.Context, base string) ([]Stream, error)
}

// Lines reads a job run's output lines, in order, until fn returns false.
type Lines func(jobRunID, stream string, fn func(at time.Time, text string) bool) error

// Config configures a Server.
type Config struct {
	Runs  Runs
	Lines Lines
	// Crawls reads the group /aws-glue/crawlers; nil: it has no streams.
	Crawls CrawlLogs
	// Region and Account make the groups' ARNs.
	Region, Account string
	Clock           interface{ Now() time.Time }
	Logger          *slog.Logger
}

// Server is an http.Handler serving the Logs API.
type Server struct {
	cfg Config
	ops map[string]func(ctx context.Context, body []byte) (any, error)
}

// New returns a Server.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg}
	s.ops = map[string]func(context.Context, []byte) (any, error){
		"DescribeLogGroups":  op(s.describeLogGroups),
		"DescribeLogStreams": op(s.describeLogStreams),
		"GetLogEvents":       op(s.getLogEvents),
		"FilterLogEvents":    op(s.filterLogEvents),
	}
	return s
}

// op decodes a request body into In for fn.
func op[In any, Out any](fn func(ctx context.Context, in *In) (*Out, error)) func(context.Context, []byte) (any, error) {
	return func(ctx context.Context, body []byte) (any, error) {
		in := new(In)
		if len(strings.TrimSpace(string(body))) > 0 {
			if err := json.Unmarshal(body, in); err != nil {
				return nil, errorf(InvalidParameter, "cannot decode request: %v", err)
			}
		}
		return fn(ctx, in)
	}
}

// Serves reports whether the server has operation op.
func (s *Server) Serves(op string) bool {
	_, ok := s.ops[op]
	return ok
}

// maxBody caps a request body.
const maxBody = 1 << 20

// ServeHTTP serves one Logs API request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name, _ := strings.CutPrefix(r.Header.Get("X-Amz-Target"), TargetPrefix+".")
	fn, ok := s.ops[name]
	if !ok || r.Method != http.MethodPost {
		writeError(w, errorf(UnknownOperation, "Epoxy serves DescribeLogGroups, DescribeLogStreams, GetLogEvents and FilterLogEvents of the Logs API as POST / with X-Amz-Target %s.<Operation>, got %s %q", TargetPrefix, r.Method, r.Header.Get("X-Amz-Target")))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		writeError(w, errorf(InvalidParameter, "cannot read the request body: %v", err))
		return
	}
	out, err := fn(r.Context(), body)
	var e *Error
	switch {
	case errors.As(err, &e):
		writeError(w, e)
	case err != nil:
		s.cfg.Logger.Error("logs api", "operation", name, "err", err)
		writeError(w, errorf(ServiceUnavail, "internal error: %v", err))
	default:
		b, _ := json.Marshal(out)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_, _ = w.Write(b)
	}
}

func writeError(w http.ResponseWriter, e *Error) {
	status := http.StatusBadRequest
	if e.Code == ServiceUnavail {
		status = http.StatusServiceUnavailable
	}
	b, _ := json.Marshal(struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}{e.Code, e.Message})
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-ErrorType", e.Code)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
