package webui

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/epoxy-run/epoxy/internal/cron"
	"github.com/epoxy-run/epoxy/internal/glue"
)

// maxFires bounds how many fire times one request may ask for.
const maxFires = 10

// schedules answers the next fire times of cron expressions, computed as
// Epoxy's scheduler computes them, so the UI shows when a scheduled
// trigger fires next.
type schedules struct {
	clock Clock
}

// serve answers GET /ui/api/schedule?expression=cron(...)&n=3 with
// {"Next": [epoch seconds, ...]} (fewer when the schedule ends).
func (sc *schedules) serve(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	n := 3
	if s := q.Get("n"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 || v > maxFires {
			writeError(w, http.StatusBadRequest, glue.Errorf(glue.InvalidInput, "n: a number from 1 to %d, got %q", maxFires, s))
			return
		}
		n = v
	}
	sched, err := cron.Parse(q.Get("expression"))
	if err != nil {
		writeError(w, http.StatusBadRequest, glue.Errorf(glue.InvalidInput, "expression: %v", err))
		return
	}
	next := make([]float64, 0, n)
	t := sc.clock.Now()
	for len(next) < n {
		var ok bool
		if t, ok = sched.Next(t); !ok {
			break
		}
		next = append(next, float64(t.Unix()))
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(struct {
		Next []float64 `json:"Next"`
	}{next})
}

// Clock tells the time.
type Clock interface{ Now() time.Time }
