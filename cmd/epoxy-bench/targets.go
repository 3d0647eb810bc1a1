package main

import "fmt"

// evaluateTargets judges the targets on the measured figures.
// Page-latency targets compare the largest run count with the smallest.
func evaluateTargets(r *report, sz sizes) []targetCheck {
	var out []targetCheck
	get16 := r.find("api", "GetWorkflow, 16 clients", "req/s")
	var ratio *float64
	if get16 != nil {
		ratio = get16.Ratio
	}
	out = append(out, check("≥ 30× the peer's req/s on GetWorkflow with 16 clients", "Epoxy/peer req/s, GetWorkflow, 16 clients", ratio, func(v float64) bool { return v >= 30 }))
	for _, h := range []struct {
		measurement, metric string
		limit               float64
	}{
		{allHops, "hop p50", 2}, {allHops, "hop p99", 20},
		{chainLabel(sz.chainJobs), "hop p50", 2}, {chainLabel(sz.chainJobs), "hop p99", 20},
	} {
		out = append(out, check(fmt.Sprintf("%s ≤ %g ms", h.metric, h.limit), h.metric+", "+h.measurement,
			epoxyValue(r.find("orchestration", h.measurement, h.metric)), func(v float64) bool { return v <= h.limit }))
	}
	small, large := sz.scaleRuns[0], sz.scaleRuns[len(sz.scaleRuns)-1]
	for _, which := range []string{"first", "middle"} {
		a, b := r.find("scale", pageLabel(which, small), "p50"), r.find("scale", pageLabel(which, large), "p50")
		var v *float64
		if a != nil && b != nil && a.Epoxy > 0 {
			x := b.Epoxy / a.Epoxy
			v = &x
		}
		out = append(out, check(fmt.Sprintf("%s page at %s runs within 2× of %s", which, count(large), count(small)),
			fmt.Sprintf("p50 ratio, %s page, %s / %s runs", which, count(large), count(small)), v, func(v float64) bool { return v <= 2 }))
	}
	out = append(out, check(fmt.Sprintf("GetWorkflow keeps ≥ 50%% of its req/s with %d CPU-bound jobs running", busyJobs), "% kept, "+keptLabel,
		epoxyValue(r.find("api", keptLabel, "kept")), func(v float64) bool { return v >= 50 }))
	out = append(out, check("idle RSS ≤ 30 MB", "Epoxy idle RSS (MiB)",
		epoxyValue(r.find("footprint", "idle, after the first answered request", "RSS")), func(v float64) bool { return v*1.048576 <= 30 }))
	return out
}

func epoxyValue(x *row) *float64 {
	if x == nil {
		return nil
	}
	return &x.Epoxy
}

func check(target, figure string, v *float64, ok func(float64) bool) targetCheck {
	c := targetCheck{Target: target, Figure: figure, Value: v}
	if v != nil {
		met := ok(*v)
		c.Met = &met
	}
	return c
}
