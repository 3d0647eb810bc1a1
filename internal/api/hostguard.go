package api

import (
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/epoxy-run/epoxy/internal/glue"
)

// AnyHost, given as an allowed name to NewHostGuard, lets requests with any
// Host header through.
const AnyHost = "*"

// HostGuard keeps web pages from driving the API. A page can reach a
// loopback server through DNS rebinding (its own name made to resolve to
// 127.0.0.1), but its requests then carry that name in Host; and a page on
// another site announces itself in Origin. HostGuard answers both with 403
// AccessDeniedException.
//
// A Host is allowed if it is an IP address (rebinding needs a name),
// "localhost" or a name under ".localhost" (browsers resolve those to
// loopback themselves), or one of the allowed names. An Origin header, when
// present, is allowed if it names the request's own Host (same origin) or
// its host is a loopback address, a localhost name or an allowed name.
type HostGuard struct {
	next    http.Handler
	names   map[string]bool
	anyHost bool
}

// NewHostGuard returns next behind a HostGuard that also allows names
// (case-insensitive, without port). AnyHost among names allows every Host;
// Origins are checked all the same.
func NewHostGuard(next http.Handler, names []string) *HostGuard {
	g := &HostGuard{next: next, names: map[string]bool{}}
	for _, n := range names {
		if n == AnyHost {
			g.anyHost = true
			continue
		}
		g.names[normalHost(n)] = true
	}
	return g
}

// ServeHTTP refuses a request whose Host or Origin is not allowed and
// passes the others on.
func (g *HostGuard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !g.anyHost && !g.hostAllowed(hostname(r.Host)) {
		writeDenied(w, "Host "+r.Host+" is not allowed; add it with epoxy serve --allowed-hosts")
		return
	}
	if origin, ok := r.Header["Origin"]; ok && !g.originAllowed(strings.Join(origin, ","), r.Host) {
		writeDenied(w, "requests from web origin "+strings.Join(origin, ",")+" are not allowed")
		return
	}
	g.next.ServeHTTP(w, r)
}

// hostAllowed reports whether a Host header's host part is allowed. An
// empty host (an HTTP/1.0 request without Host) cannot come from a browser.
func (g *HostGuard) hostAllowed(host string) bool {
	return host == "" || net.ParseIP(host) != nil || g.nameAllowed(host)
}

// nameAllowed reports whether host is a localhost name or an allowed name.
func (g *HostGuard) nameAllowed(host string) bool {
	return host == "localhost" || strings.HasSuffix(host, ".localhost") || g.names[host]
}

// originAllowed reports whether an Origin header value is the request's
// own origin or names a trusted host.
func (g *HostGuard) originAllowed(origin, reqHost string) bool {
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return false // includes "null", sent by sandboxed and file: pages
	}
	if strings.EqualFold(u.Host, reqHost) {
		return true
	}
	host := normalHost(u.Hostname())
	ip := net.ParseIP(host)
	return (ip != nil && ip.IsLoopback()) || (ip == nil && g.nameAllowed(host))
}

// hostname returns the host part of a Host header, normalised.
func hostname(hostport string) string {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	return normalHost(host)
}

// normalHost lower-cases a host name and drops IPv6 brackets and a final
// dot.
func normalHost(h string) string {
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	return strings.TrimSuffix(strings.ToLower(h), ".")
}

// writeDenied answers 403 with Glue's error shape.
func writeDenied(w http.ResponseWriter, msg string) {
	b, _ := json.Marshal(struct {
		Type    string `json:"__type"`
		Message string `json:"Message"`
	}{string(glue.AccessDenied), msg})
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-ErrorType", string(glue.AccessDenied))
	w.WriteHeader(http.StatusForbidden)
	_, _ = w.Write(b)
}
