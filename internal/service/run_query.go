package service

import (
	"context"
	"fmt"
	"slices"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// The read side of runs: workflow runs with their statistics and graphs,
// job runs, crawls and crawler metrics, all read in one store snapshot each.
// The engine changes runs; these only read them.

// GetWorkflowRun returns a run with its statistics and, when asked, its
// graph: the trigger snapshot with each job node's job runs and each
// crawler node's crawls.
func (s *Service) GetWorkflowRun(ctx context.Context, name, runID string, includeGraph bool) (*glue.WorkflowRun, error) {
	var out *glue.WorkflowRun
	err := s.store.View(ctx, func(tx store.Tx) error {
		if _, err := tx.Workflows().Get(ctx, name); err != nil {
			return err
		}
		run, err := tx.WorkflowRuns().Get(ctx, name, runID)
		if err != nil {
			return err
		}
		out, err = renderRun(ctx, tx, run, includeGraph)
		return err
	})
	return out, err
}

// renderRun turns a stored run into the API's WorkflowRun.
func renderRun(ctx context.Context, tx store.Tx, run *glue.WorkflowRunRecord, includeGraph bool) (*glue.WorkflowRun, error) {
	jobRuns, crawls, err := store.RunMembers(ctx, tx, run)
	if err != nil {
		return nil, err
	}
	out := run.Run
	out.Statistics = glue.ComputeStatistics(jobRuns, crawls)
	if includeGraph {
		out.Graph = runGraph(run, jobRuns, crawls)
	}
	return &out, nil
}

func runGraph(run *glue.WorkflowRunRecord, jobRuns []*glue.JobRunRecord, crawls []*glue.CrawlRecord) *glue.WorkflowGraph {
	g := glue.DeriveGraph(run.Run.Name, run.Triggers)
	for _, n := range g.Nodes {
		switch n.Type {
		case glue.NodeJob:
			for _, r := range jobRuns {
				if r.JobRun.JobName == n.Name {
					jr := r.JobRun
					n.JobDetails.JobRuns = append(n.JobDetails.JobRuns, &jr)
				}
			}
		case glue.NodeCrawler:
			for _, c := range crawls {
				if c.CrawlerName == n.Name {
					n.CrawlerDetails.Crawls = append(n.CrawlerDetails.Crawls, c.Crawl())
				}
			}
		}
	}
	return g
}

// GetWorkflowRuns returns a page of a workflow's runs, newest first.
func (s *Service) GetWorkflowRuns(ctx context.Context, name string, includeGraph bool, beforeSeq int64, limit int) ([]*glue.WorkflowRun, []int64, error) {
	var out []*glue.WorkflowRun
	var seqs []int64
	err := s.store.View(ctx, func(tx store.Tx) error {
		if _, err := tx.Workflows().Get(ctx, name); err != nil {
			return err
		}
		runs, err := tx.WorkflowRuns().List(ctx, name, beforeSeq, limit)
		if err != nil {
			return err
		}
		for _, r := range runs {
			wr, err := renderRun(ctx, tx, r, includeGraph)
			if err != nil {
				return err
			}
			out = append(out, wr)
			seqs = append(seqs, r.Seq)
		}
		return nil
	})
	return out, seqs, err
}

// GetWorkflowRunProperties returns a run's current properties.
func (s *Service) GetWorkflowRunProperties(ctx context.Context, name, runID string) (map[string]string, error) {
	var props map[string]string
	err := s.store.View(ctx, func(tx store.Tx) error {
		run, err := tx.WorkflowRuns().Get(ctx, name, runID)
		if err != nil {
			return err
		}
		props = run.Run.WorkflowRunProperties
		return nil
	})
	if props == nil {
		props = map[string]string{}
	}
	return props, err
}

// lastRun returns a workflow's most recent run, with statistics, within tx;
// nil when it has none.
func lastRun(ctx context.Context, tx store.Tx, workflow string) (*glue.WorkflowRun, error) {
	runs, err := tx.WorkflowRuns().List(ctx, workflow, 0, 1)
	if err != nil || len(runs) == 0 {
		return nil, err
	}
	return renderRun(ctx, tx, runs[0], false)
}

// GetJobRun returns one run of a job.
func (s *Service) GetJobRun(ctx context.Context, job, id string) (*glue.JobRun, error) {
	var out *glue.JobRun
	err := s.store.View(ctx, func(tx store.Tx) error {
		r, err := tx.JobRuns().Get(ctx, job, id)
		if err != nil {
			return err
		}
		out = &r.JobRun
		return nil
	})
	return out, err
}

// GetJobRuns returns a page of a job's runs, newest first.
func (s *Service) GetJobRuns(ctx context.Context, job string, beforeSeq int64, limit int) ([]*glue.JobRun, []int64, error) {
	var out []*glue.JobRun
	var seqs []int64
	err := s.store.View(ctx, func(tx store.Tx) error {
		if _, err := tx.Jobs().Get(ctx, job); err != nil {
			return err
		}
		runs, err := tx.JobRuns().List(ctx, job, beforeSeq, limit)
		for _, r := range runs {
			out = append(out, &r.JobRun)
			seqs = append(seqs, r.Seq)
		}
		return err
	})
	return out, seqs, err
}

// CrawlerMetrics returns run-time figures for the named crawlers (every
// crawler when names is empty), computed from their crawls; the table
// counts are those of the last finished crawl.
func (s *Service) CrawlerMetrics(ctx context.Context, names []string, opts glue.ListOptions) ([]*glue.CrawlerMetrics, error) {
	var out []*glue.CrawlerMetrics
	err := s.store.View(ctx, func(tx store.Tx) error {
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

func metricsOf(name string, crawls []*glue.CrawlRecord) *glue.CrawlerMetrics {
	m := &glue.CrawlerMetrics{CrawlerName: name}
	var runtimes []float64
	for _, c := range crawls {
		if c.State.Terminal() && !c.CompletedOn.IsZero() {
			if len(runtimes) == 0 {
				m.TablesCreated, m.TablesUpdated, m.TablesDeleted = int32(c.TablesCreated), int32(c.TablesUpdated), int32(c.TablesDeleted)
			}
			runtimes = append(runtimes, c.CompletedOn.Sub(c.StartedOn.Time).Seconds())
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

// ListCrawls returns a crawler's crawls newest first. An unknown crawler
// is EntityNotFoundException in Glue's words.
func (s *Service) ListCrawls(ctx context.Context, crawler string, beforeSeq int64, limit int) ([]*glue.CrawlerHistory, []int64, error) {
	var out []*glue.CrawlerHistory
	var seqs []int64
	err := s.store.View(ctx, func(tx store.Tx) error {
		if _, err := tx.Crawlers().Get(ctx, crawler); glue.IsCode(err, glue.EntityNotFound) {
			return glue.Errorf(glue.EntityNotFound, "Crawler entry with name %s does not exist", crawler)
		} else if err != nil {
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

func historyOf(c *glue.CrawlRecord) *glue.CrawlerHistory {
	state := map[glue.CrawlState]string{glue.CrawlRunning: "RUNNING", glue.CrawlCancelling: "RUNNING",
		glue.CrawlSucceeded: "COMPLETED", glue.CrawlCancelled: "STOPPED"}[c.State]
	if state == "" {
		state = "FAILED"
	}
	h := &glue.CrawlerHistory{CrawlID: c.ID, State: state, StartTime: c.StartedOn, EndTime: c.CompletedOn, Summary: c.Summary,
		ErrorMessage: c.ErrorMessage, LogGroup: "/aws-glue/crawlers", LogStream: c.CrawlerName}
	if h.Summary == "" && state == "COMPLETED" {
		h.Summary = fmt.Sprintf("%d files in %d folders", c.FilesFound, c.FoldersFound)
	}
	return h
}
