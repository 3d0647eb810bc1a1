package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/epoxy-run/epoxy/internal/crawl"
	"github.com/epoxy-run/epoxy/internal/crawl/crawllog"
	"github.com/epoxy-run/epoxy/internal/logsapi"
	"github.com/epoxy-run/epoxy/internal/service"
)

// The crawl's logging and classifier seams, as serve wires them.
var (
	_ crawl.Logs        = (*crawllog.Store)(nil)
	_ crawl.History     = (*service.Service)(nil)
	_ crawl.Classifiers = (*service.Service)(nil)
	_ logsapi.CrawlLogs = crawlLogs{}
)

// crawlLogStore is the store of crawls' logs under the data directory.
func crawlLogStore(dataDir string, clock crawllog.Clock) *crawllog.Store {
	return crawllog.New(filepath.Join(dataDir, "logs", "crawlers"), clock)
}

// crawlLogs serves crawls' logs to the Logs API.
type crawlLogs struct{ *crawllog.Store }

// CrawlStreams returns the crawlers' streams.
func (c crawlLogs) CrawlStreams() ([]logsapi.Stream, error) {
	streams, err := c.Streams()
	out := make([]logsapi.Stream, len(streams))
	for i, st := range streams {
		out[i] = logsapi.Stream{Name: st.Crawler, Created: st.Created}
	}
	return out, err
}

// CrawlLines reads a crawler's lines.
func (c crawlLogs) CrawlLines(crawler string, fn func(at time.Time, text string) bool) error {
	return c.Lines(crawler, fn)
}

// printCrawlLog prints a crawler's log stream, each line after its time,
// reporting whether the crawler has one.
func printCrawlLog(dataDir, crawler string, out io.Writer) (bool, error) {
	st := crawlLogStore(dataDir, nil)
	if !st.Has(crawler) {
		return false, nil
	}
	var werr error
	err := st.Lines(crawler, func(at time.Time, text string) bool {
		_, werr = fmt.Fprintf(out, "%s %s\n", at.UTC().Format(time.RFC3339Nano), text)
		return werr == nil
	})
	if err == nil {
		err = werr
	}
	return true, err
}

// exists reports whether a path exists.
func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
