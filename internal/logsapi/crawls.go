package logsapi

import (
	"context"
	"time"
)

// CrawlerGroup is the log group of crawls' logs: a stream per crawler,
// named after it.
const CrawlerGroup = "/aws-glue/crawlers"

// CrawlLogs reads crawlers' log streams.
type CrawlLogs interface {
	// CrawlStreams returns the crawlers that have a stream, in name order.
	CrawlStreams() ([]Stream, error)
	// CrawlLines reads a crawler's lines, in order, until fn returns false.
	CrawlLines(crawler string, fn func(at time.Time, text string) bool) error
}

// groupStreams returns a group's streams: crawlers for the crawler group,
// else job runs.
func (s *Server) groupStreams(ctx context.Context, g group) ([]Stream, error) {
	if g.name != CrawlerGroup {
		return s.cfg.Runs.Streams(ctx, g.base)
	}
	if s.cfg.Crawls == nil {
		return nil, nil
	}
	return s.cfg.Crawls.CrawlStreams()
}

// lines reads a stream of a group.
func (s *Server) lines(g group, stream string, fn func(at time.Time, text string) bool) error {
	if g.name != CrawlerGroup {
		return s.cfg.Lines(stream, g.file, fn)
	}
	if s.cfg.Crawls == nil {
		return nil
	}
	return s.cfg.Crawls.CrawlLines(stream, fn)
}
