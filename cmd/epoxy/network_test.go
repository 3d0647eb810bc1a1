package main

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/stretchr/testify/require"
)

// hostRewriter sends every request with another Host header, as a browser
// does for a page whose name was rebound to Epoxy's address.
type hostRewriter struct{ host string }

func (h hostRewriter) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Host = h.host
	return http.DefaultTransport.RoundTrip(r)
}

// rawList sends ListWorkflows with the given Host and Origin headers and
// returns the status.
func rawList(t *testing.T, b *testBundle, host, origin string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.url, strings.NewReader("{}"))
	require.NoError(t, err)
	req.Host = host
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSGlue.ListWorkflows")
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	require.NoError(t, resp.Body.Close())
	return resp.StatusCode
}

// Ensure the served API refuses a request whose Host is a foreign name
// (DNS rebinding) or that comes from a foreign web page, as the SDK sees
// it: AccessDeniedException.
func TestServe_HostGuard(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, port, err := net.SplitHostPort(b.srv.Listener.Addr().String())
	require.NoError(t, err)
	rebound := glue.New(glue.Options{BaseEndpoint: aws.String(b.url), Region: "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
		HTTPClient:  &http.Client{Transport: hostRewriter{"evil.example:" + port}}})
	_, err = rebound.ListWorkflows(context.Background(), &glue.ListWorkflowsInput{})
	requireCode(t, err, "AccessDeniedException", "evil.example")

	require.Equal(t, http.StatusOK, rawList(t, b, "localhost:"+port, ""))
	require.Equal(t, http.StatusOK, rawList(t, b, "127.0.0.1:"+port, "http://localhost:"+port))
	require.Equal(t, http.StatusForbidden, rawList(t, b, "evil.example:"+port, ""))
	require.Equal(t, http.StatusForbidden, rawList(t, b, "localhost:"+port, "http://evil.example"))
}

// Ensure the network flags: a non-loopback --addr needs --insecure-no-auth,
// and the connection limit and allowed hosts are parsed.
func TestServeConfig_Network(t *testing.T) {
	t.Parallel()
	parse := func(args ...string) (*serveConfig, error) {
		return parseServeFlags(append(args, "--data", t.TempDir()), io.Discard)
	}
	for _, addr := range []string{"0.0.0.0:4747", ":4747", "[::]:4747", "192.168.1.5:4747", "myhost:4747"} {
		_, err := parse("--addr", addr)
		require.ErrorContains(t, err, "--insecure-no-auth", addr)
		require.ErrorContains(t, err, "EPOXY_INSECURE_NO_AUTH", addr)
		_, err = parse("--addr", addr, "--insecure-no-auth")
		require.NoError(t, err, addr)
	}
	for _, addr := range []string{"127.0.0.1:4747", "127.0.0.2:0", "localhost:4747", "[::1]:4747"} {
		_, err := parse("--addr", addr)
		require.NoError(t, err, addr)
	}
	_, err := parse("--addr", "127.0.0.1")
	require.ErrorContains(t, err, "host:port")
	for _, n := range []string{"0", "-1", "many"} {
		_, err := parse("--max-connections", n)
		require.ErrorContains(t, err, "--max-connections", n)
	}
	c, err := parse("--max-connections", "7", "--allowed-hosts", " epoxy.internal, ,build-box ")
	require.NoError(t, err)
	require.Equal(t, 7, c.MaxConnections)
	require.Equal(t, []string{"epoxy.internal", "build-box"}, c.AllowedHosts)
	require.Equal(t, []string{"epoxy.internal", "build-box"}, allowedHosts(c))

	c, err = parse("--addr", "0.0.0.0:4747", "--insecure-no-auth")
	require.NoError(t, err)
	name, err := os.Hostname()
	require.NoError(t, err)
	require.Equal(t, []string{name}, allowedHosts(c), "the machine's name when listening on every interface")
	c, err = parse("--addr", "localhost:4747")
	require.NoError(t, err)
	require.Equal(t, []string{"localhost"}, allowedHosts(c))
}

