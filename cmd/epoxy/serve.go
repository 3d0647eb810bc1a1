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
	"time"

	"github.com/epoxy-run/epoxy/internal/api"
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
	app, err := openApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer app.Close()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	srv := &http.Server{Handler: app.handler, ReadHeaderTimeout: 10 * time.Second}
	log.Info("epoxy listening", "endpoint", "http://"+ln.Addr().String(), "data", cfg.DataDir, "version", version)
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

// app is a wired Epoxy: store, services and API handler.
type app struct {
	store   *sqlite.Store
	handler http.Handler
}

func (a *app) Close() error { return a.store.Close() }

// openApp wires every part of Epoxy on the data directory.
func openApp(ctx context.Context, cfg *serveConfig, log *slog.Logger) (*app, error) {
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
	minInterval := 5 * time.Minute
	if cfg.AllowFrequentSchedules {
		minInterval = time.Minute
	}
	svc := service.New(service.Config{Store: st, Clock: systemClock{}, Logger: log, Region: cfg.Region, Account: cfg.AccountID,
		Schedule: service.CronSchedules(minInterval)})
	h, err := api.New(api.Config{Logger: log, TokenKey: key, Region: cfg.Region,
		Workflows: svc, Triggers: svc, Jobs: svc, Crawlers: svc, Tags: svc})
	if err != nil {
		st.Close()
		return nil, err
	}
	return &app{store: st, handler: h}, nil
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
