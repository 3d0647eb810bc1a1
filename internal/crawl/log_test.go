package crawl

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/crawl/crawllog"
	"github.com/epoxy-run/epoxy/internal/glue"
)

// history answers ListCrawls with fixed crawls.
type history []*glue.CrawlerHistory

func (h history) ListCrawls(context.Context, string, int64, int) ([]*glue.CrawlerHistory, []int64, error) {
	return h, nil, nil
}

type clock struct{}

func (clock) Now() time.Time { return time.Unix(0, 0) }

// Ensure a crawl's lines carry the id of its crawler's RUNNING crawl, not
// that of a newer FAILED one (a trigger starting the crawler while it
// runs records one), and a crawl whose running crawl cannot be found logs
// nothing.
func TestCrawlLogUsesTheRunningCrawl(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(root, "a.csv"), []byte("id,name\n1,a\n"), 0o600))
	logs := crawllog.New(filepath.Join(t.TempDir(), "crawlers"), clock{})
	c := &glue.Crawler{Name: "c", Targets: glue.CrawlerTargets{S3Targets: []glue.S3Target{{Path: root}}}}

	cr := &Crawler{Logs: logs, History: history{{CrawlID: "newer", State: "FAILED"}, {CrawlID: "mine", State: "RUNNING"}}}
	_, err := cr.Crawl(context.Background(), c)
	require.NoError(t, err)
	var lines []string
	require.NoError(t, logs.Lines("c", func(_ time.Time, text string) bool { lines = append(lines, text); return true }))
	require.NotEmpty(t, lines)
	for _, l := range lines {
		require.Regexp(t, `^\[mine\] `, l)
	}

	cr.History = history{{CrawlID: "old", State: "COMPLETED"}}
	_, err = cr.Crawl(context.Background(), c)
	require.NoError(t, err)
	n := len(lines)
	lines = nil
	require.NoError(t, logs.Lines("c", func(_ time.Time, text string) bool { lines = append(lines, text); return true }))
	require.Len(t, lines, n, "no running crawl, no lines")
}
