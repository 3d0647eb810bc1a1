package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
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
	"syscall"
	"time"

	"golang.org/x/net/netutil"

	"github.com/epoxy-run/epoxy/internal/api"
	"github.com/epoxy-run/epoxy/internal/blueprint"
	"github.com/epoxy-run/epoxy/internal/crawl"
	"github.com/epoxy-run/epoxy/internal/engine"
	"github.com/epoxy-run/epoxy/internal/executor"
	"github.com/epoxy-run/epoxy/internal/logsapi"
	"github.com/epoxy-run/epoxy/internal/logship"
	"github.com/epoxy-run/epoxy/internal/metrics"
	"github.com/epoxy-run/epoxy/internal/objectstore"
	"github.com/epoxy-run/epoxy/internal/retention"
	"github.com/epoxy-run/epoxy/internal/s3server"
	"github.com/epoxy-run/epoxy/internal/safefs"
	"github.com/epoxy-run/epoxy/internal/service"
	"github.com/epoxy-run/epoxy/internal/store"
	"github.com/epoxy-run/epoxy/internal/store/postgres"
	"github.com/epoxy-run/epoxy/internal/webui"
	"github.com/epoxy-run/epoxy/web"
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
	ln, err := listen(cfg, log)
	if err != nil {
		return err
	}
	app, err := openApp(ctx, cfg, log, endpointURL(ln.Addr()))
	if err != nil {
		ln.Close()
		return err
	}
	defer app.Close()
	srv := newHTTPServer(app.handler)
	if cfg.MetricsAddr != "" {
		stop, err := serveMetrics(cfg.MetricsAddr, app.metrics, log)
		if err != nil {
			ln.Close()
			return err
		}
		defer stop()
	}
	if host, _, _ := net.SplitHostPort(cfg.Addr); !isLoopback(host) && cfg.Auth != authSigV4 {
		log.Warn("INSECURE: serving the Glue API WITHOUT AUTHENTICATION on a non-loopback address (--insecure-no-auth): "+
			"anyone who can reach it can create and run jobs, that is run code as this user", "addr", cfg.Addr)
	}
	log.Info("epoxy listening", "endpoint", endpointURL(ln.Addr()), "data", cfg.DataDir, "store", cfg.store.String(), "version", version)
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
	logLeftRunning(shutdownCtx, log, app.store)
	return nil
}

// Limits of the HTTP server (docs/behaviour.md, "Network"). A request,
// body included (at most api.MaxBodyBytes), must arrive within readTimeout.
// writeTimeout runs from the end of the request's headers to the end of the
// response, so it covers the operation and the writing of its answer: it is
// far above any operation's time, since cutting it loses the response.
// idleTimeout is longer than the AWS SDKs' own (90 s for Go), so clients
// close idle connections before the server does.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = time.Minute
	writeTimeout      = 5 * time.Minute
	idleTimeout       = 2 * time.Minute
)

// newHTTPServer returns the HTTP server for the API handler h.
func newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: readHeaderTimeout, ReadTimeout: readTimeout,
		WriteTimeout: writeTimeout, IdleTimeout: idleTimeout}
}

// listen opens the API's listener. It accepts at most cfg.MaxConnections
// connections at once, and no more than half the open-file limit (which
// the Go runtime raises to the hard limit at start-up); further
// connections wait in the listen queue until one closes.
func listen(cfg *serveConfig, log *slog.Logger) (net.Listener, error) {
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	nofile := openFileLimit()
	n := connectionLimit(cfg.MaxConnections, nofile)
	if n < cfg.MaxConnections {
		log.Warn("fewer connections than --max-connections: the open-file limit is low", "max_connections", n, "open_file_limit", nofile)
	}
	return netutil.LimitListener(ln, n), nil
}

// openFileLimit returns the soft limit of open files, or 0 if unknown.
func openFileLimit() uint64 {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return 0
	}
	return l.Cur
}

// connectionLimit returns want, capped to half of the open-file limit
// nofile (0: unknown) so that the database, job logs and job processes
// keep descriptors.
func connectionLimit(want int, nofile uint64) int {
	if nofile == 0 || uint64(want) <= nofile/2 {
		return want
	}
	return max(int(nofile/2), 1)
}

// portOf returns the port of an http://host:port URL.
func portOf(u string) string {
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(u, "http://"))
	return port
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

// app is a wired Epoxy: data directory, store, services, engine and API
// handler.
type app struct {
	files      *safefs.Root
	store      store.Store
	engine     *engine.Engine
	executor   *executor.Local
	blueprints *blueprint.Manager
	retention  *retention.Service
	handler    http.Handler
	lock       *dataLock
	metrics    *metrics.Metrics
	// s3 is the built-in S3, nil when off.
	s3 *s3server.Server
	// unlisten stops listening for other nodes' new work.
	unlisten func()
	// shipper ships job output to the store, nil when it is not shipped.
	shipper *logship.Shipper
}

