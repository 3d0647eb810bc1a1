// Package webui serves Epoxy's web UI: the embedded static assets under
// /ui/, a small read-only JSON API under /ui/api/ (cached reads of the Glue
// API with ETags, for short polling, and job run logs), and the redirect of
// browsers from / to /ui/. Every other request goes to the Glue API
// handler. docs/ui.md describes the UI and its endpoints.
package webui

import (
	"errors"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"io/fs"
	"net/http"
	"strings"

	"github.com/epoxy-run/epoxy/internal/glue"
)

// Prefix is where the UI is served.
const Prefix = "/ui/"

// Config configures the UI handler.
type Config struct {
	// API is the Glue API handler: requests that are not the UI's go there,
	// and the UI's cached reads call it in-process.
	API http.Handler
	// Assets are the UI's static files, index.html at the root.
	Assets fs.FS
	// Logs reads job runs' output.
	Logs LogReader
	// Clock is the time schedules' next fire times count from.
	Clock Clock
	// Secrets, when set, makes the UI require a login: the server checks
	// SigV4 signatures, so every UI request must carry HTTP Basic
	// credentials (an access key id and its secret) that Secrets accepts,
	// and the UI's calls to the API are signed with that key.
	Secrets Secrets
}

// handler routes between the UI and the API.
type handler struct {
	login  *login // nil: no login
	api    http.Handler
	static *staticFiles
	logs   *logs
	sched  *schedules
}

// New returns the handler serving the UI in front of cfg.API.
func New(cfg Config) (http.Handler, error) {
	st, err := newStaticFiles(cfg.Assets)
	if err != nil {
		return nil, err
	}
	if cfg.API == nil || cfg.Clock == nil {
		return nil, errors.New("webui: API and Clock are required")
	}
	h := &handler{api: cfg.API, static: st, logs: &logs{reader: cfg.Logs}, sched: &schedules{clock: cfg.Clock}}
	if cfg.Secrets != nil {
		h.login = &login{secrets: cfg.Secrets, clock: cfg.Clock, signer: v4.NewSigner()}
	}
	return h, nil
}

// ServeHTTP serves the UI's paths and passes every other request to the
// API.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if h.login != nil && (p == "/ui" || strings.HasPrefix(p, Prefix)) {
		if r = h.login.authenticate(w, r); r == nil {
			return
		}
	}
	switch {
	case p == "/" && wantsPage(r):
		http.Redirect(w, r, Prefix, http.StatusFound)
	case p == "/ui":
		http.Redirect(w, r, Prefix, http.StatusMovedPermanently)
	case strings.HasPrefix(p, Prefix+"api/glue/") && r.Method == http.MethodPost:
		h.serveAction(w, r, strings.TrimPrefix(p, Prefix+"api/glue/"))
	case strings.HasPrefix(p, Prefix) && r.Method != http.MethodGet && r.Method != http.MethodHead:
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, http.StatusMethodNotAllowed, glue.Errorf(glue.InvalidInput,
			"%s %s: the UI's paths are read-only (GET); actions go through the Glue API (POST /)", r.Method, p))
	case strings.HasPrefix(p, Prefix+"api/"):
		h.serveAPI(w, r, strings.TrimPrefix(p, Prefix+"api/"))
	case strings.HasPrefix(p, Prefix):
		h.static.serve(w, r, strings.TrimPrefix(p, Prefix))
	default:
		h.api.ServeHTTP(w, r)
	}
}

// wantsPage reports whether r is a browser navigating to a page: a GET or
// HEAD accepting HTML. SDKs and curl never ask for HTML.
func wantsPage(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	return strings.Contains(r.Header.Get("Accept"), "text/html")
}

// serveAPI serves /ui/api/<rest>.
func (h *handler) serveAPI(w http.ResponseWriter, r *http.Request, rest string) {
	setCommonHeaders(w)
	kind, arg, _ := strings.Cut(rest, "/")
	switch kind {
	case "glue":
		h.serveRead(w, r, arg)
	case "logs":
		h.logs.serve(w, r, arg)
	case "schedule":
		h.sched.serve(w, r)
	default:
		writeError(w, http.StatusNotFound, glue.Errorf(glue.EntityNotFound, "no UI API endpoint /ui/api/%s (there are /ui/api/glue/<Operation>, /ui/api/logs/<JobRunId>/<stream> and /ui/api/schedule)", rest))
	}
}

// setCommonHeaders sets the headers every UI response carries: the UI is
// never framed (no clickjacking of "Start run") and loads nothing from
// elsewhere.
func setCommonHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
	h.Set("Referrer-Policy", "no-referrer")
}
