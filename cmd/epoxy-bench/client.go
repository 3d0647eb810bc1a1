package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// httpClient is shared by every SDK client: direct connections only (no
// proxy from the environment), with enough idle connections kept for 16
// concurrent clients so that no request pays for a new TCP connection.
var httpClient = &http.Client{Transport: bufferedBody{&http.Transport{
	Proxy:               nil,
	DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
	MaxIdleConns:        256,
	MaxIdleConnsPerHost: 256,
	IdleConnTimeout:     90 * time.Second,
}}}

// bufferedBody hands the transport an in-memory copy of each request body.
// smithy-go closes the SDK's request body as soon as Do returns, which can
// race with net/http's write loop: the loop then closes the connection and
// reading the response fails with "use of closed network connection"
// (aws/aws-sdk-go-v2#2737; the SDK's default retryer retries it, and the
// load clients do not retry). On this machine about 2% of requests with
// responses over 2 KiB failed that way without the copy, none with it.
type bufferedBody struct{ next http.RoundTripper }

// CloseIdleConnections closes the transport's idle connections.
func (b bufferedBody) CloseIdleConnections() {
	if c, ok := b.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

func (b bufferedBody) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return b.next.RoundTrip(r)
	}
	body, err := io.ReadAll(r.Body)
	_ = r.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("read request body: %w", err)
	}
	r = r.Clone(r.Context())
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	return b.next.RoundTrip(r)
}

func newClient(url string, retryer aws.Retryer) *glue.Client {
	return glue.New(glue.Options{
		BaseEndpoint: aws.String(url),
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDBENCH", "bench-secret", ""),
		HTTPClient:   httpClient,
		Retryer:      retryer,
	})
}

// newLoadClient returns a client for measured requests: a failed request
// counts as an error, it is never retried behind the measurement's back.
func newLoadClient(url string) *glue.Client { return newClient(url, aws.NopRetryer{}) }

// newSetupClient returns a client with the SDK's standard retries, for
// fixtures and polling.
func newSetupClient(url string) *glue.Client { return newClient(url, retry.NewStandard()) }

// runState is what polling learns of a workflow run.
type runState struct {
	status    types.WorkflowRunStatus
	started   time.Time
	completed time.Time
	stats     *types.WorkflowRunStatistics
}

// waitRun polls a workflow run every interval until it is no longer
// RUNNING or STOPPING, for at most limit.
func waitRun(ctx context.Context, c *glue.Client, workflow, runID string, interval, limit time.Duration) (*runState, error) {
	deadline := time.Now().Add(limit)
	for {
		out, err := c.GetWorkflowRun(ctx, &glue.GetWorkflowRunInput{Name: aws.String(workflow), RunId: aws.String(runID)})
		if err != nil {
			return nil, err
		}
		r := out.Run
		if r.Status != types.WorkflowRunStatusRunning && r.Status != types.WorkflowRunStatusStopping {
			return &runState{status: r.Status, started: aws.ToTime(r.StartedOn), completed: aws.ToTime(r.CompletedOn), stats: r.Statistics}, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("workflow run %s of %s still %s after %s", runID, workflow, r.Status, limit)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(interval):
		}
	}
}

// shortError names an API error by its HTTP status and code when it has
// them, else returns its text.
func shortError(err error) string {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		var api smithy.APIError
		if errors.As(err, &api) && api.ErrorCode() != "" {
			return fmt.Sprintf("HTTP %d %s", re.HTTPStatusCode(), api.ErrorCode())
		}
		return fmt.Sprintf("HTTP %d", re.HTTPStatusCode())
	}
	return err.Error()
}
