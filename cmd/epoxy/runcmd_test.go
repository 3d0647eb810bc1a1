package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/stretchr/testify/require"
)

// runBinary runs the epoxy binary with args as a CI script would, returning
// its combined output and exit status.
func runBinary(t *testing.T, bin string, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "EPOXY_ENDPOINT=")
	out, err := cmd.CombinedOutput()
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		return string(out), exitErr.ExitCode()
	}
	require.NoError(t, err, "output:\n%s", out)
	return string(out), 0
}

// requireLines asserts that every pattern matches a whole line of out.
func requireLines(t *testing.T, out string, patterns ...string) {
	t.Helper()
	for _, p := range patterns {
		require.Regexp(t, regexp.MustCompile(`(?m)^`+p+`$`), out)
	}
}

// cliJob creates a pythonshell job running script.
func cliJob(t *testing.T, h *durHarness, name, script string, maxRetries int32) {
	t.Helper()
	_, err := h.client.CreateJob(context.Background(), &glue.CreateJobInput{Name: aws.String(name), Role: aws.String("arn:aws:iam::123456789012:role/glue"),
		Command:    &types.JobCommand{Name: aws.String("pythonshell"), ScriptLocation: aws.String(script)},
		MaxRetries: maxRetries})
	require.NoError(t, err)
}

// cliWorkflow creates a workflow running the jobs one after the other.
func cliWorkflow(t *testing.T, h *durHarness, name string, jobs ...string) {
	t.Helper()
	_, err := h.client.CreateWorkflow(context.Background(), &glue.CreateWorkflowInput{Name: aws.String(name)})
	require.NoError(t, err)
	h.onDemandStart(name, name+"-start", jobs[0])
	for i := 1; i < len(jobs); i++ {
		h.after(name, name+"-after-"+jobs[i-1], []string{jobs[i-1]}, jobs[i])
	}
}

