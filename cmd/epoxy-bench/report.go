package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// metric is one figure a scenario measured on one target.
type metric struct {
	Measurement string
	Name        string // "req/s", "p50", "p99", "RSS", ...
	Unit        string // "req/s", "ms", "MiB", "jobs/s", "s"
	Value       float64
	Note        string
	// Missing marks a figure the peer could not produce; Note says why.
	Missing bool
}

// row is one figure of Epoxy beside the peer's.
type row struct {
	Scenario    string   `json:"scenario"`
	Measurement string   `json:"measurement"`
	Metric      string   `json:"metric"`
	Unit        string   `json:"unit"`
	Epoxy       float64  `json:"epoxy"`
	Peer        *float64 `json:"peer"`
	Ratio       *float64 `json:"ratio"` // Epoxy / peer
	Note        string   `json:"note,omitempty"`
	PeerNote    string   `json:"peer_note,omitempty"`
}

// targetCheck is one of the targets with the figure it is judged
// on.
type targetCheck struct {
	Target string   `json:"target"`
	Figure string   `json:"figure"`
	Value  *float64 `json:"value"`
	Met    *bool    `json:"met"` // nil when the figure was not measured
}

// report is everything one bench run produced.
type report struct {
	Machine   machine       `json:"machine"`
	Settings  settings      `json:"settings"`
	Scenarios []string      `json:"scenarios"`
	Rows      []row         `json:"results"`
	Targets   []targetCheck `json:"targets"`
	// PeerNA says, per scenario, why the peer has no figures.
	PeerNA map[string]string `json:"peer_not_applicable,omitempty"`
	// Skipped says, per scenario, why Epoxy was not measured.
	Skipped map[string]string `json:"skipped,omitempty"`
	Errors  []string          `json:"errors,omitempty"`
}

// settings records how the bench ran.
type settings struct {
	Duration  string `json:"duration_per_measurement"`
	Quick     bool   `json:"quick"`
	Epoxy     string `json:"epoxy"`
	Peer      string `json:"peer,omitempty"`
	PeerName  string `json:"peer_name,omitempty"`
	Python    string `json:"python"`
	StartedAt string `json:"started_at"`
}

// join pairs Epoxy's metrics with the peer's.
func join(scenario string, epoxy, peer []metric) []row {
	byKey := map[string]metric{}
	for _, m := range peer {
		byKey[m.Measurement+"\x00"+m.Name] = m
	}
	rows := make([]row, 0, len(epoxy))
	for _, m := range epoxy {
		r := row{Scenario: scenario, Measurement: m.Measurement, Metric: m.Name, Unit: m.Unit, Epoxy: m.Value, Note: m.Note}
		if p, ok := byKey[m.Measurement+"\x00"+m.Name]; ok {
			r.PeerNote = p.Note
			if p.Missing {
				rows = append(rows, r)
				continue
			}
			r.Peer = &p.Value
			if p.Value > 0 {
				ratio := m.Value / p.Value
				r.Ratio = &ratio
			}
		}
		rows = append(rows, r)
	}
	return rows
}

// find returns the row of a figure, or nil.
func (r *report) find(scenario, measurement, metricName string) *row {
	for i := range r.Rows {
		x := &r.Rows[i]
		if x.Scenario == scenario && x.Measurement == measurement && x.Metric == metricName {
			return x
		}
	}
	return nil
}

var scenarioTitles = map[string]string{
	"api":           "1. API: requests from aws-sdk-go-v2 clients",
	"graph":         "2. Graph: IncludeGraph",
	"orchestration": "3. Orchestration: real job runs (python3)",
	"scale":         "4. Scale: pages over many stored runs and workflows",
	"footprint":     "5. Footprint: memory and cold start",
}

// writeMarkdown prints the report as Markdown tables, one per scenario.
func (r *report) writeMarkdown(w io.Writer) {
	fmt.Fprintf(w, "# Epoxy benchmark\n\n%s\n\n", r.Machine.String())
	fmt.Fprintf(w, "Each measurement ran %s after a warm-up. Epoxy: %s. Peer: %s.\n", r.Settings.Duration, r.Settings.Epoxy, orNone(r.Settings.Peer))
	fmt.Fprintf(w, "Epoxy/%s is the ratio of the two figures: above 1 is better for req/s and jobs/s, below 1 for ms, µs, s and MiB.\n", orNone(r.Settings.PeerName))
	for _, s := range r.Scenarios {
		r.writeScenario(w, s)
	}
	r.writeTargets(w)
	for _, e := range r.Errors {
		fmt.Fprintf(w, "\n**Error:** %s\n", e)
	}
}

func (r *report) writeScenario(w io.Writer, s string) {
	peer := orNone(r.Settings.PeerName)
	fmt.Fprintf(w, "\n## %s\n", scenarioTitles[s])
	if skip := r.Skipped[s]; skip != "" {
		fmt.Fprintf(w, "\nNot measured: %s.\n", skip)
		return
	}
	fmt.Fprintf(w, "\n| Measurement | Metric | Epoxy | %s | Epoxy/%s | Notes |\n|---|---|--:|--:|--:|---|\n", peer, peer)
	for _, x := range r.Rows {
		if x.Scenario == s {
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", x.Measurement, x.Metric, num(x.Epoxy, x.Unit), peerCell(x), ratioCell(x.Ratio), notes(x))
		}
	}
	if na := r.PeerNA[s]; na != "" {
		fmt.Fprintf(w, "\n%s: N/A, %s.\n", peer, na)
	}
}

func (r *report) writeTargets(w io.Writer) {
	fmt.Fprint(w, "\n## Targets\n\n| Target | Figure | Value | Met |\n|---|---|--:|---|\n")
	for _, t := range r.Targets {
		val, met := "not measured", "n/a"
		if t.Value != nil {
			val = strconv.FormatFloat(*t.Value, 'f', 2, 64)
		}
		if t.Met != nil {
			met = map[bool]string{true: "yes", false: "**no**"}[*t.Met]
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", t.Target, t.Figure, val, met)
	}
}

func orNone(s string) string {
	if s == "" {
		return "peer"
	}
	return s
}

func num(v float64, unit string) string {
	var s string
	switch {
	case v >= 1000:
		s = strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 100:
		s = strconv.FormatFloat(v, 'f', 1, 64)
	default:
		s = strconv.FormatFloat(v, 'f', 2, 64)
	}
	return s + " " + unit
}

func peerCell(x row) string {
	if x.Peer == nil {
		return "N/A"
	}
	return num(*x.Peer, x.Unit)
}

func ratioCell(r *float64) string {
	if r == nil {
		return ""
	}
	return strconv.FormatFloat(*r, 'f', 2, 64) + "×"
}

func notes(x row) string {
	var parts []string
	if x.Note != "" {
		parts = append(parts, x.Note)
	}
	if x.PeerNote != "" {
		parts = append(parts, "peer: "+x.PeerNote)
	}
	return strings.ReplaceAll(strings.Join(parts, "; "), "|", "/")
}

// writeJSON writes the report to path.
func (r *report) writeJSON(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
