package engine

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

func (m *machine) readyCrawler(ctx context.Context, tx store.Tx, crawl *glue.CrawlRecord) error {
	c, err := tx.Crawlers().Get(ctx, crawl.CrawlerName)
	if glue.IsCode(err, glue.EntityNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	status := map[glue.CrawlState]string{glue.CrawlSucceeded: "SUCCEEDED", glue.CrawlCancelled: "CANCELLED"}[crawl.State]
	if status == "" {
		status = "FAILED"
	}
	c.State = glue.CrawlerStateReady
	c.CrawlElapsedTime = 0
	c.LastCrawl = &glue.LastCrawlInfo{Status: status, ErrorMessage: crawl.ErrorMessage, StartTime: crawl.StartedOn,
		LogGroup: "/aws-glue/crawlers", LogStream: c.Name, MessagePrefix: crawl.ID}
	return tx.Crawlers().Replace(ctx, c.Name, c)
}

// CrawlerMetrics returns run-time figures for the named crawlers (every
// crawler when names is empty), computed from their crawls.
func (e *Engine) CrawlerMetrics(ctx context.Context, names []string, opts glue.ListOptions) ([]*CrawlerMetrics, error) {
	var out []*CrawlerMetrics
	err := e.store.View(ctx, func(tx store.Tx) error {
		crawlers, err := tx.Crawlers().List(ctx, opts)
		if err != nil {
			return err
		}
		for _, c := range crawlers {
			if len(names) > 0 && !slices.Contains(names, c.Name) {
				continue
			}
			crawls, err := tx.Crawls().List(ctx, c.Name, 0, 0)
			if err != nil {
				return err
			}
			out = append(out, metricsOf(c.Name, crawls))
		}
		return nil
	})
	return out, err
}

// CrawlerMetrics is one entry of GetCrawlerMetrics.
type CrawlerMetrics struct {
	CrawlerName          string  `json:"CrawlerName"`
	TimeLeftSeconds      float64 `json:"TimeLeftSeconds"`
	StillEstimating      bool    `json:"StillEstimating"`
	LastRuntimeSeconds   float64 `json:"LastRuntimeSeconds"`
	MedianRuntimeSeconds float64 `json:"MedianRuntimeSeconds"`
	TablesCreated        int32   `json:"TablesCreated"`
	TablesUpdated        int32   `json:"TablesUpdated"`
	TablesDeleted        int32   `json:"TablesDeleted"`
}

func metricsOf(name string, crawls []*glue.CrawlRecord) *CrawlerMetrics {
	m := &CrawlerMetrics{CrawlerName: name}
	var runtimes []float64
	for _, c := range crawls {
		if c.State.Terminal() && !c.CompletedOn.IsZero() {
			runtimes = append(runtimes, c.CompletedOn.Sub(c.StartedOn).Seconds())
		} else if !c.State.Terminal() {
			m.StillEstimating = true
		}
	}
	if len(runtimes) > 0 {
		m.LastRuntimeSeconds = runtimes[0]
		sorted := slices.Clone(runtimes)
		slices.Sort(sorted)
		m.MedianRuntimeSeconds = sorted[len(sorted)/2]
	}
	return m
}

// CrawlerHistory is one entry of ListCrawls.
type CrawlerHistory struct {
	CrawlID      string    `json:"CrawlId"`
	State        string    `json:"State"`
	StartTime    time.Time `json:"StartTime,omitzero"`
	EndTime      time.Time `json:"EndTime,omitzero"`
	Summary      string    `json:"Summary,omitempty"`
	ErrorMessage string    `json:"ErrorMessage,omitempty"`
	LogGroup     string    `json:"LogGroup,omitempty"`
	LogStream    string    `json:"LogStream,omitempty"`
	DPUHour      float64   `json:"DPUHour"`
}

// ListCrawls returns a crawler's crawls newest first.
func (e *Engine) ListCrawls(ctx context.Context, crawler string, beforeSeq int64, limit int) ([]*CrawlerHistory, []int64, error) {
	var out []*CrawlerHistory
	var seqs []int64
	err := e.store.View(ctx, func(tx store.Tx) error {
		if _, err := tx.Crawlers().Get(ctx, crawler); err != nil {
			return err
		}
		crawls, err := tx.Crawls().List(ctx, crawler, beforeSeq, limit)
		for _, c := range crawls {
			out = append(out, historyOf(c))
			seqs = append(seqs, c.Seq)
		}
		return err
	})
	return out, seqs, err
}

func historyOf(c *glue.CrawlRecord) *CrawlerHistory {
	state := map[glue.CrawlState]string{glue.CrawlRunning: "RUNNING", glue.CrawlCancelling: "RUNNING",
		glue.CrawlSucceeded: "COMPLETED", glue.CrawlCancelled: "STOPPED"}[c.State]
	if state == "" {
		state = "FAILED"
	}
	h := &CrawlerHistory{CrawlID: c.ID, State: state, StartTime: c.StartedOn, EndTime: c.CompletedOn, Summary: c.Summary,
		ErrorMessage: c.ErrorMessage, LogGroup: "/aws-glue/crawlers", LogStream: c.CrawlerName}
	if h.Summary == "" && state == "COMPLETED" {
		h.Summary = fmt.Sprintf("%d files in %d folders", c.FilesFound, c.FoldersFound)
	}
	return h
}

// finishCrawl records a crawl's end, returns its crawler to READY with its
// LastCrawl, and applies the consequences. A crawl that was CANCELLING ends
// CANCELLED; one already ended is left alone.
func (m *machine) finishCrawl(ctx context.Context, tx store.Tx, id string, state glue.CrawlState, res glue.CrawlResult, msg string) error {
	crawl, err := tx.Crawls().Get(ctx, id)
	if err != nil || crawl.State.Terminal() {
		return err
	}
	if crawl.State == glue.CrawlCancelling {
		state = glue.CrawlCancelled
	}
	crawl.State, crawl.CompletedOn, crawl.ErrorMessage = state, m.now(), msg
	crawl.FilesFound, crawl.FoldersFound, crawl.Summary = res.Files, res.Folders, res.Summary
	m.log.Info("crawl ended", "crawl", id, "crawler", crawl.CrawlerName, "state", crawl.State, "workflow_run", crawl.WorkflowRunID,
		"files", res.Files, "error", msg)
	if err := tx.Crawls().Update(ctx, crawl); err != nil {
		return err
	}
	if err := m.readyCrawler(ctx, tx, crawl); err != nil {
		return err
	}
	if crawl.WorkflowRunID != "" {
		return m.settle(ctx, tx, crawl.WorkflowName, crawl.WorkflowRunID)
	}
	return m.fireStandalone(ctx, tx, NodeRef{glue.NodeCrawler, crawl.CrawlerName}, "cr:"+crawl.ID, crawl.TriggerName)
}
