package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// rescue handles the work of nodes whose lease has lapsed, as Glue handles
// a lost executor (docs/behaviour.md, "Several replicas"): their RUNNING
// job runs end FAILED, saying which node was lost, and are retried as a new
// attempt when the job's MaxRetries allows; their STOPPING job runs end
// STOPPED; their RUNNING crawls are released for another node to crawl
// again from the start, their CANCELLING crawls end CANCELLED. Lapsed node
// leases are then forgotten. A node whose lease lapsed has stopped its
// processes by then (it stops them once it misses half a lease), so no job
// run runs twice at once.
func (m *machine) rescue(ctx context.Context, tx store.Tx) error {
	now := m.now()
	live, err := liveNodes(ctx, tx, now)
	if err != nil {
		return err
	}
	runs, err := tx.JobRuns().InStates(ctx, "", glue.JobRunRunning, glue.JobRunStopping)
	if err != nil {
		return err
	}
	for _, r := range runs {
		if live[r.Node] {
			continue
		}
		m.log.Info("rescuing job run of a lost node", "job_run", r.JobRun.ID, "node", r.Node)
		if r.JobRun.JobRunState == glue.JobRunStopping {
			err = m.endJobRun(ctx, tx, r, glue.JobRunStopped, "", 0)
		} else {
			err = m.endJobRun(ctx, tx, r, glue.JobRunFailed, lostNodeMessage(r.Node), -1)
		}
		if err != nil {
			return err
		}
	}
	if err := m.rescueCrawls(ctx, tx, live); err != nil {
		return err
	}
	return forgetLapsed(ctx, tx, now)
}

func lostNodeMessage(node string) string {
	if node == "" {
		node = "(unnamed)"
	}
	return fmt.Sprintf("the Epoxy node %s running this job run stopped renewing its lease (lost executor); its process was stopped", node)
}

// rescueCrawls releases the RUNNING crawls of lost nodes and ends their
// CANCELLING ones.
func (m *machine) rescueCrawls(ctx context.Context, tx store.Tx, live map[string]bool) error {
	crawls, err := tx.Crawls().InStates(ctx, glue.CrawlRunning, glue.CrawlCancelling)
	if err != nil {
		return err
	}
	for _, c := range crawls {
		if c.Node == "" || live[c.Node] {
			continue
		}
		if c.State == glue.CrawlCancelling {
			err = m.finishCrawl(ctx, tx, c.ID, glue.CrawlCancelled, glue.CrawlResult{}, "")
		} else {
			m.log.Info("releasing crawl of a lost node", "crawl", c.ID, "node", c.Node)
			c.Node = ""
			err = tx.Crawls().Update(ctx, c)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// forgetLapsed deletes the node leases that lapsed before now.
func forgetLapsed(ctx context.Context, tx store.Tx, now time.Time) error {
	ls, err := tx.Leases().List(ctx, nodeLeasePrefix)
	if err != nil {
		return err
	}
	for _, l := range ls {
		if !now.Before(l.Until) {
			if err := tx.Leases().Delete(ctx, l.Name); err != nil {
				return err
			}
		}
	}
	return nil
}
