package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/api"
)

// tags is a TagService that records the ARNs it is asked about and fails
// with err when err is set.
type tags struct {
	mu   sync.Mutex
	arns []string
	err  error
}

func (f *tags) TagResource(context.Context, string, map[string]string) error { return f.err }
func (f *tags) UntagResource(context.Context, string, []string) error        { return f.err }
func (f *tags) GetTags(_ context.Context, arn string) (map[string]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.arns = append(f.arns, arn)
	return map[string]string{}, f.err
}

// call posts body as AWSGlue.<op> to a Server serving svc, logging to log.
func call(t *testing.T, svc api.TagService, log *bytes.Buffer, op, body string) *httptest.ResponseRecorder {
	t.Helper()
	s, err := api.New(api.Config{Logger: slog.New(slog.NewJSONHandler(log, nil)), TokenKey: []byte("k"), Tags: svc})
	require.NoError(t, err)
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	r.Header.Set("X-Amz-Target", "AWSGlue."+op)
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	return w
}

// Ensure an internal fault answers InternalServiceException naming only the
// request id, and the log carries the operation, the request id and the
// error.
func TestServer_InternalErrorHidesDetails(t *testing.T) {
	t.Parallel()
	var log bytes.Buffer
	w := call(t, &tags{err: errors.New("open /secret/path: disk on fire")}, &log, "GetTags", `{"ResourceArn":"arn:aws:glue:us-east-1:1:job/j"}`)
	require.Equal(t, http.StatusInternalServerError, w.Code)
	id := w.Header().Get("x-amzn-RequestId")
	require.NotEmpty(t, id)
	var body struct{ Message, Type string }
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &body))
	require.Equal(t, "internal error, request id "+id, body.Message)
	require.Equal(t, "InternalServiceException", w.Header().Get("X-Amzn-ErrorType"))

	var entry map[string]any
	require.NoError(t, json.Unmarshal(log.Bytes(), &entry), log.String())
	require.Equal(t, "GetTags", entry["operation"])
	require.Equal(t, id, entry["request_id"])
	require.Equal(t, "open /secret/path: disk on fire", entry["err"])
}

// Ensure a member the model does not know never stands in for one it does,
// even though encoding/json matches field names without regard to case.
func TestServer_UnknownMemberIgnored(t *testing.T) {
	t.Parallel()
	svc := &tags{}
	var log bytes.Buffer
	w := call(t, svc, &log, "GetTags", `{"ResourceArn":"arn:aws:glue:us-east-1:1:job/j","resourcearn":"arn:aws:glue:us-east-1:1:job/other"}`)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	w = call(t, svc, &log, "GetTags", `{"resourcearn":"arn:aws:glue:us-east-1:1:job/other","ResourceArn":"arn:aws:glue:us-east-1:1:job/k"}`)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	require.Equal(t, []string{"arn:aws:glue:us-east-1:1:job/j", "arn:aws:glue:us-east-1:1:job/k"}, svc.arns)
}
