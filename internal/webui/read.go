package webui

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"regexp"
	"strings"

	"github.com/epoxy-run/epoxy/internal/glue"
)

// readOp matches the Glue operations that only read: the UI may call these
// through GET /ui/api/glue/<Operation>. Every Glue operation named so is
// free of side effects.
var readOp = regexp.MustCompile(`^(Get|List|BatchGet)[A-Z][A-Za-z]*$`)

// maxInput bounds the JSON input of a cached read, carried in the URL.
const maxInput = 8 << 10

// serveRead answers GET /ui/api/glue/<op>?input=<JSON> with the Glue API's
// answer to op on that input (default {}), called in-process through api,
// so it is validated and answered exactly as POST / would be. A successful
// answer carries an ETag of its body; a request whose If-None-Match names
// it gets 304 Not Modified, so polling an unchanged run costs no transfer
// and no re-rendering.
func (h *handler) serveRead(w http.ResponseWriter, r *http.Request, op string) {
	if !readOp.MatchString(op) {
		writeError(w, http.StatusBadRequest, glue.Errorf(glue.InvalidInput,
			"operation %q: the UI's cached reads serve only Get*, List* and BatchGet* operations; call others with POST /", op))
		return
	}
	input := r.URL.Query().Get("input")
	if input == "" {
		input = "{}"
	}
	if len(input) > maxInput {
		writeError(w, http.StatusBadRequest, glue.Errorf(glue.InvalidInput, "input: at most %d bytes", maxInput))
		return
	}
	rec := h.call(r, op, input)
	if rec.status != http.StatusOK {
		copyHeader(w.Header(), rec.header, "Content-Type", "X-Amzn-ErrorType", "x-amzn-RequestId")
		w.WriteHeader(rec.status)
		_, _ = w.Write(rec.body.Bytes())
		return
	}
	sum := sha256.Sum256(rec.body.Bytes())
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "no-cache")
	if noneMatch(r, etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(rec.body.Bytes())
}

// call calls op on the Glue API in-process with r's context and headers of
// authority; with a login, the call is signed with the browser's key, so
// the API authenticates the UI as it does any client.
func (h *handler) call(r *http.Request, op, input string) *recorder {
	req, _ := http.NewRequestWithContext(r.Context(), http.MethodPost, "/", strings.NewReader(input))
	req.Host = r.Host
	req.RemoteAddr = r.RemoteAddr
	copyHeader(req.Header, r.Header, "Cookie")
	req.Header.Set("X-Amz-Target", "AWSGlue."+op)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	if h.login != nil {
		if err := h.login.sign(r.Context(), req); err != nil {
			writeError(rec, http.StatusInternalServerError, glue.Errorf(glue.InternalService, "sign the UI's call: %v", err))
			return rec
		}
	}
	h.api.ServeHTTP(rec, req)
	return rec
}

// actionOps are the operations the UI's buttons call: "Start run", "Stop
// run" and "Resume".
var actionOps = map[string]bool{"StartWorkflowRun": true, "StopWorkflowRun": true, "ResumeWorkflowRun": true}

// uiHeader must be on every UI action: a cross-site form cannot set it, and
// a cross-site fetch that sets it needs a CORS preflight Epoxy never grants,
// so a page elsewhere cannot make a logged-in browser act.
const uiHeader = "X-Epoxy-UI"

// serveAction answers POST /ui/api/glue/<op> (a JSON body, op one of
// actionOps) with the Glue API's answer, called in-process.
func (h *handler) serveAction(w http.ResponseWriter, r *http.Request, op string) {
	setCommonHeaders(w)
	if !actionOps[op] {
		writeError(w, http.StatusBadRequest, glue.Errorf(glue.InvalidInput, "operation %q: the UI's actions are StartWorkflowRun, StopWorkflowRun and ResumeWorkflowRun", op))
		return
	}
	if r.Header.Get(uiHeader) != "1" {
		writeError(w, http.StatusForbidden, glue.Errorf(glue.AccessDenied, "UI actions must carry the %s: 1 header", uiHeader))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxInput+1))
	if err != nil || len(body) > maxInput {
		writeError(w, http.StatusBadRequest, glue.Errorf(glue.InvalidInput, "body: at most %d bytes of JSON", maxInput))
		return
	}
	rec := h.call(r, op, string(body))
	copyHeader(w.Header(), rec.header, "Content-Type", "X-Amzn-ErrorType", "x-amzn-RequestId")
	w.WriteHeader(rec.status)
	_, _ = w.Write(rec.body.Bytes())
}

// noneMatch reports whether r's If-None-Match names etag.
func noneMatch(r *http.Request, etag string) bool {
	for _, v := range strings.Split(r.Header.Get("If-None-Match"), ",") {
		if v = strings.TrimSpace(v); v == etag || v == "*" {
			return true
		}
	}
	return false
}

// copyHeader copies the named headers from src to dst.
func copyHeader(dst, src http.Header, names ...string) {
	for _, n := range names {
		if v := src.Values(n); len(v) > 0 {
			dst[http.CanonicalHeaderKey(n)] = v
		}
	}
}

// recorder keeps the answer of an in-process API call.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
	wrote  bool
}

// Header returns the answer's headers.
func (rc *recorder) Header() http.Header { return rc.header }

// WriteHeader records the status of the answer (the first one).
func (rc *recorder) WriteHeader(status int) {
	if !rc.wrote {
		rc.status, rc.wrote = status, true
	}
}

// Write appends to the answer's body.
func (rc *recorder) Write(b []byte) (int, error) {
	rc.wrote = true
	return rc.body.Write(b)
}
