package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/api"
)

// guarded sends a request with host and, if not empty, origin through a
// HostGuard allowing names, and returns the response.
func guarded(names []string, host, origin string) *httptest.ResponseRecorder {
	g := api.NewHostGuard(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	}), names)
	r := httptest.NewRequest(http.MethodPost, "/", nil)
	r.Host = host
	if origin != "" {
		r.Header.Set("Origin", origin)
	}
	w := httptest.NewRecorder()
	g.ServeHTTP(w, r)
	return w
}

// Ensure the Host guard lets loopback, IP and allowed names through and
// refuses other names (DNS rebinding) with 403 AccessDeniedException.
func TestHostGuard_Host(t *testing.T) {
	t.Parallel()
	names := []string{"epoxy.internal", "Build-Box."}
	for _, host := range []string{"localhost", "localhost:4747", "LOCALHOST:1", "app.localhost:80", "127.0.0.1:4747",
		"127.3.4.5", "[::1]:4747", "[::1]", "::1", "10.1.2.3:4747", "[fe80::1]:80", "epoxy.internal:4747",
		"EPOXY.INTERNAL", "build-box", "build-box.:1", ""} {
		require.Equal(t, http.StatusTeapot, guarded(names, host, "").Code, "host %q", host)
	}
	for _, host := range []string{"evil.example", "evil.example:4747", "localhost.evil.example", "127.0.0.1.nip.io:4747",
		"epoxy.internal.evil.example", "internal"} {
		w := guarded(names, host, "")
		require.Equal(t, http.StatusForbidden, w.Code, "host %q", host)
		require.Equal(t, "application/x-amz-json-1.1", w.Header().Get("Content-Type"))
		var body struct {
			Type    string `json:"__type"`
			Message string
		}
		require.NoError(t, json.Unmarshal(w.Body.Bytes(), &body))
		require.Equal(t, "AccessDeniedException", body.Type)
		require.Contains(t, body.Message, host)
	}
	require.Equal(t, http.StatusTeapot, guarded([]string{api.AnyHost}, "evil.example:4747", "").Code)
}

// Ensure a browser Origin is accepted only when it is the request's own
// origin or a trusted host, whatever the allowed Hosts.
func TestHostGuard_Origin(t *testing.T) {
	t.Parallel()
	names := []string{"epoxy.internal"}
	for _, c := range []struct{ host, origin string }{
		{"localhost:4747", "http://localhost:4747"},
		{"127.0.0.1:4747", "http://127.0.0.1:4747"},
		{"127.0.0.1:4747", "http://localhost:3000"},
		{"127.0.0.1:4747", "https://[::1]:3000"},
		{"10.0.0.5:4747", "http://10.0.0.5:4747"},
		{"localhost:4747", "https://epoxy.internal"},
	} {
		require.Equal(t, http.StatusTeapot, guarded(names, c.host, c.origin).Code, "%+v", c)
	}
	for _, c := range []struct{ host, origin string }{
		{"localhost:4747", "http://evil.example"},
		{"localhost:4747", "null"},
		{"localhost:4747", "file://"},
		{"localhost:4747", "http://203.0.113.9"},
		{"localhost:4747", "http://localhost:4747.evil.example"},
		{"127.0.0.1:4747", "ftp://localhost"},
	} {
		require.Equal(t, http.StatusForbidden, guarded(names, c.host, c.origin).Code, "%+v", c)
	}
	// Allowing any Host does not let foreign pages in.
	require.Equal(t, http.StatusForbidden, guarded([]string{api.AnyHost}, "evil.example", "http://attacker.example").Code)
	require.Equal(t, http.StatusTeapot, guarded([]string{api.AnyHost}, "epoxy.lan:4747", "http://epoxy.lan:4747").Code)
}
