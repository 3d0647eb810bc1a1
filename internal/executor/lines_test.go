package executor

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Each line gets the time it was written: a line written before the test
// opens the gate is no later than that moment, one written after is no
// earlier. The log file holds exactly what the job printed. Without a size
// cap the relay still records times.
func TestReadLines_TimesEachLine(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	l := newTestLocal(t, data, func(c *Config) { c.MaxLogBytes = 0 })
	gate := filepath.Join(t.TempDir(), "gate")
	p := start(t, l, pySpec("jr_lines", script(t, `import os, sys, time
sys.stdout.write("par"); sys.stdout.flush()
sys.stdout.write("tial\nfirst\n"); sys.stdout.flush()
while not os.path.exists(`+"\""+gate+"\""+`):
    time.sleep(0.01)
print("second")
print("third", file=sys.stderr)
`)))
	stdout := filepath.Join(LogDir(data, "jr_lines"), "stdout")
	deadline := time.Now().Add(wait)
	for b, _ := os.ReadFile(stdout); !strings.Contains(string(b), "first\n"); b, _ = os.ReadFile(stdout) {
		require.True(t, time.Now().Before(deadline), "the job never printed its first lines")
		time.Sleep(10 * time.Millisecond)
	}
	between := time.Now()
	require.NoError(t, os.WriteFile(gate, nil, 0o600))
	require.Zero(t, result(t, p).ExitCode)

	require.Equal(t, "partial\nfirst\nsecond\n", readFile(t, stdout), "the log file is what the job printed")
	var lines []LogLine
	require.NoError(t, ReadLines(data, "jr_lines", "stdout", func(l LogLine) bool { lines = append(lines, l); return true }))
	require.Len(t, lines, 3)
	require.Equal(t, []string{"partial", "first", "second"}, []string{lines[0].Text, lines[1].Text, lines[2].Text})
	require.Equal(t, []int64{0, 8, 14}, []int64{lines[0].Offset, lines[1].Offset, lines[2].Offset})
	require.LessOrEqual(t, lines[1].Time.UnixMilli(), between.UnixMilli())
	require.GreaterOrEqual(t, lines[2].Time.UnixMilli(), between.UnixMilli())
	require.False(t, lines[1].Time.Before(lines[0].Time))

	var errLines []string
	require.NoError(t, ReadLines(data, "jr_lines", "stderr", func(l LogLine) bool { errLines = append(errLines, l.Text); return true }))
	require.Equal(t, []string{"third"}, errLines)
	require.NoError(t, ReadLines(data, "jr_none", "stdout", func(LogLine) bool { t.Fatal("no lines"); return false }))
}

// ScanLines times a line by the last stamp at or before its offset, and
// falls back to the given time before the first stamp.
func TestScanLines(t *testing.T) {
	t.Parallel()
	fallback := time.UnixMilli(500)
	stamps := []Stamp{{Offset: 2, Time: time.UnixMilli(1000)}, {Offset: 6, Time: time.UnixMilli(2000)}}
	var got []string
	err := ScanLines(strings.NewReader("a\nbcd\nef\ng"), StampsOf(stamps), fallback, func(l LogLine) bool {
		got = append(got, l.Text+"@"+l.Time.Format("05.000"))
		return true
	})
	require.NoError(t, err)
	require.Equal(t, []string{"a@00.500", "bcd@01.000", "ef@02.000", "g@02.000"}, got)
}
