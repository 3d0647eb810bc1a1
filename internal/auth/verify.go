package auth

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// MaxSkew is how far a request's X-Amz-Date may be from the server's
// clock, either way, as AWS allows.
const MaxSkew = 15 * time.Minute

// Clock tells the time.
type Clock interface{ Now() time.Time }

// Verifier checks the SigV4 signature of requests against known keys.
type Verifier struct {
	keys    Keys
	clock   Clock
	maxBody int64
	signer  *v4.Signer
	// s3Signer signs as S3 does: the path is escaped once, not twice.
	s3Signer *v4.Signer
}

// NewVerifier returns a Verifier accepting keys, reading at most maxBody
// bytes of a request body to check its payload hash.
func NewVerifier(keys Keys, clock Clock, maxBody int64) *Verifier {
	return &Verifier{keys: keys, clock: clock, maxBody: maxBody, signer: v4.NewSigner(),
		s3Signer: v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })}
}

// Rejection is why a request was refused, in AWS's terms.
type Rejection struct {
	Code    string
	Message string
	// skewed marks a request whose time is too far from the server's
	// (S3 answers RequestTimeTooSkewed).
	skewed bool
}

func (r *Rejection) Error() string { return r.Code + ": " + r.Message }

// The codes AWS's JSON services answer to requests that fail
// authentication.
const (
	MissingToken        = "MissingAuthenticationTokenException"
	IncompleteSignature = "IncompleteSignatureException"
	UnrecognizedClient  = "UnrecognizedClientException"
	InvalidSignature    = "InvalidSignatureException"
)

func reject(code, format string, args ...any) *Rejection {
	return &Rejection{Code: code, Message: fmt.Sprintf(format, args...)}
}

// missingToken is what AWS says of a request without a signature.
const missingToken = "Missing Authentication Token"

// signature is the parsed Authorization header.
type signature struct {
	accessKey, date, region, service string
	signedHeaders                    []string
	sig                              string
}

var authRE = regexp.MustCompile(`^AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$`)

