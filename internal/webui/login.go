package webui

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"io"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/epoxy-run/epoxy/internal/glue"
)

// Secrets looks up the secret of an access key: the keys the server
// accepts (its --credentials file). ok is false for an unknown key.
type Secrets func(accessKey string) (secret string, ok bool)

// login is the UI's authentication when the server requires SigV4: a
// browser cannot sign requests, so it gives an access key id and its secret
// by HTTP Basic authentication, and the UI signs its in-process calls to the
// API with that key. The API then authenticates them as it does any client,
// and logs the key's name as their principal.
type login struct {
	secrets Secrets
	clock   Clock
	signer  *v4.Signer
}

// userKey carries the authenticated browser's key in a request's context.
type userKey struct{}

// authenticate checks r's Basic credentials; on failure it answers 401 with
// a challenge and returns nil.
func (l *login) authenticate(w http.ResponseWriter, r *http.Request) *http.Request {
	id, secret, ok := r.BasicAuth()
	if ok {
		if want, known := l.secrets(id); known && subtle.ConstantTimeCompare([]byte(secret), []byte(want)) == 1 {
			return r.WithContext(context.WithValue(r.Context(), userKey{}, aws.Credentials{AccessKeyID: id, SecretAccessKey: want}))
		}
	}
	w.Header().Set("WWW-Authenticate", `Basic realm="epoxy", charset="UTF-8"`)
	writeError(w, http.StatusUnauthorized, glue.Errorf(glue.AccessDenied,
		"the web UI needs an access key of the server's --credentials: user name the access key id, password its secret"))
	return nil
}

// sign signs an in-process API call with the browser's key, if there is
// one in ctx.
func (l *login) sign(ctx context.Context, req *http.Request) error {
	creds, ok := ctx.Value(userKey{}).(aws.Credentials)
	if !ok {
		return nil
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return err
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	sum := sha256.Sum256(body)
	return l.signer.SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "glue", "us-east-1", l.clock.Now().In(time.UTC))
}
