package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func runCLI(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestCLI_Cron(t *testing.T) {
	t.Parallel()
	out, _, err := runCLI(t, "cron", "cron(15 12 * * ? *)", "--from", "2026-01-01T00:00:00Z", "-n", "3")
	require.NoError(t, err)
	require.Equal(t, "2026-01-01T12:15:00Z\n2026-01-02T12:15:00Z\n2026-01-03T12:15:00Z\n", out)
	out, _, err = runCLI(t, "cron", "--from", "2026-03-01T00:00:00Z", "-n", "2", "cron(0 9 ? * 2#1 *)")
	require.NoError(t, err)
	require.Equal(t, "2026-03-02T09:00:00Z\n2026-04-06T09:00:00Z\n", out, "first Monday of each month")
	_, _, err = runCLI(t, "cron", "cron(0 0 * * * *)")
	require.ErrorContains(t, err, "day-of-week")
	_, _, err = runCLI(t, "cron")
	require.Error(t, err)
}

func TestCLI_Logs(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	dir := filepath.Join(data, "logs", "jobruns", "jr_1")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "stdout"), []byte("hello\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "stderr"), []byte("oops\n"), 0o644))
	out, _, err := runCLI(t, "logs", "--data", data, "jr_1")
	require.NoError(t, err)
	require.Equal(t, "==> stdout <==\nhello\n==> stderr <==\noops\n", out)
	out, _, err = runCLI(t, "logs", "--data", data, "--stream", "stderr", "jr_1")
	require.NoError(t, err)
	require.Equal(t, "oops\n", out)
	_, _, err = runCLI(t, "logs", "--data", data, "jr_missing")
	require.ErrorContains(t, err, "no logs")
	_, _, err = runCLI(t, "logs", "--data", data, "../x")
	require.Error(t, err)
}

func TestCLI_HelpAndVersion(t *testing.T) {
	t.Parallel()
	out, _, err := runCLI(t, "help")
	require.NoError(t, err)
	require.Contains(t, out, "serve")
	out, _, err = runCLI(t, "version")
	require.NoError(t, err)
	require.Contains(t, out, "epoxy")
	_, errOut, err := runCLI(t, "serve", "-h")
	require.NoError(t, err)
	require.Contains(t, errOut, "--addr")
	_, _, err = runCLI(t, "serve", "--log-format", "xml")
	require.ErrorContains(t, err, "log-format")
	_, _, err = runCLI(t, "nope")
	require.Error(t, err)
}
