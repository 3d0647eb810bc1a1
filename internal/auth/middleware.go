package auth

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
)

// Middleware refuses requests that the Verifier does not accept, in AWS's
// JSON error shape (HTTP 400 with __type and message, as AWS's JSON
// services answer), and passes the others on with the caller's name in the
// context (Principal).
type Middleware struct {
	next      http.Handler
	verifier  *Verifier
	serviceOf func(*http.Request) string
	log       *slog.Logger
}

// NewMiddleware returns next behind v. serviceOf names the signing service
// a request addresses (the service in its credential scope must be that
// one).
func NewMiddleware(next http.Handler, v *Verifier, serviceOf func(*http.Request) string, log *slog.Logger) *Middleware {
	return &Middleware{next: next, verifier: v, serviceOf: serviceOf, log: log}
}

// ServeHTTP verifies the request and serves it, or answers the rejection.
// Requests to S3 ("s3") are verified and answered as S3 does (VerifyS3,
// WriteS3Rejection).
func (m *Middleware) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	service := m.serviceOf(r)
	verify, write := func(r *http.Request) (Key, error) { return m.verifier.Verify(r, service) }, writeRejection
	if service == "s3" {
		verify, write = m.verifier.VerifyS3, WriteS3Rejection
	}
	key, err := verify(r)
	if err == nil {
		m.next.ServeHTTP(w, r.WithContext(WithPrincipal(r.Context(), key.Name)))
		return
	}
	var rej *Rejection
	if !errors.As(err, &rej) {
		rej = reject(InvalidSignature, "%v", err)
	}
	m.log.Info("request rejected: authentication failed", "code", rej.Code, "reason", rej.Message,
		"key", key.Name, "remote", r.RemoteAddr, "service", service, "target", r.Header.Get("X-Amz-Target"))
	write(w, r, rej)
}

func writeRejection(w http.ResponseWriter, _ *http.Request, rej *Rejection) { WriteRejection(w, rej) }

// WriteRejection answers a rejection as AWS's JSON services do.
func WriteRejection(w http.ResponseWriter, rej *Rejection) {
	b, _ := json.Marshal(struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}{rej.Code, rej.Message})
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-ErrorType", rej.Code)
	w.WriteHeader(http.StatusBadRequest)
	_, _ = w.Write(b)
}
