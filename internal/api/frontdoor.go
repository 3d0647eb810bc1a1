package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// Route is one AWS JSON service served on the API address: requests whose
// X-Amz-Target starts with Prefix and a dot go to Handler.
type Route struct {
	// Prefix is the target prefix, such as "AWSGlue".
	Prefix string
	// Service is the signing name, such as "glue": a SigV4 credential
	// scope must name it, and metrics are labelled with it.
	Service string
	Handler http.Handler
	// Serves reports whether Handler serves an operation; others are
	// counted as operation "unknown", keeping metric labels bounded.
	Serves func(op string) bool
	// Operation, if set, names the operation of a request that has no
	// X-Amz-Target (S3's REST API), from a bounded set.
	Operation func(r *http.Request) string
}

// Serves reports whether the server has a handler for op.
func (s *Server) Serves(op string) bool {
	_, ok := s.handlers[op]
	return ok
}

// RequestObserver is told about every API request once it is answered:
// code is the AWS error code, "" on success.
type RequestObserver interface {
	ObserveRequest(service, operation, code string, elapsed time.Duration)
}

// FrontDoorConfig configures a FrontDoor.
type FrontDoorConfig struct {
	// Routes are the services; a request matching none goes to the first.
	Routes []Route
	// Rest, if set, serves the requests without an X-Amz-Target header
	// that are not AWS JSON (whose content type is application/x-amz-json-*
	// and which go to the first route): the built-in S3's REST API.
	Rest *Route
	// Guard wraps the services' handlers, for authentication; nil: none.
	// serviceOf names the signing service of a request.
	Guard func(next http.Handler, serviceOf func(*http.Request) string) http.Handler
	// Metrics serves /_epoxy/metrics; nil: not served.
	Metrics http.Handler
	// Ready reports whether Epoxy can serve: nil error when it can.
	Ready    func(ctx context.Context) error
	Observer RequestObserver
	Logger   *slog.Logger
	Clock    interface{ Now() time.Time }
}

// FrontDoor is the handler of the API address: Epoxy's own endpoints
// under /_epoxy/ (health, readiness, metrics; never authenticated, they
// reveal no names or data), then every AWS service request, authenticated
// by the guard, routed by its X-Amz-Target, observed and logged.
type FrontDoor struct {
	cfg      FrontDoorConfig
	services http.Handler
}

// NewFrontDoor returns the front door for cfg.
func NewFrontDoor(cfg FrontDoorConfig) *FrontDoor {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	f := &FrontDoor{cfg: cfg}
	f.services = http.HandlerFunc(f.route)
	if cfg.Guard != nil {
		f.services = cfg.Guard(f.services, f.ServiceOf)
	}
	return f
}

// ServeHTTP serves one request.
func (f *FrontDoor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/_epoxy/health", "/healthz", "/ping":
		writeStatus(w, http.StatusOK, map[string]string{"status": "ok"})
		return
	case "/_epoxy/ready":
		f.ready(w, r)
		return
	case "/_epoxy/metrics":
		if f.cfg.Metrics != nil {
			f.cfg.Metrics.ServeHTTP(w, r)
			return
		}
	}
	f.observe(w, r)
}

func (f *FrontDoor) ready(w http.ResponseWriter, r *http.Request) {
	if f.cfg.Ready != nil {
		if err := f.cfg.Ready(r.Context()); err != nil {
			writeStatus(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "error": err.Error()})
			return
		}
	}
	writeStatus(w, http.StatusOK, map[string]string{"status": "ready", "store": "ok", "role": "leader"})
}

func writeStatus(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// route hands the request to the service its target names.
func (f *FrontDoor) route(w http.ResponseWriter, r *http.Request) {
	rt, _ := f.routeOf(r)
	rt.Handler.ServeHTTP(w, r)
}

// routeOf returns the route of a request and the operation it names.
func (f *FrontDoor) routeOf(r *http.Request) (Route, string) {
	target := r.Header.Get("X-Amz-Target")
	if target == "" && f.cfg.Rest != nil && !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-amz-json") {
		return *f.cfg.Rest, f.cfg.Rest.Operation(r)
	}
	prefix, op, _ := strings.Cut(target, ".")
	for _, rt := range f.cfg.Routes {
		if rt.Prefix == prefix {
			return rt, op
		}
	}
	return f.cfg.Routes[0], ""
}

// ServiceOf names the signing service of a request's route.
func (f *FrontDoor) ServiceOf(r *http.Request) string {
	rt, _ := f.routeOf(r)
	return rt.Service
}

// statusWriter remembers the status of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// observe serves a service request, then reports and logs it.
func (f *FrontDoor) observe(w http.ResponseWriter, r *http.Request) {
	start := f.cfg.Clock.Now()
	rt, op := f.routeOf(r)
	if rt.Serves == nil || !rt.Serves(op) {
		op = "unknown"
	}
	var ids []any
	if rt.Operation == nil {
		ids = requestIDs(r)
	}
	w.Header().Set("x-amzn-RequestId", newRequestID())
	sw := &statusWriter{ResponseWriter: w}
	var principal string
	f.services.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), principalSlot{}, &principal)))
	elapsed := f.cfg.Clock.Now().Sub(start)
	code := w.Header().Get("X-Amzn-ErrorType")
	if f.cfg.Observer != nil {
		f.cfg.Observer.ObserveRequest(rt.Service, op, code, elapsed)
	}
	attrs := append([]any{"request_id", w.Header().Get("x-amzn-RequestId"), "service", rt.Service, "operation", op,
		"status", sw.status, "code", code, "principal", principal, "duration", elapsed}, ids...)
	f.cfg.Logger.Info("request", attrs...)
}

// principalSlot keys, in a request's context, where the guard records who
// signed the request, for the request log.
type principalSlot struct{}

// SetPrincipal records the name of the caller of the request ctx belongs
// to, for the front door's request log.
func SetPrincipal(ctx context.Context, name string) {
	if p, ok := ctx.Value(principalSlot{}).(*string); ok {
		*p = name
	}
}

// maxLoggedBody is the largest body whose ids are logged.
const maxLoggedBody = 64 << 10

// requestIDs returns, as log attributes, the workflow, run, job, job run
// and crawler a request names, read from a small JSON body (which is put
// back).
func requestIDs(r *http.Request) []any {
	if r.Body == nil || r.ContentLength > maxLoggedBody || r.ContentLength < 0 {
		return nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxLoggedBody+1))
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(body), r.Body), r.Body}
	if err != nil || len(body) > maxLoggedBody {
		return nil
	}
	var in map[string]any
	if json.Unmarshal(body, &in) != nil {
		return nil
	}
	var attrs []any
	for _, m := range [][2]string{{"Name", "name"}, {"WorkflowName", "workflow"}, {"RunId", "workflow_run"},
		{"JobName", "job"}, {"JobRunId", "job_run"}, {"CrawlerName", "crawler"}, {"logStreamName", "log_stream"}} {
		if s, ok := in[m[0]].(string); ok && s != "" {
			attrs = append(attrs, m[1], s)
		}
	}
	return attrs
}
