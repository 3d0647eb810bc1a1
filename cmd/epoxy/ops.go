package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/epoxy-run/epoxy/internal/api"
	"github.com/epoxy-run/epoxy/internal/auth"
	"github.com/epoxy-run/epoxy/internal/executor"
	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/logsapi"
	"github.com/epoxy-run/epoxy/internal/logship"
	"github.com/epoxy-run/epoxy/internal/metrics"
	"github.com/epoxy-run/epoxy/internal/store"
	"github.com/epoxy-run/epoxy/internal/webui"
)

// Values of --auth.
const (
	authNone  = "none"
	authSigV4 = "sigv4"
)

// buildRevision is the VCS revision the binary was built from, or "".
func buildRevision() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" {
			return s.Value
		}
	}
	return ""
}

// loadAuth reads the accepted keys when --auth sigv4 is on, adds the
// service key that jobs and blueprint generators get (derived from the data
// directory's secret), and records that key in cfg for jobEnv. It returns
// nil keys when authentication is off.
func loadAuth(cfg *serveConfig, secret []byte) (auth.Keys, error) {
	if cfg.Auth != authSigV4 {
		return nil, nil
	}
	keys, err := auth.LoadCredentials(cfg.CredentialsFile)
	if err != nil {
		return nil, err
	}
	svc := auth.ServiceKey(secret)
	if _, clash := keys[svc.AccessKey]; clash {
		return nil, fmt.Errorf("credentials %s: access key %s is Epoxy's own service key", cfg.CredentialsFile, svc.AccessKey)
	}
	keys[svc.AccessKey] = svc
	cfg.serviceKey = svc
	return keys, nil
}

// authGuard returns the front door's guard for keys, nil when
// authentication is off.
func authGuard(keys auth.Keys, clock auth.Clock, log *slog.Logger) func(http.Handler, func(*http.Request) string) http.Handler {
	if keys == nil {
		return nil
	}
	v := auth.NewVerifier(keys, clock, api.MaxBodyBytes)
	return func(next http.Handler, serviceOf func(*http.Request) string) http.Handler {
		named := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			api.SetPrincipal(r.Context(), auth.Principal(r.Context()))
			next.ServeHTTP(w, r)
		})
		return auth.NewMiddleware(named, v, serviceOf, log.With("component", "auth"))
	}
}

// storeReady reports whether the store answers a query on its tables
// (which exist once migrations are applied, before Epoxy serves).
func storeReady(st store.Store) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		return st.View(ctx, func(tx store.Tx) error {
			_, err := tx.Workflows().Names(ctx, glue.ListOptions{Limit: 1})
			return err
		})
	}
}

// metricsServer returns the server of --metrics-addr: /metrics only.
func metricsServer(m *metrics.Metrics) *http.Server {
	mux := http.NewServeMux()
	mux.Handle("/metrics", m.Handler())
	return newHTTPServer(mux)
}

// serveMetrics serves /metrics on addr until the returned stop is called.
func serveMetrics(addr string, m *metrics.Metrics, log *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on --metrics-addr %s: %w", addr, err)
	}
	srv := metricsServer(m)
	go func() { _ = srv.Serve(ln) }()
	log.Info("serving metrics", "endpoint", endpointURL(ln.Addr())+"/metrics")
	return func() { _ = srv.Close() }, nil
}

// jobLines reads job output for the Logs API.
func jobLines(output *logship.Reader) logsapi.Lines {
	return func(id, stream string, fn func(at time.Time, text string) bool) error {
		return output.Lines(context.Background(), id, stream, func(l executor.LogLine) bool { return fn(l.Time, l.Text) })
	}
}

// uiSecrets are the keys a browser may log in to the UI with when the
// server requires SigV4: those of --credentials, not Epoxy's service key;
// nil (no login) without --auth.
func uiSecrets(keys auth.Keys) webui.Secrets {
	if keys == nil {
		return nil
	}
	return func(id string) (string, bool) {
		k, ok := keys[id]
		if !ok || k.Name == auth.ServiceKeyName {
			return "", false
		}
		return k.Secret, true
	}
}
