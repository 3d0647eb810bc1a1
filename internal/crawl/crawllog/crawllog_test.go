package crawllog_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/crawl/crawllog"
)

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 6_000_000, time.UTC)

func open(t *testing.T) (*crawllog.Store, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "crawlers")
	s := crawllog.New(dir, fixedClock{t0})
	streams, err := s.Streams()
	require.NoError(t, err)
	require.Empty(t, streams, "no directory yet, no streams")
	require.False(t, s.Has("daily"))
	return s, dir
}

func lines(t *testing.T, s *crawllog.Store, crawler string) []string {
	t.Helper()
	var out []string
	require.NoError(t, s.Lines(crawler, func(at time.Time, text string) bool {
		require.True(t, at.Equal(t0))
		out = append(out, text)
		return true
	}))
	return out
}

// Ensure each crawl's lines carry its id and level, crawls append to their
// crawler's stream, and any crawler name stays one file inside the
// directory.
func TestLogLinesAndNames(t *testing.T) {
	t.Parallel()
	s, dir := open(t)
	for _, name := range []string{"daily", "../escape", "a/b", "..", "x y%"} {
		l, err := s.Begin(name, "c1")
		require.NoError(t, err)
		l.Printf("INFO", "first of %s\nsecond line", name)
		require.NoError(t, l.Close())
	}
	l, err := s.Begin("daily", "c2")
	require.NoError(t, err)
	l.Printf("ERROR", "boom")
	require.NoError(t, l.Close())

	require.Equal(t, []string{"[c1] INFO : first of daily second line", "[c2] ERROR : boom"}, lines(t, s, "daily"))
	require.Equal(t, []string{"[c1] INFO : first of ../escape second line"}, lines(t, s, "../escape"))
	require.Empty(t, lines(t, s, "never"))
	require.True(t, s.Has("daily"))
	require.False(t, s.Has("never"))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 5, "one file per crawler, all inside the directory")
	_, err = os.Stat(filepath.Join(filepath.Dir(dir), "escape.log"))
	require.ErrorIs(t, err, os.ErrNotExist)

	streams, err := s.Streams()
	require.NoError(t, err)
	var names []string
	for _, st := range streams {
		names = append(names, st.Crawler)
		require.True(t, st.Created.Equal(t0))
	}
	require.Equal(t, []string{"..", "../escape", "a/b", "daily", "x y%"}, names)
}

// Ensure a crawl's log is bounded: lines are cut to MaxLineBytes, a crawl
// writes at most MaxLinesPerCrawl lines and one saying the rest is left
// out, and a stream over MaxStreamBytes loses its oldest lines when the
// next crawl begins.
func TestLogBounds(t *testing.T) {
	t.Parallel()
	s, dir := open(t)
	l, err := s.Begin("big", "c1")
	require.NoError(t, err)
	for i := 0; i < crawllog.MaxLinesPerCrawl+10; i++ {
		l.Printf("INFO", "%d %s", i, strings.Repeat("x", crawllog.MaxLineBytes))
	}
	require.NoError(t, l.Close())
	got := lines(t, s, "big")
	require.Len(t, got, crawllog.MaxLinesPerCrawl+1)
	require.Len(t, got[0], crawllog.MaxLineBytes)
	require.Contains(t, got[len(got)-1], "the rest of this crawl's log is left out")

	info, err := os.Stat(filepath.Join(dir, "big.log"))
	require.NoError(t, err)
	require.Greater(t, info.Size(), int64(crawllog.MaxStreamBytes))
	l, err = s.Begin("big", "c2")
	require.NoError(t, err)
	l.Printf("INFO", "after")
	require.NoError(t, l.Close())
	info, err = os.Stat(filepath.Join(dir, "big.log"))
	require.NoError(t, err)
	require.LessOrEqual(t, info.Size(), int64(crawllog.MaxStreamBytes))
	got = lines(t, s, "big")
	require.Equal(t, "[c2] INFO : after", got[len(got)-1])
	require.NotContains(t, got[0], "[c1] INFO : 0 ", "the oldest lines are dropped")
}
