package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/epoxy-run/epoxy/internal/api"
	"github.com/epoxy-run/epoxy/internal/blueprint"
	"github.com/epoxy-run/epoxy/internal/crawl"
	"github.com/epoxy-run/epoxy/internal/engine"
	"github.com/epoxy-run/epoxy/internal/executor"
	"github.com/epoxy-run/epoxy/internal/objectstore"
	"github.com/epoxy-run/epoxy/internal/service"
	"github.com/epoxy-run/epoxy/internal/store/sqlite"
)

// systemClock is the real clock.
type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseServeFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	app, err := openApp(ctx, cfg, log, endpointURL(ln.Addr()))
	if err != nil {
		ln.Close()
		return err
	}
	defer app.Close()
	srv := &http.Server{Handler: app.handler, ReadHeaderTimeout: 10 * time.Second}
	log.Info("epoxy listening", "endpoint", endpointURL(ln.Addr()), "data", cfg.DataDir, "version", version)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// endpointURL is the URL jobs use to call back into Epoxy: the listening
// address, with an unspecified host replaced by loopback.
func endpointURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// app is a wired Epoxy: store, services, engine and API handler.
type app struct {
	store      *sqlite.Store
	engine     *engine.Engine
	blueprints *service.Blueprints
	handler    http.Handler
}

// Close stops background work, then closes the store.
func (a *app) Close() error {
	return errors.Join(a.blueprints.Close(), a.engine.Close(), a.store.Close())
}

// newBlueprints installs the awsglue.blueprint shim in the data directory
// and returns the blueprint operations, whose layout generators get the
// same environment as jobs (Glue and S3 endpoints pointing where Epoxy's
// do).
func newBlueprints(cfg *serveConfig, log *slog.Logger, selfURL string, svc *service.Service, s3 *objectstore.S3) (*service.Blueprints, error) {
	shim := filepath.Join(cfg.DataDir, "runtime", "blueprint")
	if err := blueprint.InstallShim(shim); err != nil {
		return nil, err
	}
	bc := service.BlueprintConfig{Service: svc, DataDir: cfg.DataDir, Logger: log.With("component", "blueprints"),
		Runner: &blueprint.Runner{Python: cfg.Python, ShimDir: shim, Env: jobEnv(cfg, selfURL)}}
	if s3 != nil {
		bc.S3 = s3
	}
	return service.NewBlueprints(bc), nil
}

// openApp wires every part of Epoxy on the data directory and starts the
// engine. selfURL is where Epoxy's API is reachable, for jobs to call back.
func openApp(ctx context.Context, cfg *serveConfig, log *slog.Logger, selfURL string) (*app, error) {
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	key, err := loadOrCreateKey(filepath.Join(cfg.DataDir, "token.key"))
	if err != nil {
		return nil, err
	}
	st, err := sqlite.Open(ctx, filepath.Join(cfg.DataDir, "epoxy.db"))
	if err != nil {
		return nil, err
	}
	a, err := wire(ctx, cfg, log, selfURL, st, key)
	if err != nil {
		st.Close()
		return nil, err
	}
	return a, nil
}

func wire(ctx context.Context, cfg *serveConfig, log *slog.Logger, selfURL string, st *sqlite.Store, key []byte) (*app, error) {
	var s3 *objectstore.S3
	if cfg.S3Endpoint != "" {
		var err error
		if s3, err = objectstore.New(ctx, cfg.S3Endpoint, cfg.Region); err != nil {
			return nil, err
		}
	}
	exec, err := executor.NewLocal(executor.Config{DataDir: cfg.DataDir, Python: cfg.Python, ETLRunner: strings.Fields(cfg.ETLRunner),
		Env: jobEnv(cfg, selfURL), Scripts: scriptFetcher(s3), MaxLogBytes: cfg.MaxLogBytes,
		Logger: log.With("component", "executor")})
	if err != nil {
		return nil, err
	}
	crawler := &crawl.Crawler{}
	if s3 != nil {
		crawler.S3 = s3
	}
	var clock interface{ Now() time.Time } = systemClock{}
	if cfg.clock != nil {
		clock = cfg.clock
	}
	eng, err := engine.New(engine.Config{Store: st, Executor: exec, Crawler: crawler, Clock: clock,
		Logger: log.With("component", "engine"), MinuteUnit: cfg.TimeoutUnit, StopGrace: cfg.StopGrace, Tick: cfg.tick})
	if err != nil {
		return nil, err
	}
	minInterval := 5 * time.Minute
	if cfg.AllowFrequentSchedules {
		minInterval = time.Minute
	}
	svc := service.New(service.Config{Store: st, Clock: clock, Logger: log, Region: cfg.Region, Account: cfg.AccountID,
		Schedule: service.CronSchedules(minInterval), Firer: eng, LastRun: engine.LastRun})
	bps, err := newBlueprints(cfg, log, selfURL, svc, s3)
	if err != nil {
		return nil, err
	}
	h, err := api.New(api.Config{Logger: log, TokenKey: key, Region: cfg.Region,
		Workflows: svc, Triggers: svc, Jobs: svc, Crawlers: svc, Tags: svc, Runs: eng, Events: eng, Blueprints: bps})
	if err != nil {
		return nil, err
	}
	if err := eng.Start(ctx); err != nil {
		return nil, err
	}
	if err := bps.Start(ctx); err != nil {
		_ = eng.Close()
		return nil, err
	}
	return &app{store: st, engine: eng, blueprints: bps, handler: h}, nil
}

// scriptFetcher returns s3 as an executor.ScriptFetcher, or nil (not a
// typed nil) when no S3 endpoint is configured.
func scriptFetcher(s3 *objectstore.S3) executor.ScriptFetcher {
	if s3 == nil {
		return nil
	}
	return s3
}

// jobEnv is what Epoxy sets in the environment of job processes (beside
// the few variables they inherit from the server and their HOME, see
// package executor) and of blueprint generators: every AWS SDK call reaches
// Epoxy (Glue) or the configured S3 endpoint, never real AWS; credentials
// are dummy ones, never the server's; the instance metadata service is off.
func jobEnv(cfg *serveConfig, selfURL string) []string {
	env := []string{"AWS_ENDPOINT_URL=" + selfURL, "AWS_ENDPOINT_URL_GLUE=" + selfURL,
		"AWS_REGION=" + cfg.Region, "AWS_DEFAULT_REGION=" + cfg.Region,
		"AWS_ACCESS_KEY_ID=epoxy", "AWS_SECRET_ACCESS_KEY=epoxy", "AWS_EC2_METADATA_DISABLED=true",
		"EPOXY_ENDPOINT=" + selfURL}
	if cfg.S3Endpoint != "" {
		env = append(env, "AWS_ENDPOINT_URL_S3="+cfg.S3Endpoint)
	}
	return env
}

// loadOrCreateKey returns the pagination-token key kept in the data
// directory, creating it on first start so tokens survive restarts.
func loadOrCreateKey(path string) ([]byte, error) {
	key, err := os.ReadFile(path)
	if err == nil && len(key) >= 32 {
		return key, nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	key = make([]byte, 32)
	_, _ = rand.Read(key)
	if err := os.WriteFile(path, key, 0o600); err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	return key, nil
}
