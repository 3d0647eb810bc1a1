package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"maps"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/require"
)

// testBundle is a running Epoxy on a temporary data directory and an SDK
// client pointed at it.
type testBundle struct {
	client *glue.Client
	url    string
	cfg    *serveConfig
	app    *app
	srv    *httptest.Server
}

func testConfig(t testing.TB) *serveConfig {
	t.Helper()
	return &serveConfig{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Region: "us-east-1", AccountID: "123456789012",
		LogFormat: "text", LogLevel: "error", Python: "python3", MaxLogBytes: 100 << 20, StopGrace: 2 * time.Second,
		Migrate: true, Workers: true}
}

// setup starts Epoxy, wired exactly as `epoxy serve` wires it, behind an
// httptest server, and returns a Glue client for it.
func setup(t *testing.T) *testBundle {
	t.Helper()
	return setupWith(t, testConfig(t))
}

func setupWith(t testing.TB, cfg *serveConfig) *testBundle {
	t.Helper()
	ctx := context.Background()
	srv := httptest.NewUnstartedServer(nil)
	a, err := openApp(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), "http://"+srv.Listener.Addr().String())
	require.NoError(t, err)
	srv.Config.Handler = a.handler
	srv.Start()
	t.Cleanup(func() {
		srv.Close()
		require.NoError(t, a.Close())
	})
	return &testBundle{client: newClient(srv.URL, "us-east-1"), url: srv.URL, cfg: cfg, app: a, srv: srv}
}

// newClient returns a Glue client for url. It keeps the SDK's default
// retries: the SDK occasionally loses a connection while reading a large
// response (aws/aws-sdk-go-v2#2737) and retries that.
func newClient(url, region string) *glue.Client {
	return glue.New(glue.Options{
		BaseEndpoint: aws.String(url),
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
	})
}

// requireCode asserts that err is an API error with the given code and a
// message containing each of the given fragments.
func requireCode(t *testing.T, err error, code string, fragments ...string) {
	t.Helper()
	require.Error(t, err)
	var apiErr smithy.APIError
	require.True(t, errors.As(err, &apiErr), "not an API error: %v", err)
	require.Equal(t, code, apiErr.ErrorCode(), "message: %s", apiErr.ErrorMessage())
	for _, f := range fragments {
		require.Contains(t, apiErr.ErrorMessage(), f)
	}
}

// requireValidation asserts that err is AWS's ValidationException for a
// model constraint, with exactly AWS's message.
func requireValidation(t *testing.T, err error, msg string) {
	t.Helper()
	requireCode(t, err, "ValidationException")
	require.Equal(t, msg, errMessage(t, err))
}

// errMessage returns the message of the API error err.
func errMessage(t *testing.T, err error) string {
	t.Helper()
	var apiErr smithy.APIError
	require.ErrorAs(t, err, &apiErr)
	return apiErr.ErrorMessage()
}

// javaMap renders a string map as AWS's validation messages do:
// {k1=v1, k2=v2}, keys sorted.
func javaMap(m map[string]string) string {
	pairs := make([]string, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		pairs = append(pairs, k+"="+m[k])
	}
	return "{" + strings.Join(pairs, ", ") + "}"
}