// Close stops background work, then closes the store and the data
// directory.
func (a *app) Close() error {
	a.retention.Stop()
	a.blueprints.Stop()
	var s3err error
	if a.s3 != nil {
		s3err = a.s3.Close()
	}
	a.unlisten()
	err := errors.Join(a.engine.Close(), a.executor.Close())
	a.shipper.Stop()
	return errors.Join(err, a.store.Close(), s3err, a.files.Close(), a.lock.Release())
}

// What wire plugs into what: the API's operations are served by the
// service (definitions and run queries), the engine (run commands and
// events) and the blueprint manager; the engine fires triggers for the
// service; the blueprint manager creates a run's entities through the
// service; one S3 client serves scripts, crawls and blueprint archives.
var (
	_ api.WorkflowService      = (*service.Service)(nil)
	_ api.TriggerService       = (*service.Service)(nil)
	_ api.JobService           = (*service.Service)(nil)
	_ api.CrawlerService       = (*service.Service)(nil)
	_ api.TagService           = (*service.Service)(nil)
	_ api.RunQueries           = (*service.Service)(nil)
	_ api.RunCommands          = (*engine.Engine)(nil)
	_ api.EventService         = (*engine.Engine)(nil)
	_ api.BlueprintService     = (*blueprint.Manager)(nil)
	_ service.Firer            = (*engine.Engine)(nil)
	_ blueprint.Creator        = (*service.Service)(nil)
	_ executor.ScriptFetcher   = (*objectstore.S3)(nil)
	_ crawl.Objects            = (*objectstore.S3)(nil)
	_ crawl.Catalog            = (*service.Service)(nil)
	_ blueprint.ArchiveFetcher = (*objectstore.S3)(nil)
)

// newBlueprints installs the awsglue.blueprint shim in the data directory
// and returns the blueprint operations, whose layout generators get the
// same environment as jobs (Glue and S3 endpoints pointing where Epoxy's
// do) and create their entities through svc.
func newBlueprints(cfg *serveConfig, log *slog.Logger, selfURL string, files *safefs.Root, st store.Store, svc *service.Service, clock blueprint.Clock, s3 objectReader) (*blueprint.Manager, error) {
	shim := files.Path(filepath.Join("runtime", "blueprint"))
	if err := blueprint.InstallShim(shim); err != nil {
		return nil, err
	}
	bc := blueprint.Config{Store: st, Creator: svc, Files: files, Clock: clock, Logger: log.With("component", "blueprints"),
		System: blueprint.SystemParams{Region: cfg.Region, AccountID: cfg.AccountID},
		Runner: &blueprint.Runner{Python: cfg.Python, ShimDir: shim, Env: executor.ProcessEnv(cfg.DataDir, os.Environ(), jobEnv(cfg, selfURL), "")},
		S3:     s3}
	return blueprint.NewManager(bc), nil
}

// openApp wires every part of Epoxy on the data directory and starts the
// engine. selfURL is where Epoxy's API is reachable, for jobs to call back.
func openApp(ctx context.Context, cfg *serveConfig, log *slog.Logger, selfURL string) (*app, error) {
	files, err := safefs.OpenRoot(cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("open data directory: %w", err)
	}
	lock, err := lockDataDir(cfg.DataDir, selfURL)
	if err != nil {
		files.Close()
		return nil, err
	}
	a, err := openStore(ctx, cfg, log, selfURL, files)
	if err != nil {
		lock.Release()
		files.Close()
		return nil, err
	}
	a.lock = lock
	return a, nil
}

// openStore opens the token key and the database in the data directory,
// once its lock is held, and wires the rest of Epoxy on them.
func openStore(ctx context.Context, cfg *serveConfig, log *slog.Logger, selfURL string, files *safefs.Root) (*app, error) {
	key, err := loadOrCreateKey(ctx, files, "token.key")
	if err != nil {
		return nil, err
	}
	st, err := openServed(ctx, cfg.store, files, cfg.Migrate)
	if err != nil {
		return nil, err
	}
	if cfg.store.Postgres != "" {
		// Every replica signs pagination tokens (and derives the service key)
		// with one key, kept in the store, so a token is good on any of them.
		if key, err = sharedKey(ctx, st); err != nil {
			st.Close()
			return nil, err
		}
	}
	a, err := wire(ctx, cfg, log, selfURL, files, st, key)
	if err != nil {
		st.Close()
		return nil, err
	}
	return a, nil
}