// Ensure `epoxy run WORKFLOW --wait` works as a CI step against a running
// server: it prints each node's state changes and a graph, exits 0 when
// every node SUCCEEDED, 1 when a job FAILED (printing its error), 5 when
// the workflow does not exist, 2 on bad usage and 4 when --timeout passes;
// `--job` runs one job with arguments; a failed job's stderr tail is read
// through the server's Logs API; and with --data alone it serves the data
// directory itself and reads the tail from there.
func TestRunCommand_CI(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	t.Parallel()
	h := newDurHarness(t, durBinary(t))
	h.start()
	ok := filepath.Join(h.dir, "ok.py")
	require.NoError(t, os.WriteFile(ok, []byte("import sys\nprint('args', sys.argv[1:])\n"), 0o644))
	bad := filepath.Join(h.dir, "bad.py")
	require.NoError(t, os.WriteFile(bad, []byte("import sys\nprint('line 1', file=sys.stderr)\nprint('bad row 7', file=sys.stderr)\nsys.exit(3)\n"), 0o644))
	for _, j := range []string{"extract", "transform", "load"} {
		cliJob(t, h, j, ok, 0)
	}
	cliJob(t, h, "broken", bad, 1)
	h.job("slow", 120)
	cliWorkflow(t, h, "good", "extract", "transform", "load")
	cliWorkflow(t, h, "failing", "extract", "broken")
	cliWorkflow(t, h, "slowflow", "slow")
	remote := []string{"--endpoint", h.url, "--wait", "--poll", "50ms"}

	out, code := runBinary(t, h.bin, append([]string{"run", "good", "--run-properties", "day=2026-01-01"}, remote...)...)
	require.Equal(t, 0, code, out)
	requireLines(t, out, `epoxy run: workflow good: run wr_\w+ started`,
		`\[ *[0-9.]+s\] job extract: RUNNING \(job run jr_\w+\)`,
		`\[ *[0-9.]+s\] job load: SUCCEEDED after \S+`,
		`\[ *[0-9.]+s\] workflow good: COMPLETED`,
		`workflow run wr_\w+: COMPLETED`,
		`  extract +job +SUCCEEDED +\S+ +<- trigger good-start`,
		`  transform +job +SUCCEEDED +\S+ +<- extract`,
		`  load +job +SUCCEEDED +\S+ +<- transform`)
	require.Less(t, strings.Index(out, "  transform "), strings.Index(out, "  load "), "the graph is in dependency order, not by name")

	out, code = runBinary(t, h.bin, append([]string{"run", "failing"}, remote...)...)
	require.Equal(t, 1, code, out)
	requireLines(t, out, `\[ *[0-9.]+s\] job broken: FAILED after \S+: .*bad row 7`,
		`           stderr\| line 1`, `           stderr\| bad row 7`,
		`\[ *[0-9.]+s\] job broken \(attempt 2\): FAILED after \S+: .*bad row 7`,
		`  broken +job +FAILED +\S+ \(2 attempts\) +<- extract`,
		`epoxy: workflow failing: run COMPLETED, but broken FAILED`)

	out, code = runBinary(t, h.bin, append([]string{"run", "--job", "extract", "--arguments", "day=2026-01-01"}, remote...)...)
	require.Equal(t, 0, code, out)
	requireLines(t, out, `epoxy run: job extract: job run jr_\w+ started`, `\[ *[0-9.]+s\] job extract: SUCCEEDED after \S+`)
	runs, err := h.client.GetJobRuns(context.Background(), &glue.GetJobRunsInput{JobName: aws.String("extract")})
	require.NoError(t, err)
	require.Equal(t, "2026-01-01", runs.JobRuns[0].Arguments["--day"], "--arguments keys get Glue's -- prefix")

	out, code = runBinary(t, h.bin, append([]string{"run", "missing"}, remote...)...)
	require.Equal(t, 5, code, out)
	require.Contains(t, out, "EntityNotFoundException")
	out, code = runBinary(t, h.bin, "run", "good", "extra")
	require.Equal(t, 2, code, out)
	out, code = runBinary(t, h.bin, append([]string{"run", "slowflow", "--timeout", "1s"}, remote...)...)
	require.Equal(t, 4, code, out)
	require.Contains(t, out, "--timeout reached")

	h.kill() // the embedded server needs the data directory's lock
	h.killJobs()
	out, code = runBinary(t, h.bin, "run", "failing", "--data", h.data, "--poll", "50ms")
	require.Equal(t, 1, code, out)
	requireLines(t, out, `           stderr\| line 1`, `           stderr\| bad row 7`, `\[ *[0-9.]+s\] workflow failing: COMPLETED`)
}

// Ensure k=v lists parse, repeat, and refuse a pair without "=".
func TestKeyValues(t *testing.T) {
	t.Parallel()
	var kv keyValues
	require.NoError(t, kv.Set("a=1,b=x=y"))
	require.NoError(t, kv.Set("c="))
	require.Equal(t, keyValues{"a": "1", "b": "x=y", "c": ""}, kv)
	require.Error(t, kv.Set("novalue"))
	require.Equal(t, map[string]string{"--a": "1", "--b": "2"}, glueArguments(map[string]string{"a": "1", "--b": "2"}))
}

// Ensure the stderr tail is the file's last lines, also of a file larger
// than the window read.
func TestTailLines(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "stderr")
	var b strings.Builder
	for i := range 20000 {
		b.WriteString("line " + strings.Repeat("x", i%7) + "\n")
	}
	b.WriteString("last\n")
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
	lines, err := tailLines(path, 3)
	require.NoError(t, err)
	require.Len(t, lines, 3)
	require.Equal(t, "last", lines[2])
	require.NoError(t, os.WriteFile(path, nil, 0o644))
	lines, err = tailLines(path, 3)
	require.NoError(t, err)
	require.Empty(t, lines)
}
