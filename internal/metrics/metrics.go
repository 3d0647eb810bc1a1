// Package metrics keeps Epoxy's Prometheus metrics: API requests, workflow
// runs, job runs and crawls, dispatch and schedule latencies, store
// transactions. The engine knows nothing of Prometheus: it publishes its
// events to an engine.Observer (EngineObserver) and its store is timed from
// outside (Store).
package metrics

import (
	"context"
	"net/http"
	"runtime"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics is Epoxy's metric registry.
type Metrics struct {
	reg *prometheus.Registry

	requests        *prometheus.CounterVec
	requestDuration *prometheus.HistogramVec

	workflowRunsStarted  prometheus.Counter
	workflowRunsFinished *prometheus.CounterVec
	jobRunsStarted       prometheus.Counter
	jobRunsFinished      *prometheus.CounterVec
	crawlsStarted        prometheus.Counter
	crawlsFinished       *prometheus.CounterVec

	dispatchHop  prometheus.Histogram
	scheduleLag  prometheus.Histogram
	transactions *prometheus.HistogramVec
}

// latencyBuckets span a millisecond to a minute.
var latencyBuckets = prometheus.ExponentialBucketsRange(0.001, 60, 16)

// New returns the metrics, registered with Go runtime and process
// collectors and epoxy_build_info for version.
func New(version, revision string) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	f := factory{m.reg}
	m.requests = f.counterVec("epoxy_api_requests_total", "API requests answered, by service, operation and AWS error code (\"\" on success).", "service", "operation", "code")
	m.requestDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "epoxy_api_request_duration_seconds",
		Help: "Time to answer an API request, by service and operation.", Buckets: latencyBuckets}, []string{"service", "operation"})
	m.workflowRunsStarted = f.counter("epoxy_workflow_runs_started_total", "Workflow runs started.")
	m.workflowRunsFinished = f.counterVec("epoxy_workflow_runs_finished_total", "Workflow runs ended, by final status.", "status")
	m.jobRunsStarted = f.counter("epoxy_job_runs_started_total", "Job run processes started.")
	m.jobRunsFinished = f.counterVec("epoxy_job_runs_finished_total", "Job runs ended, by final state.", "state")
	m.crawlsStarted = f.counter("epoxy_crawls_started_total", "Crawls started.")
	m.crawlsFinished = f.counterVec("epoxy_crawls_finished_total", "Crawls ended, by final state.", "state")
	m.dispatchHop = f.histogram("epoxy_dispatch_hop_seconds", "Time from a job run's end to the start of a job run it let start in the same workflow run.")
	m.scheduleLag = f.histogram("epoxy_schedule_lag_seconds", "Time from a schedule's fire time to its firing.")
	m.transactions = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "epoxy_store_transaction_seconds",
		Help: "Time of store transactions, by kind (update or view).", Buckets: latencyBuckets}, []string{"kind"})
	build := prometheus.NewGauge(prometheus.GaugeOpts{Name: "epoxy_build_info", Help: "Always 1; the labels describe the build.",
		ConstLabels: prometheus.Labels{"version": version, "revision": revision, "goversion": runtime.Version()}})
	build.Set(1)
	m.reg.MustRegister(m.requestDuration, m.transactions, build,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// factory makes and registers metrics.
type factory struct{ reg *prometheus.Registry }

func (f factory) counter(name, help string) prometheus.Counter {
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
	f.reg.MustRegister(c)
	return c
}

func (f factory) counterVec(name, help string, labels ...string) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	f.reg.MustRegister(c)
	return c
}

func (f factory) histogram(name, help string) prometheus.Histogram {
	h := prometheus.NewHistogram(prometheus.HistogramOpts{Name: name, Help: help, Buckets: latencyBuckets})
	f.reg.MustRegister(h)
	return h
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// ObserveRequest counts an answered API request.
func (m *Metrics) ObserveRequest(service, operation, code string, elapsed time.Duration) {
	m.requests.WithLabelValues(service, operation, code).Inc()
	m.requestDuration.WithLabelValues(service, operation).Observe(elapsed.Seconds())
}

// JobRunCounter counts job runs in states, for the running and queued
// gauges.
type JobRunCounter interface {
	CountJobRuns(ctx context.Context, states ...string) (int, error)
}

// gaugeTimeout bounds the store query behind a gauge.
const gaugeTimeout = 5 * time.Second

// WatchJobRuns registers the gauges of running (STARTING, RUNNING,
// STOPPING) and queued (WAITING) job runs, read from c at each scrape.
func (m *Metrics) WatchJobRuns(c JobRunCounter) {
	gauge := func(name, help string, states ...string) prometheus.GaugeFunc {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), gaugeTimeout)
			defer cancel()
			n, err := c.CountJobRuns(ctx, states...)
			if err != nil {
				return -1
			}
			return float64(n)
		})
	}
	m.reg.MustRegister(gauge("epoxy_job_runs_running", "Job runs STARTING, RUNNING or STOPPING (-1: the store could not be read).", "STARTING", "RUNNING", "STOPPING"),
		gauge("epoxy_job_runs_queued", "Job runs WAITING for capacity (-1: the store could not be read).", "WAITING"))
}
