package executor

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// The last line of a 1 GiB stderr is found reading only its tail.
func TestLastLine_ReadsOnlyTheTail(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stderr")
	f, err := os.Create(path)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(1<<30)) // sparse: a gigabyte of NULs
	_, err = f.WriteAt([]byte("\nTraceback...\nValueError: boom\n\n"), 1<<30)
	require.NoError(t, err)
	require.NoError(t, f.Close())

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	line := lastLine(path)
	runtime.ReadMemStats(&after)
	require.Equal(t, "ValueError: boom", line)
	require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(2*tailBytes), "bytes allocated")
}

func TestLastLine_NotARegularFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	require.NoError(t, mkfifo(fifo))
	require.Empty(t, lastLine(fifo), "a FIFO is refused without blocking")
	target := filepath.Join(dir, "target")
	require.NoError(t, os.WriteFile(target, []byte("secret\n"), 0o600))
	require.NoError(t, os.Symlink(target, filepath.Join(dir, "link")))
	require.Empty(t, lastLine(filepath.Join(dir, "link")), "a symlink is not followed")
}

func TestCapMessage(t *testing.T) {
	t.Parallel()
	require.Equal(t, "short", capMessage("short"))
	long := strings.Repeat("é€", 1000) // 5 bytes a pair
	got := capMessage(long)
	require.LessOrEqual(t, len(got), MaxErrorMessage)
	require.True(t, utf8.ValidString(got))
	require.True(t, strings.HasSuffix(got, "…"))
	require.True(t, strings.HasPrefix(long, strings.TrimSuffix(got, "…")))
}

// Output over the cap is cut with a marker line, followed at the end by the
// stream's last line; the job is not hurt.
func TestOutputCap(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	l := newTestLocal(t, data, func(c *Config) { c.MaxLogBytes = 1000 })
	res := result(t, start(t, l, pySpec("jr_big", script(t, `import sys
for i in range(20000):
    sys.stderr.write("x" * 99 + "\n")
sys.stderr.write("the last words\n")
print("done")
raise SystemExit(4)
`))))
	require.Equal(t, 4, res.ExitCode)
	stderr := readFile(t, filepath.Join(LogDir(data, "jr_big"), "stderr"))
	const end = "\n--- epoxy: output truncated at 1000 bytes ---\nthe last words\n"
	require.True(t, strings.HasSuffix(stderr, end), stderr[len(stderr)-80:])
	require.Len(t, stderr, 1000+len(end))
	require.Equal(t, "done\n", readFile(t, filepath.Join(LogDir(data, "jr_big"), "stdout")))
	require.Equal(t, "the job's process exited with status 4: the last words", res.Error)
}

// A FIFO or symlink the job plants at its stderr path neither hangs the
// end of the run nor is followed; the next launch replaces it.
func TestPlantedFiles(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	l := newTestLocal(t, data)
	body := `import os, sys
os.remove("stderr"); os.mkfifo("stderr")
os.remove("stdout"); os.symlink("/etc/hostname", "stdout")
sys.exit(3)
`
	spec := pySpec("jr_plant", script(t, body))
	res := result(t, start(t, l, spec))
	require.Equal(t, 3, res.ExitCode)
	require.Equal(t, "the job's process exited with status 3", res.Error)
	res = result(t, start(t, l, spec))
	require.Equal(t, 3, res.ExitCode, "the relaunch replaced the planted files: %s", res.Error)
}

// What the executor creates is private: directories 0700, files 0600.
func TestPermissions(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	old := filepath.Join(data, "runtime", "python") // as an older Epoxy left it
	require.NoError(t, os.MkdirAll(old, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(old, "epoxy_job_bootstrap.py"), nil, 0o644))
	l := newTestLocal(t, data)
	result(t, start(t, l, pySpec("jr_perm", script(t, "print('hi')\n"))))
	for _, d := range []string{LogDir(data, "jr_perm"), RunDir(data, "jr_perm"), HomeDir(data), l.pythonDir} {
		fi, err := os.Stat(d)
		require.NoError(t, err)
		require.Equal(t, os.FileMode(0o700), fi.Mode().Perm(), d)
	}
	lc, _ := currentLaunch(RunDir(data, "jr_perm"))
	for _, f := range []string{filepath.Join(LogDir(data, "jr_perm"), "stdout"), filepath.Join(LogDir(data, "jr_perm"), "stderr"),
		filepath.Join(lc.runDir, "launch"), lc.marker(), lc.status(), filepath.Join(lc.runDir, "ended"),
		filepath.Join(l.pythonDir, "epoxy_job_bootstrap.py")} {
		fi, err := os.Stat(f)
		require.NoError(t, err)
		require.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), f)
	}
}

// A job's environment is the allow-list plus Epoxy's variables: none of
// the server's secrets. It runs at nice jobNice.
func TestEnvironment_NoSecrets(t *testing.T) {
	t.Setenv("AWS_SECRET_ACCESS_KEY", "real-secret")
	t.Setenv("AWS_SESSION_TOKEN", "real-token")
	t.Setenv("AWS_PROFILE", "prod")
	t.Setenv("EPOXY_TEST_SECRET", "s3cr3t")
	t.Setenv("LC_TIME", "C")
	data := t.TempDir()
	l := newTestLocal(t, data)
	res := result(t, start(t, l, pySpec("jr_env", script(t, `import json, os, sys
print(json.dumps(dict(os.environ)))
sys.stderr.write("%d\n" % os.nice(0))
`))))
	require.Equal(t, 0, res.ExitCode, res.Error)
	var env map[string]string
	require.NoError(t, json.Unmarshal([]byte(readFile(t, filepath.Join(LogDir(data, "jr_env"), "stdout"))), &env))
	for k, v := range env {
		require.NotContains(t, v, "real-", k)
		require.NotContains(t, v, "s3cr3t", k)
	}
	require.NotContains(t, env, "AWS_PROFILE")
	require.NotContains(t, env, "AWS_SESSION_TOKEN")
	require.Equal(t, "epoxy", env["AWS_SECRET_ACCESS_KEY"])
	require.Equal(t, HomeDir(data), env["HOME"])
	require.Equal(t, filepath.Join(HomeDir(data), ".aws", "config"), env["AWS_CONFIG_FILE"])
	require.Equal(t, filepath.Join(HomeDir(data), ".aws", "credentials"), env["AWS_SHARED_CREDENTIALS_FILE"])
	require.Equal(t, "C", env["LC_TIME"])
	require.Equal(t, os.Getenv("PATH"), env["PATH"])
	require.Equal(t, "jr_env", env["EPOXY_JOB_RUN_ID"])
	nice, err := strconv.Atoi(strings.TrimSpace(readFile(t, filepath.Join(LogDir(data, "jr_env"), "stderr"))))
	require.NoError(t, err)
	require.GreaterOrEqual(t, nice, jobNice, "jobs run at a lower priority")
}
