package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/epoxy-run/epoxy/internal/auth"
	"github.com/epoxy-run/epoxy/internal/crawl"
	"github.com/epoxy-run/epoxy/internal/engine"
	"github.com/epoxy-run/epoxy/internal/executor"
	"github.com/epoxy-run/epoxy/internal/safefs"
)

// workerFlags are the serve flags `epoxy worker` takes too, beside its
// node flags and --endpoint.
var workerFlags = []string{"store", "data", "region", "account-id", "log-format", "log-level", "python", "etl-runner",
	"s3-endpoint", "max-log-bytes", "stop-grace"}

// parseWorkerFlags reads the flags of `epoxy worker` into a serveConfig.
func parseWorkerFlags(args []string, stderr io.Writer) (*serveConfig, error) {
	c := &serveConfig{}
	specs := []flagSpec{{&c.Endpoint, "endpoint", "EPOXY_ENDPOINT", "http://127.0.0.1:4747",
		"the Epoxy API (a serve replica, or a load balancer before them) that jobs call for Glue, Logs and S3"}}
	for _, s := range c.specs() {
		if s.name == "data" {
			s.def = "./epoxy-worker-data" // beside a serve's ./epoxy-data
		}
		if slices.Contains(workerFlags, s.name) {
			specs = append(specs, s)
		}
	}
	specs = append(specs, c.nodeSpecs()...)
	fs := flag.NewFlagSet("worker", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: epoxy worker --store postgres://... [flags]\n\nRun job processes for the Epoxy replicas sharing a PostgreSQL store (no API).\n\nFlags (each also read from the environment variable shown):\n")
		for _, s := range specs {
			fmt.Fprintf(stderr, "  --%-15s %s (env %s, default %q)\n", s.name, s.usage, s.env, s.def)
		}
	}
	for _, s := range specs {
		def := s.def
		if v, ok := os.LookupEnv(s.env); ok {
			def = v
		}
		fs.StringVar(s.dst, s.name, def, s.usage)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, errUsage{err.Error()}
	}
	if fs.NArg() > 0 {
		return nil, errUsage{fmt.Sprintf("unexpected arguments: %s", strings.Join(fs.Args(), " "))}
	}
	// What serve's validation needs and a worker has no flag for.
	c.Addr, c.S3, c.RetentionText, c.MaxConnectionsText, c.Auth, c.WorkersText = "127.0.0.1:0", "off", "0", "1", authNone, "true"
	if err := c.validate(); err != nil {
		return nil, err
	}
	if c.store.Postgres == "" {
		return nil, errors.New("epoxy worker needs --store postgres://...: the store it shares with the serve replicas")
	}
	if c.S3Endpoint == "" {
		c.S3Endpoint = c.Endpoint // the replicas' built-in S3
	}
	return c, nil
}

// workerCmd runs `epoxy worker`: an engine node that claims job runs from
// the shared store and runs their processes, with no API, no crawls and no
// schedules.
func workerCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseWorkerFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	files, err := safefs.OpenRoot(cfg.DataDir)
	if err != nil {
		return fmt.Errorf("open data directory: %w", err)
	}
	defer files.Close()
	lock, err := lockDataDir(cfg.DataDir, "worker")
	if err != nil {
		return err
	}
	defer lock.Release()
	st, err := openServed(ctx, cfg.store, files, cfg.Migrate)
	if err != nil {
		return err
	}
	defer st.Close()
	// Jobs sign with Epoxy's service key, derived from the key the replicas
	// share, so they are accepted when the replicas run with --auth sigv4.
	key, err := sharedKey(ctx, st)
	if err != nil {
		return err
	}
	cfg.serviceKey = auth.ServiceKey(key)
	_, s3, err := objectStores(ctx, cfg, log, files, systemClock{})
	if err != nil {
		return err
	}
	if err := writeJobAWSConfig(files, cfg.DataDir); err != nil {
		return err
	}
	xc := executor.Config{DataDir: cfg.DataDir, Python: cfg.Python, ETLRunner: strings.Fields(cfg.ETLRunner),
		Env: jobEnv(cfg, cfg.Endpoint), Scripts: s3, MaxLogBytes: cfg.MaxLogBytes, Logger: log.With("component", "executor")}
	ec := engine.Config{Store: st, Clock: systemClock{}, Crawler: &crawl.Crawler{S3: s3}, Logger: log.With("component", "engine"),
		StopGrace: cfg.StopGrace, NoCrawls: true, NoScheduler: true}
	name := cfg.nodeName("")
	nodeConfig(cfg, name, "worker", &ec, &xc)
	exec, err := executor.NewLocal(xc)
	if err != nil {
		return err
	}
	defer exec.Close()
	ec.Executor = exec
	eng, err := engine.New(ec)
	if err != nil {
		return err
	}
	if err := eng.Start(ctx); err != nil {
		return err
	}
	defer eng.Close()
	defer startListener(ctx, cfg, st, eng.Wake, log.With("component", "listener"))()
	ship, err := startShipper(ctx, cfg.DataDir, st, systemClock{}, log)
	if err != nil {
		return err
	}
	defer ship.Stop()
	log.Info("epoxy worker running", "node", name, "capacity", cfg.Capacity, "endpoint", cfg.Endpoint, "data", cfg.DataDir, "version", version)
	<-ctx.Done()
	log.Info("worker shutting down; job processes go on for half a lease, and this node adopts them if restarted under its name by then")
	return nil
}
