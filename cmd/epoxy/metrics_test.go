package main

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/epoxy-run/epoxy/internal/gluetest"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/require"
)

// scrape reads url's metrics with Prometheus's own text parser.
func scrape(t *testing.T, url string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	require.NoError(t, err)
	return fams
}

// sample returns the value of the family's series with the labels (a
// counter, gauge, or a histogram's count), 0 when there is none.
func sample(fams map[string]*dto.MetricFamily, name string, labels map[string]string) float64 {
	f := fams[name]
	if f == nil {
		return 0
	}
next:
	for _, m := range f.GetMetric() {
		have := map[string]string{}
		for _, l := range m.GetLabel() {
			have[l.GetName()] = l.GetValue()
		}
		for k, v := range labels {
			if have[k] != v {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.GetCounter().GetValue()
		case m.Gauge != nil:
			return m.GetGauge().GetValue()
		case m.Histogram != nil:
			return float64(m.GetHistogram().GetSampleCount())
		}
	}
	return 0
}

// TestMetricsCountAWorkflowRun reads the metrics before and after a
// workflow run of two jobs (the first succeeds, the second, started by a
// conditional trigger, fails) and checks that the counters moved by exactly
// the run's numbers.
func TestMetricsCountAWorkflowRun(t *testing.T) {
	b := setup(t)
	ctx := context.Background()
	dir := t.TempDir()
	scriptJob(t, b, "ok", pyScript(t, dir, "ok", "print('fine')\n"))
	scriptJob(t, b, "bad", pyScript(t, dir, "bad", "raise SystemExit('broken')\n"))
	_, err := b.client.CreateWorkflow(ctx, &glue.CreateWorkflowInput{Name: aws.String("wf")})
	require.NoError(t, err)
	_, err = b.client.CreateTrigger(ctx, startTrigger("wf", "start", jobAction("ok")))
	require.NoError(t, err)
	_, err = b.client.CreateTrigger(ctx, condTrigger("wf", "then", types.LogicalAnd,
		[]types.Condition{jobCond("ok", types.JobRunStateSucceeded)}, jobAction("bad")))
	require.NoError(t, err)

	metricsURL := b.url + "/_epoxy/metrics"
	before := scrape(t, metricsURL)
	run := startRun(t, b, "wf", nil)
	waitRunStatus(t, b, "wf", run, types.WorkflowRunStatusCompleted, runWait)
	// The engine publishes an event just after its transaction commits, so
	// the run may read COMPLETED a moment before its end is counted.
	after := scrape(t, metricsURL)
	moved := func(name string, labels map[string]string) float64 {
		return sample(after, name, labels) - sample(before, name, labels)
	}
	gluetest.Eventually(t, runWait, func() bool {
		after = scrape(t, metricsURL)
		return moved("epoxy_workflow_runs_finished_total", map[string]string{"status": "COMPLETED"}) >= 1
	}, "the run's end was never counted")
	require.Equal(t, 1.0, moved("epoxy_workflow_runs_started_total", nil))
	require.Equal(t, 1.0, moved("epoxy_workflow_runs_finished_total", map[string]string{"status": "COMPLETED"}))
	require.Equal(t, 2.0, moved("epoxy_job_runs_started_total", nil))
	require.Equal(t, 1.0, moved("epoxy_job_runs_finished_total", map[string]string{"state": "SUCCEEDED"}))
	require.Equal(t, 1.0, moved("epoxy_job_runs_finished_total", map[string]string{"state": "FAILED"}))
	require.Equal(t, 1.0, moved("epoxy_dispatch_hop_seconds", nil), "one job started after another ended")
	require.Equal(t, 1.0, moved("epoxy_api_requests_total", map[string]string{"service": "glue", "operation": "StartWorkflowRun", "code": ""}))
	require.Equal(t, 1.0, moved("epoxy_api_request_duration_seconds", map[string]string{"service": "glue", "operation": "StartWorkflowRun"}))
	require.Positive(t, moved("epoxy_store_transaction_seconds", map[string]string{"kind": "update"}))
	require.Equal(t, 0.0, sample(after, "epoxy_job_runs_running", nil))
	require.Equal(t, 0.0, sample(after, "epoxy_job_runs_queued", nil))
	require.Equal(t, 1.0, sample(after, "epoxy_build_info", nil))

	_, err = b.client.GetWorkflow(ctx, &glue.GetWorkflowInput{Name: aws.String("missing")})
	requireCode(t, err, "EntityNotFoundException")
	errs := scrape(t, metricsURL)
	require.Equal(t, 1.0, sample(errs, "epoxy_api_requests_total", map[string]string{"service": "glue", "operation": "GetWorkflow", "code": "EntityNotFoundException"}))
}

func TestHealthAndReady(t *testing.T) {
	b := setup(t)
	for path, want := range map[string]string{"/_epoxy/health": "ok", "/_epoxy/ready": "ready"} {
		resp, err := http.Get(b.url + path)
		require.NoError(t, err)
		var body map[string]string
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, path)
		require.Equal(t, want, body["status"], path)
	}
	require.NoError(t, b.app.store.Close())
	resp, err := http.Get(b.url + "/_epoxy/ready")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "a closed store is not ready")
}