// sharedKey returns the token key kept in the store's settings, creating
// it on first use.
func sharedKey(ctx context.Context, st store.Store) ([]byte, error) {
	var key []byte
	err := st.Update(ctx, func(tx store.Tx) error {
		v, ok, err := tx.Settings().Get(ctx, "token-key")
		if err != nil {
			return err
		}
		if ok {
			key, err = hex.DecodeString(v)
			return err
		}
		key = make([]byte, 32)
		_, _ = rand.Read(key)
		return tx.Settings().Put(ctx, "token-key", hex.EncodeToString(key))
	})
	if err != nil {
		return nil, fmt.Errorf("shared token key: %w", err)
	}
	return key, nil
}

// nodeConfig sets the engine's and executor's part of a node among
// several, when the store is PostgreSQL (alone on SQLite otherwise).
func nodeConfig(cfg *serveConfig, name, info string, ec *engine.Config, xc *executor.Config) {
	ec.Capacity = cfg.Capacity
	if cfg.store.Postgres == "" {
		return
	}
	ec.Node, ec.NodeInfo, ec.Lease, ec.NoJobs = name, info, cfg.Lease, !cfg.Workers
	xc.Lease = cfg.Lease / 2
}

// startListener wakes wake on new work notified by other nodes, unless the
// store is not PostgreSQL or --pg-notify is off; stop ends it.
func startListener(ctx context.Context, cfg *serveConfig, st store.Store, wake func(), log *slog.Logger) (stop func()) {
	pg, ok := st.(*postgres.Store)
	if !ok || cfg.PGNotify != "on" {
		return func() {}
	}
	l := &postgres.Listener{Store: pg, Wake: wake, Log: log}
	l.Start(ctx)
	return l.Stop
}

// privateDatabase creates the database file if it is missing and makes it
// and its journals private to the owner. SQLite creates its -wal and -shm
// files with the database file's permissions.
func privateDatabase(files *safefs.Root, name string) error {
	if err := files.CreatePrivate(name); err != nil {
		return fmt.Errorf("create database file: %w", err)
	}
	for _, journal := range []string{name + "-wal", name + "-shm"} {
		if err := files.Restrict(journal); err != nil {
			return fmt.Errorf("restrict database journal: %w", err)
		}
	}
	return nil
}

func wire(ctx context.Context, cfg *serveConfig, log *slog.Logger, selfURL string, files *safefs.Root, db store.Store, key []byte) (_ *app, err error) {
	keys, err := loadAuth(cfg, key)
	if err != nil {
		return nil, err
	}
	met := metrics.New(version, buildRevision())
	st := met.TimeStore(db)
	met.WatchJobRuns(st)
	var clock interface{ Now() time.Time } = systemClock{}
	if cfg.clock != nil {
		clock = cfg.clock
	}
	builtin, s3, err := objectStores(ctx, cfg, log, files, clock)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil && builtin != nil {
			builtin.Close()
		}
	}()
	if err := writeJobAWSConfig(files, cfg.DataDir); err != nil {
		return nil, err
	}
	xc := executor.Config{DataDir: cfg.DataDir, Python: cfg.Python, ETLRunner: strings.Fields(cfg.ETLRunner),
		Env: jobEnv(cfg, selfURL), Scripts: s3, MaxLogBytes: cfg.MaxLogBytes,
		Logger: log.With("component", "executor")}
	crawlLog := crawlLogStore(cfg.DataDir, clock)
	crawler := &crawl.Crawler{S3: s3, Logs: crawlLog}
	ec := engine.Config{Store: st, Clock: clock, Crawler: crawler,
		Logger: log.With("component", "engine"), Observer: met.Engine(), StopGrace: cfg.StopGrace, Tick: cfg.tick}
	nodeConfig(cfg, cfg.nodeName(portOf(selfURL)), "serve "+selfURL, &ec, &xc)
	exec, err := executor.NewLocal(xc)
	if err != nil {
		return nil, err
	}
	ec.Executor = exec
	eng, err := engine.New(ec)
	if err != nil {
		return nil, err
	}
	minInterval := 5 * time.Minute
	if cfg.AllowFrequentSchedules {
		minInterval = time.Minute
	}
	svc := service.New(service.Config{Store: st, Clock: clock, Logger: log, Region: cfg.Region, Account: cfg.AccountID,
		Schedule: service.CronSchedules(minInterval), Firer: eng})
	crawler.Catalog, crawler.Classifiers, crawler.History = svc, svc, svc // before eng.Start: no crawl runs yet
	bps, err := newBlueprints(cfg, log, selfURL, files, st, svc, clock, s3)
	if err != nil {
		return nil, err
	}
	h, err := api.New(api.Config{Logger: log, TokenKey: key, Region: cfg.Region,
		Workflows: svc, Triggers: svc, Jobs: svc, Crawlers: svc, Tags: svc, Runs: eng, RunQueries: svc, Events: eng, Blueprints: bps,
		Catalog: svc, Classifiers: svc, Functions: svc})
	if err != nil {
		return nil, err
	}
	output := logReader(cfg.DataDir, db)
	logs := logsapi.New(logsapi.Config{Runs: logsapi.StoreRuns{Store: st}, Lines: jobLines(output), Crawls: crawlLogs{crawlLog},
		Region: cfg.Region, Account: cfg.AccountID, Clock: clock, Logger: log.With("component", "logs")})
	front := api.NewFrontDoor(api.FrontDoorConfig{Routes: []api.Route{{Prefix: "AWSGlue", Service: "glue", Handler: h, Serves: h.Serves},
		{Prefix: logsapi.TargetPrefix, Service: "logs", Handler: logs, Serves: logs.Serves}}, Rest: s3Route(builtin),
		Guard: authGuard(keys, clock, log), Metrics: met.Handler(), Ready: storeReady(st), Observer: met, Logger: log, Clock: clock})
	ui, err := webui.New(webui.Config{API: front, Assets: web.Assets(), Logs: output, Clock: clock, Secrets: uiSecrets(keys)})
	if err != nil {
		return nil, err
	}
	if err := eng.Start(ctx); err != nil {
		return nil, err
	}
	unlisten := startListener(ctx, cfg, db, eng.Wake, log.With("component", "listener"))
	if err := bps.Start(ctx); err != nil {
		unlisten()
		_ = eng.Close()
		return nil, err
	}
	ret := retention.New(retention.Config{Store: db, Files: files, Clock: clock, Logger: log.With("component", "retention"),
		Retention: cfg.Retention})
	if err := ret.Start(ctx); err != nil {
		bps.Stop()
		unlisten()
		_ = eng.Close()
		return nil, err
	}
	ship, err := startShipper(ctx, cfg.DataDir, db, clock, log)
	if err != nil {
		ret.Stop()
		bps.Stop()
		unlisten()
		_ = eng.Close()
		return nil, err
	}
	return &app{files: files, store: db, engine: eng, executor: exec, blueprints: bps, retention: ret, handler: api.NewHostGuard(ui, allowedHosts(cfg)), metrics: met, s3: builtin, unlisten: unlisten, shipper: ship}, nil
}

