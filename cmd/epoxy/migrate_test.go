package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/stretchr/testify/require"
)

// Ensure --store accepts what the README says (empty, sqlite:///path,
// postgres:// and postgresql:// URLs) and refuses anything else without
// echoing it, since a mistyped URL may hold a password.
func TestParseStore(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]storeLocation{
		"":                              {},
		"sqlite:///var/lib/epoxy.db":    {SQLitePath: "/var/lib/epoxy.db"},
		"postgres://u:p@db:5432/epoxy":  {Postgres: "postgres://u:p@db:5432/epoxy"},
		"postgresql://u@db/epoxy?x=y":   {Postgres: "postgresql://u@db/epoxy?x=y"},
		"sqlite:///tmp/../tmp/epoxy.db": {SQLitePath: "/tmp/epoxy.db"},
	} {
		got, err := parseStore(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	for _, in := range []string{"mysql://u:secret@db/x", "sqlite://", "sqlite:///tmp/", "/tmp/epoxy.db", "postgres:/x:secret"} {
		_, err := parseStore(in)
		require.Error(t, err, in)
		require.NotContains(t, err.Error(), "secret")
	}
}

// epoxyMigrate runs `epoxy migrate` in-process and returns its output.
func epoxyMigrate(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), append([]string{"migrate"}, args...), &out, &errOut)
	return out.String() + errOut.String(), err
}

// Ensure `epoxy migrate --data DIR` reports, applies and rolls back the
// SQLite database in a data directory, refuses while a server holds the
// directory, and that a server then migrates a rolled-back database up.
func TestMigrateCommand_SQLite(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	out, err := epoxyMigrate(t, "--data", cfg.DataDir)
	require.NoError(t, err)
	all := strings.Count(out, "pending")
	require.GreaterOrEqual(t, all, 6, out)
	out, err = epoxyMigrate(t, "--data", cfg.DataDir, "down", "2")
	require.NoError(t, err)
	require.Equal(t, all, strings.Count(out, "pending"), "down on a new database applies nothing: %s", out)
	out, err = epoxyMigrate(t, "--data", cfg.DataDir, "up")
	require.NoError(t, err)
	require.Equal(t, all, strings.Count(out, " applied "), out)
	require.Zero(t, strings.Count(out, "pending"), out)
	out, err = epoxyMigrate(t, "--data", cfg.DataDir, "down", "2")
	require.NoError(t, err)
	require.Equal(t, 2, strings.Count(out, " applied "), out)
	require.Contains(t, out, "0003  0003_schedules_events    pending")

	cfg.Migrate = false
	_, err = openApp(context.Background(), cfg, slog.New(slog.DiscardHandler), "http://127.0.0.1:1")
	require.ErrorContains(t, err, "migrations behind", "with --migrate=false a schema behind is refused, not migrated")
	cfg.Migrate = true
	b := setupWith(t, cfg)
	_, err = epoxyMigrate(t, "--data", cfg.DataDir, "down", "0")
	require.ErrorIs(t, err, errDataDirInUse)
	_, err = b.client.CreateWorkflow(context.Background(), &glue.CreateWorkflowInput{Name: aws.String("w")})
	require.NoError(t, err, "the server migrated the database up")

	for _, bad := range [][]string{{"sideways"}, {"down"}, {"down", "-1"}, {"up", "extra"}, {"--store", "mysql://x"}} {
		_, err := epoxyMigrate(t, append([]string{"--data", cfg.DataDir}, bad...)...)
		require.ErrorAs(t, err, new(errUsage), "%q", bad)
	}
}

// Ensure --store sqlite:///path keeps the database at that path, outside
// the data directory, which keeps only the logs and the token key.
func TestServe_SQLiteStorePath(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	db := filepath.Join(t.TempDir(), "elsewhere", "state.db")
	require.NoError(t, os.MkdirAll(filepath.Dir(db), 0o700))
	var err error
	cfg.store, err = parseStore("sqlite://" + db)
	require.NoError(t, err)
	b := setupWith(t, cfg)
	_, err = b.client.CreateWorkflow(context.Background(), &glue.CreateWorkflowInput{Name: aws.String("w")})
	require.NoError(t, err)
	require.FileExists(t, db)
	require.NoFileExists(t, filepath.Join(cfg.DataDir, "epoxy.db"))
	out, err := epoxyMigrate(t, "--store", "sqlite://"+db)
	require.NoError(t, err)
	require.Positive(t, strings.Count(out, " applied "), out)
	require.Zero(t, strings.Count(out, "pending"), "the server applied every migration: %s", out)
}