// Ensure the real binary refuses to listen on every interface without
// --insecure-no-auth, saying how, and with it starts with a warning.
func TestServe_NonLoopbackBind(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	t.Parallel()
	bin := durBinary(t)
	data := filepath.Join(t.TempDir(), "data")
	out, err := exec.Command(bin, "serve", "--addr", "0.0.0.0:0", "--data", data).CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "output: %s", out)
	require.NotZero(t, exit.ExitCode())
	require.Contains(t, string(out), "refusing to listen on 0.0.0.0:0")
	require.Contains(t, string(out), "--insecure-no-auth")
	require.NoDirExists(t, data, "nothing is created before refusing")

	cmd := exec.Command(bin, "serve", "--addr", "0.0.0.0:0", "--data", data, "--insecure-no-auth")
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	logs := bufio.NewScanner(stderr)
	var warned bool
	for logs.Scan() && !strings.Contains(logs.Text(), "epoxy listening") {
		warned = warned || strings.Contains(logs.Text(), "WITHOUT AUTHENTICATION")
	}
	require.True(t, warned, "a warning before serving")
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	go func() { _, _ = io.Copy(io.Discard, stderr) }()
	require.NoError(t, cmd.Wait())
}

// Ensure the HTTP server has every timeout, and that a response may take
// longer than a request may take to arrive.
func TestNewHTTPServer_Timeouts(t *testing.T) {
	t.Parallel()
	srv := newHTTPServer(http.NotFoundHandler())
	require.Equal(t, readHeaderTimeout, srv.ReadHeaderTimeout)
	require.Equal(t, readTimeout, srv.ReadTimeout)
	require.Equal(t, writeTimeout, srv.WriteTimeout)
	require.Equal(t, idleTimeout, srv.IdleTimeout)
	for _, d := range []time.Duration{srv.ReadHeaderTimeout, srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout} {
		require.Positive(t, d)
	}
	require.Greater(t, srv.WriteTimeout, srv.ReadTimeout)
	require.Greater(t, srv.IdleTimeout, 90*time.Second, "longer than the SDK's idle timeout")
}

// Ensure the connection limit: with --max-connections 2 a third
// connection is accepted only once one of the first two closed.
func TestListen_ConnectionLimit(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	cfg.MaxConnections = 2
	ln, err := listen(cfg, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	defer ln.Close()

	var closed atomic.Int32
	type accepted struct {
		conn         net.Conn
		closedBefore int32 // server-side closes before Accept returned it
	}
	acc := make(chan accepted)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				close(acc)
				return
			}
			acc <- accepted{c, closed.Load()}
		}
	}()
	for range 3 {
		c, err := net.Dial("tcp", ln.Addr().String())
		require.NoError(t, err) // the kernel completes the handshake
		defer c.Close()
	}
	first, second := <-acc, <-acc
	require.Zero(t, first.closedBefore)
	require.Zero(t, second.closedBefore)
	closed.Add(1)
	require.NoError(t, first.conn.Close())
	third := <-acc
	require.Equal(t, int32(1), third.closedBefore, "the third connection waited for a close")
	require.NoError(t, second.conn.Close())
	require.NoError(t, third.conn.Close())
}

// Ensure the connection limit leaves half the open-file limit to the rest
// of Epoxy.
func TestConnectionLimit(t *testing.T) {
	t.Parallel()
	require.Equal(t, 1024, connectionLimit(1024, 0))
	require.Equal(t, 1024, connectionLimit(1024, 1<<20))
	require.Equal(t, 1024, connectionLimit(1024, 2048))
	require.Equal(t, 512, connectionLimit(1024, 1024))
	require.Equal(t, 1, connectionLimit(1024, 1))
	require.Positive(t, openFileLimit())
}
