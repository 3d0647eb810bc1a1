// Package api serves the AWS Glue API over AWS JSON 1.1: POST / with
// X-Amz-Target: AWSGlue.<Operation>. It decodes and validates each request
// against the Glue model (package model), calls the service that implements
// the operation, and encodes the result or maps the domain error to Glue's
// error shape. It never returns HTML and never lets a panic escape.
package api

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/model"
)

// MaxBodyBytes caps the size of a request body.
const MaxBodyBytes = 10 << 20

// handlerFunc decodes and validates one request body and runs the
// operation on it.
type handlerFunc func(ctx context.Context, body []byte) (any, error)

// Config configures a Server.
type Config struct {
	Logger *slog.Logger
	// TokenKey signs pagination tokens. It should be stable across restarts
	// so tokens handed out before a restart stay valid.
	TokenKey []byte
	// Region is used when a request carries no SigV4 credential scope.
	Region string

	Workflows  WorkflowService
	Triggers   TriggerService
	Jobs       JobService
	Crawlers   CrawlerService
	Tags       TagService
	Runs       RunCommands
	RunQueries RunQueries
	Events     EventService
	Blueprints BlueprintService
	Catalog    CatalogService
	// Classifiers serves the custom classifier operations.
	Classifiers ClassifierService
	// Functions serves the user-defined function operations.
	Functions FunctionService
}

// Server is an http.Handler serving the Glue API.
type Server struct {
	log      *slog.Logger
	model    *model.Model
	tokens   tokenCodec
	region   string
	handlers map[string]handlerFunc
	// extensions are the operations Epoxy adds beside the Glue model.
	extensions map[string]bool
}

// New returns a Server for the configured services. Operations whose
// service is nil are not registered and answer UnknownOperationException.
func New(cfg Config) (*Server, error) {
	m, err := model.Glue()
	if err != nil {
		return nil, err
	}
	if len(cfg.TokenKey) == 0 {
		return nil, errors.New("api: TokenKey is required")
	}
	s := &Server{log: cfg.Logger, model: m, tokens: tokenCodec{key: cfg.TokenKey}, region: cfg.Region,
		handlers: map[string]handlerFunc{}, extensions: map[string]bool{}}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if cfg.Workflows != nil {
		s.registerWorkflows(cfg.Workflows)
	}
	if cfg.Triggers != nil {
		s.registerTriggers(cfg.Triggers)
	}
	if cfg.Jobs != nil {
		s.registerJobs(cfg.Jobs)
	}
	if cfg.Crawlers != nil {
		s.registerCrawlers(cfg.Crawlers)
	}
	if cfg.Tags != nil {
		s.registerTags(cfg.Tags)
	}
	if cfg.Runs != nil && cfg.RunQueries != nil {
		s.registerRuns(runService{cfg.Runs, cfg.RunQueries})
	}
	if cfg.Events != nil {
		s.registerEvents(cfg.Events)
	}
	if cfg.Blueprints != nil {
		s.registerBlueprints(cfg.Blueprints)
	}
	if cfg.Catalog != nil {
		s.registerCatalog(cfg.Catalog)
	}
	if cfg.Classifiers != nil {
		s.registerClassifiers(cfg.Classifiers)
	}
	if cfg.Functions != nil {
		s.registerFunctions(cfg.Functions)
	}
	for name := range s.handlers {
		if _, ok := m.Operation(name); !ok && !s.extensions[name] {
			return nil, fmt.Errorf("api: handler %s has no operation in the model", name)
		}
	}
	return s, nil
}

// Handle registers an extra operation that the Glue model does not define
// (Epoxy extensions such as NotifyEvent). Its body is decoded as JSON into
// the handler's own type.
func (s *Server) Handle(name string, h func(ctx context.Context, body json.RawMessage) (any, error)) {
	s.extensions[name] = true
	s.handlers[name] = func(ctx context.Context, body []byte) (any, error) {
		if len(bytes.TrimSpace(body)) == 0 {
			body = []byte("{}")
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(body, &obj); err != nil || obj == nil {
			return nil, &model.Error{Kind: model.KindSerialization, Message: "request body is not a valid JSON object"}
		}
		return h(ctx, body)
	}
}

// handle registers a typed operation of the model: the request is checked
// against the model and unmarshalled into In once, and fn's result is
// encoded as the operation's output. New refuses a name the model lacks.
func handle[In any, Out any](s *Server, name string, fn func(ctx context.Context, in *In) (*Out, error)) {
	mop, ok := s.model.Operation(name)
	if !ok {
		s.handlers[name] = nil
		return
	}
	s.handlers[name] = func(ctx context.Context, body []byte) (any, error) {
		in := new(In)
		if err := mop.Decode(body, in); err != nil {
			return nil, err
		}
		return fn(ctx, in)
	}
}

type empty struct{}

// ServeHTTP serves one API request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := newRequestID()
	w.Header().Set("x-amzn-RequestId", reqID)
	start := time.Now()
	op := s.operation(r.Header.Get("X-Amz-Target"))
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("panic serving request", "operation", op, "request_id", reqID, "panic", p, "stack", string(debug.Stack()))
			s.writeError(w, glue.InternalService, "internal error, request id "+reqID)
		}
	}()
	status := s.serve(w, r, op, reqID)
	s.log.Debug("request", "operation", op, "status", status, "request_id", reqID, "duration", time.Since(start))
}

