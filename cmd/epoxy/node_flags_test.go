package main

import (
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Ensure the flags of a node among several parse, default and refuse as
// documented: --workers=false needs PostgreSQL (alone nothing would run the
// jobs), a lease under 3s, a negative capacity, an unknown --pg-notify or
// a name with other characters are refused naming the flag; epoxy worker
// needs a PostgreSQL --store.
func TestNodeFlags(t *testing.T) {
	t.Parallel()
	cfg, err := parseServeFlags(nil, io.Discard)
	require.NoError(t, err)
	require.True(t, cfg.Workers)
	require.True(t, cfg.Migrate)
	require.Equal(t, 15*time.Second, cfg.Lease)
	require.Equal(t, 0, cfg.Capacity)
	require.Equal(t, "on", cfg.PGNotify)

	pg := []string{"--store", "postgres://u@localhost/db"}
	cfg, err = parseServeFlags(append(pg, "--workers=false", "--capacity", "4", "--lease", "30s", "--name", "r-1.a:4747", "--pg-notify", "off"), io.Discard)
	require.NoError(t, err)
	require.False(t, cfg.Workers)
	require.Equal(t, 4, cfg.Capacity)
	require.Equal(t, "r-1.a:4747", cfg.nodeName("9"))

	for flag, args := range map[string][]string{
		"--workers":   {"--workers=false"},
		"--lease":     append(pg, "--lease", "1s"),
		"--capacity":  append(pg, "--capacity", "-1"),
		"--pg-notify": append(pg, "--pg-notify", "maybe"),
		"--name":      append(pg, "--name", "a/b"),
		"--migrate":   {"--migrate", "sometimes"},
	} {
		_, err := parseServeFlags(args, io.Discard)
		require.ErrorContains(t, err, flag, "%q", args)
	}

	_, err = parseWorkerFlags(nil, io.Discard)
	require.ErrorContains(t, err, "--store postgres://")
	w, err := parseWorkerFlags(append(pg, "--name", "w1", "--capacity", "2"), io.Discard)
	require.NoError(t, err)
	require.Equal(t, "http://127.0.0.1:4747", w.Endpoint)
	require.Equal(t, w.Endpoint, w.S3Endpoint, "jobs reach the replicas' built-in S3")
	require.Equal(t, "w1", w.nodeName(""))
	require.Equal(t, "epoxy-worker-data", filepath.Base(w.DataDir))
	_, err = parseWorkerFlags(append(pg, "--addr", "0.0.0.0:1"), io.Discard)
	require.Error(t, err, "a worker serves no API")
}
