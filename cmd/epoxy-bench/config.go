package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"
)

// config is what the command line asks for.
type config struct {
	// Endpoint is the Epoxy endpoint under test; empty means the bench
	// builds and starts Epoxy itself, a fresh server for every scenario.
	Endpoint string
	// Peer is a second endpoint (moto) measured side by side; empty with
	// StartMoto false means no peer.
	Peer      string
	StartMoto bool
	// Duration is how long each measurement (each row of a table) runs.
	Duration  time.Duration
	Scenarios []string
	JSONPath  string
	Quick     bool
	// Python is the interpreter a self-started Epoxy runs jobs with, and
	// the one moto is started with.
	Python string
	// EpoxyBin is a prebuilt epoxy binary; empty means go build.
	EpoxyBin string
	sizes    sizes
}

// sizes are the problem sizes of the scenarios: the sizes, or small
// ones for --quick.
type sizes struct {
	apiWorkflows   int   // workflows GetWorkflow and ListWorkflows read
	clients        []int // concurrent clients of the API scenario
	graphNodes     []int // node counts of the graph workflows
	chainJobs      int   // length of the orchestration chain
	fanJobs        int   // jobs of the fan-out/fan-in DAG, source and sink included
	inFlight       int   // workflow runs kept in flight for throughput
	flightChain    int   // jobs per chain of the throughput runs
	scaleRuns      []int // stored runs of the page-latency workflows
	scaleWorkflows int   // workflows stored for the ListWorkflows walk
	coldStarts     int   // cold starts measured per target
	settle         time.Duration
	seedBudget     time.Duration // time allowed to seed through the API
}

func fullSizes(d time.Duration) sizes {
	return sizes{apiWorkflows: 100, clients: []int{1, 16}, graphNodes: []int{100, 1000}, chainJobs: 50, fanJobs: 100,
		inFlight: 20, flightChain: 5, scaleRuns: []int{1000, 100000}, scaleWorkflows: 10000, coldStarts: 5,
		settle: time.Second, seedBudget: max(12*d, 30*time.Second)}
}

func quickSizes(d time.Duration) sizes {
	return sizes{apiWorkflows: 60, clients: []int{1, 16}, graphNodes: []int{20, 40}, chainJobs: 5, fanJobs: 6,
		inFlight: 4, flightChain: 2, scaleRuns: []int{200, 2000}, scaleWorkflows: 500, coldStarts: 1,
		settle: 200 * time.Millisecond, seedBudget: max(12*d, 3*time.Second)}
}

// scenarioNames lists the scenarios in the order they run.
var scenarioNames = []string{"api", "graph", "orchestration", "scale", "footprint"}

const usageText = `Usage: go run ./cmd/epoxy-bench [flags]

Measure Epoxy (and optionally a peer such as moto) scenario by scenario on
this machine, print Markdown tables and write the figures as JSON. All
traffic goes to loopback.

Flags:
`

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	c := &config{}
	fs := flag.NewFlagSet("epoxy-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.Endpoint, "endpoint", "", "Glue endpoint under test (loopback URL); empty: build and start epoxy serve for each scenario")
	fs.StringVar(&c.Peer, "peer", "", "second Glue endpoint (loopback URL, e.g. moto) measured side by side")
	fs.BoolVar(&c.StartMoto, "start-moto", false, "start moto_server on a free loopback port as the peer (a fresh one per scenario)")
	fs.DurationVar(&c.Duration, "duration", 0, "how long each measurement runs (default 5s, 250ms with --quick)")
	scen := fs.String("scenarios", strings.Join(scenarioNames, ","), "comma-separated scenarios to run: "+strings.Join(scenarioNames, ", "))
	fs.StringVar(&c.JSONPath, "json", "", "write the results as JSON to this file")
	fs.BoolVar(&c.Quick, "quick", false, "smoke mode: short measurements and small sizes")
	fs.StringVar(&c.Python, "python", "", "python3 interpreter for jobs of a self-started Epoxy and for moto (default: python3 resolved past any pyenv shim)")
	fs.StringVar(&c.EpoxyBin, "epoxy-bin", "", "prebuilt epoxy binary to start (default: go build ./cmd/epoxy into a temporary directory)")
	fs.Usage = func() {
		fmt.Fprint(stderr, usageText)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	return c, c.finish(*scen)
}

// finish applies defaults and checks the configuration.
func (c *config) finish(scen string) error {
	if c.Duration == 0 {
		c.Duration = 5 * time.Second
		if c.Quick {
			c.Duration = 250 * time.Millisecond
		}
	}
	if c.Duration < 10*time.Millisecond || c.Duration > 10*time.Minute {
		return fmt.Errorf("--duration must be between 10ms and 10m, got %s", c.Duration)
	}
	c.sizes = fullSizes(c.Duration)
	if c.Quick {
		c.sizes = quickSizes(c.Duration)
	}
	for s := range strings.SplitSeq(scen, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if !slices.Contains(scenarioNames, s) {
			return fmt.Errorf("unknown scenario %q (known: %s)", s, strings.Join(scenarioNames, ", "))
		}
		c.Scenarios = append(c.Scenarios, s)
	}
	if len(c.Scenarios) == 0 {
		return errors.New("--scenarios names no scenario")
	}
	if c.Peer != "" && c.StartMoto {
		return errors.New("give either --peer or --start-moto, not both")
	}
	for _, u := range []string{c.Endpoint, c.Peer} {
		if err := checkLoopback(u); err != nil {
			return err
		}
	}
	return nil
}

// checkLoopback refuses endpoints that are not on this machine's loopback
// interface: the bench sends load, and load must stay local.
func checkLoopback(raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("endpoint %q is not an http(s) URL", raw)
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("endpoint %q is not on loopback (127.0.0.0/8, ::1 or localhost): the bench only sends traffic to this machine", raw)
}
