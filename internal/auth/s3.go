package auth

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"hash"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// S3 signs differently from the JSON services: the payload hash is the
// x-amz-content-sha256 header the client signed (the body is not read
// first: it may be gigabytes), the path is escaped once, a URL may carry
// its signature in its query (a presigned URL), and rejections are XML.

// ErrPayloadHash is the read error of a signed S3 request body whose
// SHA-256 is not the one its x-amz-content-sha256 header declares.
var ErrPayloadHash = errors.New("the request body does not match its x-amz-content-sha256 header")

// The payload hashes that are not a SHA-256 of the body: S3 accepts
// them as signed.
const (
	unsignedPayload = "UNSIGNED-PAYLOAD"
	streamingPrefix = "STREAMING-"
)

var sha256RE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// maxPresignExpiry is the longest a presigned URL may be valid, as in S3.
const maxPresignExpiry = 7 * 24 * time.Hour

// VerifyS3 checks the signature of an S3 request, in its Authorization
// header or (presigned URL) its query, and returns the key that signed it.
// A body with a declared SHA-256 is checked as it is read: a mismatch is
// the read error ErrPayloadHash, so a handler that streams it to a file
// must discard what it read.
func (v *Verifier) VerifyS3(r *http.Request) (Key, error) {
	if r.URL.Query().Has("X-Amz-Algorithm") {
		return v.verifyPresigned(r)
	}
	sig, key, at, err := v.headerSignature(r)
	if err != nil {
		return key, err
	}
	if err := checkScope(sig, "s3"); err != nil {
		return key, err
	}
	declared := r.Header.Get("X-Amz-Content-Sha256")
	if declared != unsignedPayload && !strings.HasPrefix(declared, streamingPrefix) && !sha256RE.MatchString(declared) {
		return key, reject(IncompleteSignature, "Missing required header for this request: x-amz-content-sha256")
	}
	if err := checkSignature(v.s3Signer, r, sig, key, declared, at); err != nil {
		return key, err
	}
	if sha256RE.MatchString(declared) && r.Body != nil {
		r.Body = &hashCheckingBody{ReadCloser: r.Body, h: sha256.New(), want: declared}
	}
	return key, nil
}

// verifyPresigned checks a URL signed in its query.
func (v *Verifier) verifyPresigned(r *http.Request) (Key, error) {
	q := r.URL.Query()
	sig, err := parsePresigned(q)
	if err != nil {
		return Key{}, err
	}
	key, err := v.keyOf(sig.accessKey)
	if err != nil {
		return key, err
	}
	at, err := time.Parse("20060102T150405Z", q.Get("X-Amz-Date"))
	expires, eerr := strconv.Atoi(q.Get("X-Amz-Expires"))
	if err != nil || eerr != nil || expires < 1 || time.Duration(expires)*time.Second > maxPresignExpiry || sig.date != at.Format("20060102") {
		return key, reject(IncompleteSignature, "X-Amz-Date, X-Amz-Expires (1 to 604800 seconds) and the date of X-Amz-Credential must agree")
	}
	now := v.clock.Now()
	if now.After(at.Add(time.Duration(expires) * time.Second)) {
		return key, reject(MissingToken, "Request has expired")
	}
	if at.After(now.Add(MaxSkew)) {
		return key, skewed(reject(InvalidSignature, "Request is not yet valid"))
	}
	if err := checkScope(sig, "s3"); err != nil {
		return key, err
	}
	return key, v.checkPresignedSignature(r, sig, key, at)
}

// parsePresigned reads the signature of a presigned URL.
func parsePresigned(q url.Values) (*signature, error) {
	if q.Get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256" || !sha256RE.MatchString(q.Get("X-Amz-Signature")) || q.Get("X-Amz-SignedHeaders") == "" {
		return nil, reject(IncompleteSignature, "Query-string authentication requires the X-Amz-Algorithm (AWS4-HMAC-SHA256), X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.")
	}
	scope := strings.Split(q.Get("X-Amz-Credential"), "/")
	if len(scope) != 5 || scope[4] != "aws4_request" {
		return nil, reject(IncompleteSignature, "X-Amz-Credential must have exactly 5 slash-delimited elements ending in aws4_request")
	}
	return &signature{accessKey: scope[0], date: scope[1], region: scope[2], service: scope[3],
		signedHeaders: strings.Split(q.Get("X-Amz-SignedHeaders"), ";"), sig: q.Get("X-Amz-Signature")}, nil
}

// checkPresignedSignature presigns a copy of r (its query without the
// signature) and compares the signatures.
func (v *Verifier) checkPresignedSignature(r *http.Request, sig *signature, key Key, at time.Time) error {
	c := signedCopy(r, sig.signedHeaders)
	q := c.URL.Query()
	q.Del("X-Amz-Signature")
	c.URL.RawQuery = q.Encode()
	hash := q.Get("X-Amz-Content-Sha256")
	if hash == "" {
		hash = unsignedPayload
	}
	creds := aws.Credentials{AccessKeyID: key.AccessKey, SecretAccessKey: key.Secret}
	signed, _, err := v.s3Signer.PresignHTTP(context.Background(), creds, c, hash, sig.service, sig.region, at)
	if err != nil {
		return reject(InvalidSignature, "cannot compute the signature: %v", err)
	}
	u, err := url.Parse(signed)
	if err != nil || !hmac.Equal([]byte(u.Query().Get("X-Amz-Signature")), []byte(sig.sig)) {
		return reject(InvalidSignature, signatureMismatch)
	}
	return nil
}

// hashCheckingBody fails the read that reaches the end of a body whose
// SHA-256 is not want.
type hashCheckingBody struct {
	io.ReadCloser
	h    hash.Hash
	want string
}

func (b *hashCheckingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.h.Write(p[:n])
	if errors.Is(err, io.EOF) && hex.EncodeToString(b.h.Sum(nil)) != b.want {
		return n, ErrPayloadHash
	}
	return n, err
}

// s3 returns S3's code, HTTP status and message for a rejection.
func (r *Rejection) s3() (string, int, string) {
	switch {
	case r.skewed:
		return "RequestTimeTooSkewed", http.StatusForbidden, "The difference between the request time and the current time is too large. " + r.Message
	case r.Code == MissingToken && r.Message == missingToken:
		return "AccessDenied", http.StatusForbidden, "Access Denied"
	case r.Code == MissingToken:
		return "AccessDenied", http.StatusForbidden, r.Message
	case r.Code == UnrecognizedClient:
		return "InvalidAccessKeyId", http.StatusForbidden, "The AWS Access Key Id you provided does not exist in our records."
	case r.Code == IncompleteSignature:
		return "AuthorizationHeaderMalformed", http.StatusBadRequest, r.Message
	}
	return "SignatureDoesNotMatch", http.StatusForbidden, r.Message
}

// WriteS3Rejection answers a rejection as S3 does: an XML error document
// (no body for HEAD).
func WriteS3Rejection(w http.ResponseWriter, r *http.Request, rej *Rejection) {
	code, status, message := rej.s3()
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("X-Amzn-ErrorType", code) // for the request log and metrics
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return
	}
	b, _ := xml.Marshal(struct {
		XMLName xml.Name `xml:"Error"`
		Code    string   `xml:"Code"`
		Message string   `xml:"Message"`
	}{Code: code, Message: message})
	_, _ = w.Write(append([]byte(xml.Header), b...))
}