// operation returns the operation an X-Amz-Target names, or "" when the
// target lacks the service's prefix ("AWSGlue."), which no handler serves.
func (s *Server) operation(target string) string {
	op, ok := strings.CutPrefix(target, s.model.TargetPrefix+".")
	if !ok {
		return ""
	}
	return op
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, op, reqID string) int {
	if r.Method == http.MethodGet && (r.URL.Path == "/healthz" || r.URL.Path == "/ping") {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"status":"ok"}`)
		return http.StatusOK
	}
	if r.Method != http.MethodPost || r.URL.Path != "/" {
		return s.writeError(w, "UnknownOperationException", fmt.Sprintf("Epoxy serves the Glue API as POST / with X-Amz-Target; got %s %s", r.Method, r.URL.Path))
	}
	h, ok := s.handlers[op]
	if !ok {
		return s.writeError(w, "UnknownOperationException", s.unknownOperation(r.Header.Get("X-Amz-Target"), op))
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return s.writeError(w, "SerializationException", fmt.Sprintf("request body exceeds the limit of %d bytes", MaxBodyBytes))
		}
		return s.writeError(w, "SerializationException", "cannot read request body: "+err.Error())
	}
	ctx := glue.WithRegion(r.Context(), s.requestRegion(r))
	out, err := h(ctx, body)
	if err != nil {
		return s.writeErr(w, err, op, reqID)
	}
	return s.writeOutput(w, op, out)
}

// unknownOperation says why no handler serves an X-Amz-Target: the Glue
// model has the operation but Epoxy does not implement it, or Glue has no
// such operation.
func (s *Server) unknownOperation(target, op string) string {
	switch {
	case op == "":
		return fmt.Sprintf("Unknown operation %q: X-Amz-Target must be %s.<Operation>", target, s.model.TargetPrefix)
	case s.model.IsUnserved(op):
		return fmt.Sprintf("Epoxy does not implement the Glue operation %s (%q); `epoxy help operations` lists the operations it serves", op, target)
	}
	return fmt.Sprintf("Unknown operation %q: AWS Glue has no operation %s (X-Amz-Target must be %s.<Operation>)", target, op, s.model.TargetPrefix)
}

func (s *Server) writeOutput(w http.ResponseWriter, op string, out any) int {
	var b []byte
	var err error
	if mop, ok := s.model.Operation(op); ok {
		b, err = mop.EncodeOutput(out)
	} else {
		b, err = json.Marshal(out)
	}
	if err != nil {
		s.log.Error("encode response", "operation", op, "err", err)
		return s.writeError(w, glue.InternalService, "cannot encode response")
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
	return http.StatusOK
}

// writeErr maps an error from decoding or from a service to Glue's error
// shape. Errors that carry no Glue code are internal faults: they are logged
// with the operation and request id, and reported as InternalServiceException
// naming only the request id.
func (s *Server) writeErr(w http.ResponseWriter, err error, op, reqID string) int {
	var me *model.Error
	if errors.As(err, &me) {
		return s.writeError(w, glue.ErrorCode(me.Kind), me.Message)
	}
	var ge *glue.Error
	if errors.As(err, &ge) {
		return s.writeError(w, ge.Code, ge.Message)
	}
	if errors.Is(err, context.Canceled) {
		return s.writeError(w, glue.OperationTimeout, "request cancelled")
	}
	s.log.Error("internal error", "operation", op, "request_id", reqID, "err", err)
	return s.writeError(w, glue.InternalService, "internal error, request id "+reqID)
}

func (s *Server) writeError(w http.ResponseWriter, code glue.ErrorCode, msg string) int {
	status := http.StatusBadRequest
	if code == glue.InternalService {
		status = http.StatusInternalServerError
	}
	b, _ := json.Marshal(struct {
		Type    string `json:"__type"`
		Message string `json:"Message"`
	}{string(code), msg})
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-ErrorType", string(code))
	w.WriteHeader(status)
	_, _ = w.Write(b)
	return status
}

func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// requestRegion returns the region of the request's SigV4 credential scope
// (Credential=AKID/date/region/service/aws4_request), or the default.
func (s *Server) requestRegion(r *http.Request) string {
	cred := r.URL.Query().Get("X-Amz-Credential")
	if auth := r.Header.Get("Authorization"); auth != "" {
		if _, after, ok := strings.Cut(auth, "Credential="); ok {
			cred, _, _ = strings.Cut(after, ",")
		}
	}
	parts := strings.Split(strings.TrimSpace(cred), "/")
	if len(parts) == 5 && parts[2] != "" {
		return parts[2]
	}
	return s.region
}