// allowedHosts are the names the Host guard accepts besides IP addresses
// and localhost: the name in --addr, the machine's name when listening on
// a non-loopback address, and --allowed-hosts.
func allowedHosts(cfg *serveConfig) []string {
	names := append([]string(nil), cfg.AllowedHosts...)
	host, _, _ := net.SplitHostPort(cfg.Addr)
	if host != "" && net.ParseIP(host) == nil {
		names = append(names, host)
	}
	if !isLoopback(host) {
		if name, err := os.Hostname(); err == nil {
			names = append(names, name)
		}
	}
	return names
}

// jobEnv is what Epoxy sets in the environment of job processes (beside
// the few variables they inherit from the server and their HOME, see
// package executor) and of blueprint generators: every AWS SDK call reaches
// Epoxy (Glue, Logs, the built-in S3) or the configured S3 endpoint, never real AWS; credentials
// are dummy ones (with --auth sigv4, Epoxy's service key), never the
// server's own; the instance metadata service is off.
func jobEnv(cfg *serveConfig, selfURL string) []string {
	env := []string{"AWS_ENDPOINT_URL=" + selfURL, "AWS_ENDPOINT_URL_GLUE=" + selfURL,
		"AWS_REGION=" + cfg.Region, "AWS_DEFAULT_REGION=" + cfg.Region,
		"AWS_ACCESS_KEY_ID=" + cmp.Or(cfg.serviceKey.AccessKey, "epoxy"), "AWS_SECRET_ACCESS_KEY=" + cmp.Or(cfg.serviceKey.Secret, "epoxy"),
		"AWS_EC2_METADATA_DISABLED=true",
		"EPOXY_ENDPOINT=" + selfURL}
	if cfg.S3Endpoint != "" {
		env = append(env, "AWS_ENDPOINT_URL_S3="+cfg.S3Endpoint)
	}
	return env
}

// loadOrCreateKey returns the pagination-token key kept in the data
// directory, creating it on first start so tokens survive restarts.
func loadOrCreateKey(ctx context.Context, files *safefs.Root, name string) ([]byte, error) {
	key, err := files.ReadFile(ctx, name, 1<<10)
	if err == nil && len(key) >= 32 {
		return key, files.Restrict(name)
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	key = make([]byte, 32)
	_, _ = rand.Read(key)
	if err := files.WriteFile(name, key); err != nil {
		return nil, fmt.Errorf("write %s: %w", name, err)
	}
	return key, nil
}
