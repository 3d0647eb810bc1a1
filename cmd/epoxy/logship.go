package main

import (
	"context"
	"log/slog"

	"github.com/epoxy-run/epoxy/internal/logship"
	"github.com/epoxy-run/epoxy/internal/store"
	"github.com/epoxy-run/epoxy/internal/store/postgres"
)

// shipsLogs reports whether job output is shipped to st: on PostgreSQL,
// where several nodes share the state and a job's files are on the node
// that ran it; not on SQLite, whose one server has every file.
func shipsLogs(st store.Store) bool {
	_, ok := st.(*postgres.Store)
	return ok
}

// logReader reads job output from the data directory and, when output is
// shipped to st, from st for runs that ran elsewhere.
func logReader(dataDir string, st store.Store) *logship.Reader {
	r := &logship.Reader{DataDir: dataDir}
	if shipsLogs(st) {
		r.Store = st
	}
	return r
}

// startShipper ships the output of the jobs this node runs to st when
// output is shipped there; nil otherwise.
func startShipper(ctx context.Context, dataDir string, st store.Store, clock logship.Clock, log *slog.Logger) (*logship.Shipper, error) {
	if !shipsLogs(st) {
		return nil, nil
	}
	s := logship.New(logship.Config{DataDir: dataDir, Store: st, Clock: clock, Logger: log.With("component", "logship")})
	return s, s.Start(ctx)
}