// regionRE accepts region names such as us-east-1 or us-gov-west-1.
var regionRE = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d+$`)

func parseAuthorization(h string) (*signature, error) {
	m := authRE.FindStringSubmatch(strings.TrimSpace(h))
	if m == nil {
		return nil, reject(IncompleteSignature, "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters of an AWS4-HMAC-SHA256 signature. Authorization=%s", h)
	}
	scope := strings.Split(m[1], "/")
	if len(scope) != 5 || scope[4] != "aws4_request" {
		return nil, reject(IncompleteSignature, "Credential must have exactly 5 slash-delimited elements ending in aws4_request, got %q", m[1])
	}
	return &signature{accessKey: scope[0], date: scope[1], region: scope[2], service: scope[3],
		signedHeaders: strings.Split(m[2], ";"), sig: m[3]}, nil
}

// Verify checks r's signature for service and returns the key that signed
// it. It reads the body to check the payload hash and puts it back.
//
// The signature is recomputed with aws-sdk-go-v2's v4 signer over a copy of
// the request that holds only the headers the client signed; everything
// else here (parsing the Authorization header, checking the scope, the
// clock skew and the payload hash, comparing) is hand-written.
func (v *Verifier) Verify(r *http.Request, service string) (Key, error) {
	sig, key, at, err := v.headerSignature(r)
	if err != nil {
		return key, err
	}
	if err := checkScope(sig, service); err != nil {
		return key, err
	}
	body, err := v.readBody(r)
	if err != nil {
		return key, err
	}
	hash, err := payloadHash(r, body)
	if err != nil {
		return key, reject(InvalidSignature, "The provided 'x-amz-content-sha256' header does not match what was computed.")
	}
	if err := checkSignature(v.signer, r, sig, key, hash, at); err != nil {
		return key, err
	}
	return key, nil
}

// headerSignature parses the signature in r's Authorization header and
// returns it with the key it names and the request's time, checked
// against the clock.
func (v *Verifier) headerSignature(r *http.Request) (*signature, Key, time.Time, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return nil, Key{}, time.Time{}, reject(MissingToken, missingToken)
	}
	sig, err := parseAuthorization(h)
	if err != nil {
		return nil, Key{}, time.Time{}, err
	}
	key, err := v.keyOf(sig.accessKey)
	if err != nil {
		return nil, key, time.Time{}, err
	}
	at, err := v.checkTime(r, sig)
	return sig, key, at, err
}

// keyOf returns the key whose access key id is id.
func (v *Verifier) keyOf(id string) (Key, error) {
	key, ok := v.keys[id]
	if !ok {
		return Key{}, reject(UnrecognizedClient, "The security token included in the request is invalid.")
	}
	return key, nil
}

func (v *Verifier) checkTime(r *http.Request, sig *signature) (time.Time, error) {
	date := r.Header.Get("X-Amz-Date")
	if date == "" {
		return time.Time{}, reject(IncompleteSignature, "Authorization header requires existence of a 'X-Amz-Date' header.")
	}
	at, err := time.Parse("20060102T150405Z", date)
	if err != nil {
		return time.Time{}, reject(IncompleteSignature, "X-Amz-Date %q is not in the format YYYYMMDD'T'HHMMSS'Z'", date)
	}
	now := v.clock.Now().UTC()
	const format = "20060102T150405Z"
	if at.Before(now.Add(-MaxSkew)) {
		return at, skewed(reject(InvalidSignature, "Signature expired: %s is now earlier than %s (%s - 15 min.)",
			date, now.Add(-MaxSkew).Format(format), now.Format(format)))
	}
	if at.After(now.Add(MaxSkew)) {
		return at, skewed(reject(InvalidSignature, "Signature not yet current: %s is still later than %s (%s + 15 min.)",
			date, now.Add(MaxSkew).Format(format), now.Format(format)))
	}
	if sig.date != at.Format("20060102") {
		return at, reject(InvalidSignature, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.",
			sig.date, at.Format("20060102"), date)
	}
	return at, nil
}

func skewed(r *Rejection) *Rejection {
	r.skewed = true
	return r
}

func checkScope(sig *signature, service string) error {
	if sig.service != service {
		return reject(InvalidSignature, "Credential should be scoped to correct service: '%s'. ", service)
	}
	if !regionRE.MatchString(sig.region) {
		return reject(InvalidSignature, "Credential should be scoped to a valid region, not '%s'. ", sig.region)
	}
	return nil
}

// readBody reads the whole body (up to the limit) and puts it back for the
// handler.
func (v *Verifier) readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, v.maxBody+1))
	r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return nil, reject(IncompleteSignature, "cannot read the request body: %v", err)
	}
	if int64(len(body)) > v.maxBody {
		return nil, reject(InvalidSignature, "the request body exceeds %d bytes", v.maxBody)
	}
	return body, nil
}

// errBadPayloadHash is a declared payload hash that the body does not have.
var errBadPayloadHash = errors.New("payload hash")

// payloadHash returns the hash the client signed: the declared
// X-Amz-Content-Sha256, checked against the body unless it is
// UNSIGNED-PAYLOAD, or else the body's own hash.
func payloadHash(r *http.Request, body []byte) (string, error) {
	sum := sha256.Sum256(body)
	actual := hex.EncodeToString(sum[:])
	declared := r.Header.Get("X-Amz-Content-Sha256")
	switch {
	case declared == "":
		return actual, nil
	case declared == "UNSIGNED-PAYLOAD":
		return declared, nil
	case declared != actual:
		return "", errBadPayloadHash
	}
	return declared, nil
}

// checkSignature recomputes the signature of r, whose payload hash is
// hash, with signer and compares it with the one sig carries.
func checkSignature(signer *v4.Signer, r *http.Request, sig *signature, key Key, hash string, at time.Time) error {
	c := signedCopy(r, sig.signedHeaders)
	creds := aws.Credentials{AccessKeyID: key.AccessKey, SecretAccessKey: key.Secret}
	if err := signer.SignHTTP(context.Background(), creds, c, hash, sig.service, sig.region, at); err != nil {
		return reject(InvalidSignature, "cannot compute the signature: %v", err)
	}
	want, err := parseAuthorization(c.Header.Get("Authorization"))
	if err != nil || !slices.Equal(want.signedHeaders, sig.signedHeaders) ||
		!hmac.Equal([]byte(want.sig), []byte(sig.sig)) {
		return reject(InvalidSignature, signatureMismatch)
	}
	return nil
}

// signatureMismatch is what AWS says of a wrong signature.
const signatureMismatch = "The request signature we calculated does not match the signature you provided. " +
	"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."

// signedCopy returns a body-less copy of r holding only the signed headers:
// the v4 signer signs every header it is given (host and, when the length
// is set, content-length, always).
func signedCopy(r *http.Request, signed []string) *http.Request {
	c := &http.Request{Method: r.Method, URL: cloneURL(r), Host: r.Host, Header: http.Header{}}
	for _, name := range signed {
		switch name {
		case "host":
		case "content-length":
			c.ContentLength = r.ContentLength
		default:
			if vals, ok := r.Header[http.CanonicalHeaderKey(name)]; ok {
				c.Header[http.CanonicalHeaderKey(name)] = vals
			}
		}
	}
	return c
}

func cloneURL(r *http.Request) *url.URL {
	u := *r.URL
	return &u
}

// principalKey keys the caller's name in a request's context.
type principalKey struct{}

// WithPrincipal returns ctx naming the key that signed the request.
func WithPrincipal(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, principalKey{}, name)
}

// Principal returns the name of the key that signed the request, or "".
func Principal(ctx context.Context) string {
	s, _ := ctx.Value(principalKey{}).(string)
	return s
}
