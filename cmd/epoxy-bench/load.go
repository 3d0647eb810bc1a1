package main

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"
)

// maxOpsPerWorker bounds every load loop in count as well as in time.
const maxOpsPerWorker = 2_000_000

// opFunc is one request of a load; each worker gets its own from newOp, so
// it can keep state such as a pagination token.
type opFunc func(ctx context.Context) error

// loadResult is what one load measured.
type loadResult struct {
	ops      int
	errs     int
	firstErr error
	elapsed  time.Duration
	lat      []time.Duration
	// CPU time used during the measured part by the server (serverOK when
	// the bench started it and could read it) and by the bench itself.
	serverCPU time.Duration
	serverOK  bool
	clientCPU time.Duration
}

// runLoad runs clients workers against srv, each calling its op in a loop:
// first for a warm-up that is not recorded, then for d.
func runLoad(ctx context.Context, srv *server, clients int, d time.Duration, newOp func(worker int) opFunc) loadResult {
	ops := make([]opFunc, clients)
	for w := range ops {
		ops[w] = newOp(w)
	}
	if warm := min(d/10, 500*time.Millisecond); warm > 0 {
		runWorkers(ctx, ops, warm)
	}
	s0, ok0 := srv.cpu()
	c0 := selfCPU()
	res := runWorkers(ctx, ops, d)
	s1, ok1 := srv.cpu()
	res.serverCPU, res.serverOK, res.clientCPU = s1-s0, ok0 && ok1, selfCPU()-c0
	return res
}

func runWorkers(ctx context.Context, ops []opFunc, d time.Duration) loadResult {
	results := make([]loadResult, len(ops))
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for w, op := range ops {
		wg.Go(func() { results[w] = work(ctx, op, deadline) })
	}
	wg.Wait()
	total := loadResult{elapsed: time.Since(start)}
	for _, r := range results {
		total.ops += r.ops
		total.errs += r.errs
		total.lat = append(total.lat, r.lat...)
		if total.firstErr == nil {
			total.firstErr = r.firstErr
		}
	}
	return total
}

func work(ctx context.Context, op opFunc, deadline time.Time) loadResult {
	var r loadResult
	for i := 0; i < maxOpsPerWorker && ctx.Err() == nil; i++ {
		t0 := time.Now()
		if !t0.Before(deadline) {
			break
		}
		err := op(ctx)
		r.lat = append(r.lat, time.Since(t0))
		r.ops++
		if err != nil {
			r.errs++
			if r.firstErr == nil {
				r.firstErr = err
			}
		}
	}
	return r
}

// metrics turns a load into req/s, p50 and p99 of one measurement, and the
// CPU each request cost the server and the bench's client. Errors are
// reported in the note; a load where every request failed is an error.
func (r loadResult) metrics(measurement string) ([]metric, error) {
	if r.ops == 0 || r.errs == r.ops {
		return nil, fmt.Errorf("%s: no request succeeded (%d sent): %w", measurement, r.ops, r.firstErr)
	}
	note := ""
	if r.errs > 0 {
		note = fmt.Sprintf("%d of %d requests failed, first: %v", r.errs, r.ops, r.firstErr)
	}
	ok := float64(r.ops - r.errs)
	ms := []metric{
		{Measurement: measurement, Name: "req/s", Unit: "req/s", Value: ok / r.elapsed.Seconds(), Note: note},
		{Measurement: measurement, Name: "p50", Unit: "ms", Value: msOf(percentile(r.lat, 50))},
		{Measurement: measurement, Name: "p99", Unit: "ms", Value: msOf(percentile(r.lat, 99))},
	}
	perReq := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(r.ops) }
	if r.serverOK {
		ms = append(ms, metric{Measurement: measurement, Name: "server CPU/req", Unit: "µs", Value: perReq(r.serverCPU)})
	}
	return append(ms, metric{Measurement: measurement, Name: "client CPU/req", Unit: "µs", Value: perReq(r.clientCPU)}), nil
}

// percentile returns the nearest-rank percentile p of ds.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[max(0, min(i, len(s)-1))]
}

func msOf(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// loadMetricNames are the figures metrics returns, in order.
var loadMetricNames = []string{"req/s", "p50", "p99", "server CPU/req", "client CPU/req"}

// orMissing lets the peer fail a measurement without failing its
// scenario: the figures become missing, with the error in the note. On
// Epoxy an error stays an error.
func orMissing(t *target, label string, ms []metric, err error) ([]metric, error) {
	if err == nil || t.role != "peer" {
		return ms, err
	}
	return missing(label, loadMetricNames, "every request failed: "+shortError(err)), nil
}

// missing stands for figures an endpoint could not produce, saying why
// once.
func missing(label string, names []string, why string) []metric {
	out := make([]metric, len(names))
	for i, name := range names {
		out[i] = metric{Measurement: label, Name: name, Missing: true}
	}
	out[0].Note = why
	return out
}
