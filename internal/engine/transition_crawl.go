package engine

import (
	"context"

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
	crawl.State, crawl.CompletedOn, crawl.ErrorMessage = state, glue.At(m.now()), msg
	crawl.FilesFound, crawl.FoldersFound, crawl.Summary = res.Files, res.Folders, res.Summary
	crawl.TablesCreated, crawl.TablesUpdated, crawl.TablesDeleted = res.TablesCreated, res.TablesUpdated, res.TablesDeleted
	m.emit(ctx, Event{Kind: CrawlEnded, WorkflowRunID: crawl.WorkflowRunID, State: string(crawl.State),
		attrs: []any{"crawl", id, "crawler", crawl.CrawlerName, "state", crawl.State, "workflow_run", crawl.WorkflowRunID, "files", res.Files, "error", msg}})
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

// claimCrawls makes node the holder of the given RUNNING crawls that no node
// holds yet, and returns those it took.
func (m *machine) claimCrawls(ctx context.Context, tx store.Tx, ids []string, node string) ([]string, error) {
	var out []string
	for _, id := range ids {
		c, err := tx.Crawls().Get(ctx, id)
		if err != nil {
			return nil, err
		}
		if c.State != glue.CrawlRunning || c.Node != "" {
			continue
		}
		c.Node = node
		if err := tx.Crawls().Update(ctx, c); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, nil
}
