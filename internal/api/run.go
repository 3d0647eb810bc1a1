package api

import (
	"context"
	"strconv"

	"github.com/epoxy-run/epoxy/internal/glue"
)

// RunService is what the workflow-run, job-run and crawl operations need:
// commands and queries.
type RunService interface {
	RunCommands
	RunQueries
}

// RunCommands start, stop and change runs; the engine serves them.
type RunCommands interface {
	StartWorkflowRun(ctx context.Context, name string, props map[string]string) (string, error)
	StopWorkflowRun(ctx context.Context, name, runID string) error
	ResumeWorkflowRun(ctx context.Context, name, runID string, nodeIDs []string) (string, []string, error)
	PutWorkflowRunProperties(ctx context.Context, name, runID string, props map[string]string) error
	StartJobRun(ctx context.Context, req glue.JobRunRequest) (string, error)
	BatchStopJobRun(ctx context.Context, job string, ids []string) ([]string, []glue.BatchStopError, error)
	StartCrawler(ctx context.Context, name string) error
	StopCrawler(ctx context.Context, name string) error
}

// RunQueries read runs; the service serves them.
type RunQueries interface {
	GetWorkflowRun(ctx context.Context, name, runID string, includeGraph bool) (*glue.WorkflowRun, error)
	GetWorkflowRuns(ctx context.Context, name string, includeGraph bool, beforeSeq int64, limit int) ([]*glue.WorkflowRun, []int64, error)
	GetWorkflowRunProperties(ctx context.Context, name, runID string) (map[string]string, error)
	GetJobRun(ctx context.Context, job, id string) (*glue.JobRun, error)
	GetJobRuns(ctx context.Context, job string, beforeSeq int64, limit int) ([]*glue.JobRun, []int64, error)
	CrawlerMetrics(ctx context.Context, names []string, opts glue.ListOptions) ([]*glue.CrawlerMetrics, error)
	ListCrawls(ctx context.Context, crawler string, beforeSeq int64, limit int) ([]*glue.CrawlerHistory, []int64, error)
}

// runService joins the engine's commands and the service's queries.
type runService struct {
	RunCommands
	RunQueries
}

type startWorkflowRunIn struct {
	Name          string
	RunProperties map[string]string
}

type runIDOut struct {
	RunID string `json:"RunId"`
}

type runRefIn struct {
	Name  string
	RunID string `json:"RunId"`
}

type resumeIn struct {
	Name    string
	RunID   string   `json:"RunId"`
	NodeIDs []string `json:"NodeIds"`
}

type resumeOut struct {
	RunID   string   `json:"RunId"`
	NodeIDs []string `json:"NodeIds"`
}

type getWorkflowRunIn struct {
	Name         string
	RunID        string `json:"RunId"`
	IncludeGraph *bool
}

type getWorkflowRunOut struct {
	Run *glue.WorkflowRun `json:"Run"`
}

type getWorkflowRunsIn struct {
	Name         string
	IncludeGraph *bool
	NextToken    *string
	MaxResults   *int32
}

type getWorkflowRunsOut struct {
	Runs      []*glue.WorkflowRun `json:"Runs"`
	NextToken *string             `json:"NextToken,omitempty"`
}

type runPropertiesOut struct {
	RunProperties map[string]string `json:"RunProperties"`
}

type putRunPropertiesIn struct {
	Name          string
	RunID         string `json:"RunId"`
	RunProperties map[string]string
}

type jobRunIDOut struct {
	JobRunID string `json:"JobRunId"`
}

type getJobRunIn struct {
	JobName string
	RunID   string `json:"RunId"`
}

type getJobRunOut struct {
	JobRun *glue.JobRun `json:"JobRun"`
}

type getJobRunsIn struct {
	JobName    string
	NextToken  *string
	MaxResults *int32
}

type getJobRunsOut struct {
	JobRuns   []*glue.JobRun `json:"JobRuns"`
	NextToken *string        `json:"NextToken,omitempty"`
}

type batchStopIn struct {
	JobName   string
	JobRunIDs []string `json:"JobRunIds"`
}

type stopSubmission struct {
	JobName  string `json:"JobName"`
	JobRunID string `json:"JobRunId"`
}

type errorDetail struct {
	ErrorCode    string `json:"ErrorCode"`
	ErrorMessage string `json:"ErrorMessage"`
}

type stopError struct {
	JobName     string      `json:"JobName"`
	JobRunID    string      `json:"JobRunId"`
	ErrorDetail errorDetail `json:"ErrorDetail"`
}

type batchStopOut struct {
	SuccessfulSubmissions []stopSubmission `json:"SuccessfulSubmissions"`
	Errors                []stopError      `json:"Errors"`
}

type crawlerMetricsIn struct {
	CrawlerNameList []string
	NextToken       *string
	MaxResults      *int32
}

type crawlerMetricsOut struct {
	CrawlerMetricsList []*glue.CrawlerMetrics `json:"CrawlerMetricsList"`
	NextToken          *string                `json:"NextToken,omitempty"`
}

type listCrawlsIn struct {
	CrawlerName string
	MaxResults  *int32
	Filters     []crawlsFilter
	NextToken   *string
}

type crawlsFilter struct {
	FieldName      string
	FilterOperator string
	FieldValue     *string
}

type listCrawlsOut struct {
	Crawls    []*glue.CrawlerHistory `json:"Crawls"`
	NextToken *string                `json:"NextToken,omitempty"`
}

func (s *Server) registerRuns(svc RunService) {
	handle(s, "StartWorkflowRun", func(ctx context.Context, in *startWorkflowRunIn) (*runIDOut, error) {
		id, err := svc.StartWorkflowRun(ctx, in.Name, in.RunProperties)
		return &runIDOut{id}, err
	})
	handle(s, "StopWorkflowRun", func(ctx context.Context, in *runRefIn) (*empty, error) {
		return &empty{}, svc.StopWorkflowRun(ctx, in.Name, in.RunID)
	})
	handle(s, "ResumeWorkflowRun", func(ctx context.Context, in *resumeIn) (*resumeOut, error) {
		id, nodes, err := svc.ResumeWorkflowRun(ctx, in.Name, in.RunID, in.NodeIDs)
		return &resumeOut{id, nodes}, err
	})
	handle(s, "GetWorkflowRun", func(ctx context.Context, in *getWorkflowRunIn) (*getWorkflowRunOut, error) {
		r, err := svc.GetWorkflowRun(ctx, in.Name, in.RunID, isTrue(in.IncludeGraph))
		return &getWorkflowRunOut{r}, err
	})
	handle(s, "GetWorkflowRuns", func(ctx context.Context, in *getWorkflowRunsIn) (*getWorkflowRunsOut, error) {
		p, before, err := s.seqPager("GetWorkflowRuns", in.NextToken, in.MaxResults, 100, in.Name)
		if err != nil {
			return nil, err
		}
		runs, seqs, err := svc.GetWorkflowRuns(ctx, in.Name, isTrue(in.IncludeGraph), before, p.limit+1)
		if err != nil {
			return nil, err
		}
		runs, next := seqPage(s, p, runs, seqs)
		return &getWorkflowRunsOut{Runs: nonNil(runs), NextToken: next}, nil
	})
	handle(s, "GetWorkflowRunProperties", func(ctx context.Context, in *runRefIn) (*runPropertiesOut, error) {
		props, err := svc.GetWorkflowRunProperties(ctx, in.Name, in.RunID)
		return &runPropertiesOut{props}, err
	})
	handle(s, "PutWorkflowRunProperties", func(ctx context.Context, in *putRunPropertiesIn) (*empty, error) {
		return &empty{}, svc.PutWorkflowRunProperties(ctx, in.Name, in.RunID, in.RunProperties)
	})
	s.registerJobRuns(svc)
	s.registerCrawls(svc)
}

func (s *Server) registerJobRuns(svc RunService) {
	handle(s, "StartJobRun", func(ctx context.Context, in *glue.JobRunRequest) (*jobRunIDOut, error) {
		id, err := svc.StartJobRun(ctx, *in)
		return &jobRunIDOut{id}, err
	})
	handle(s, "GetJobRun", func(ctx context.Context, in *getJobRunIn) (*getJobRunOut, error) {
		r, err := svc.GetJobRun(ctx, in.JobName, in.RunID)
		return &getJobRunOut{r}, err
	})
	handle(s, "GetJobRuns", func(ctx context.Context, in *getJobRunsIn) (*getJobRunsOut, error) {
		p, before, err := s.seqPager("GetJobRuns", in.NextToken, in.MaxResults, 100, in.JobName)
		if err != nil {
			return nil, err
		}
		runs, seqs, err := svc.GetJobRuns(ctx, in.JobName, before, p.limit+1)
		if err != nil {
			return nil, err
		}
		runs, next := seqPage(s, p, runs, seqs)
		return &getJobRunsOut{JobRuns: nonNil(runs), NextToken: next}, nil
	})
	handle(s, "BatchStopJobRun", func(ctx context.Context, in *batchStopIn) (*batchStopOut, error) {
		ok, failed, err := svc.BatchStopJobRun(ctx, in.JobName, in.JobRunIDs)
		out := &batchStopOut{SuccessfulSubmissions: []stopSubmission{}, Errors: []stopError{}}
		for _, id := range ok {
			out.SuccessfulSubmissions = append(out.SuccessfulSubmissions, stopSubmission{in.JobName, id})
		}
		for _, f := range failed {
			out.Errors = append(out.Errors, stopError{in.JobName, f.JobRunID, errorDetail{f.Code, f.Message}})
		}
		return out, err
	})
}

func (s *Server) registerCrawls(svc RunService) {
	handle(s, "StartCrawler", func(ctx context.Context, in *nameIn) (*empty, error) {
		return &empty{}, svc.StartCrawler(ctx, in.Name)
	})
	handle(s, "StopCrawler", func(ctx context.Context, in *nameIn) (*empty, error) {
		return &empty{}, svc.StopCrawler(ctx, in.Name)
	})
	handle(s, "GetCrawlerMetrics", func(ctx context.Context, in *crawlerMetricsIn) (*crawlerMetricsOut, error) {
		p, err := s.newPager("GetCrawlerMetrics", in.NextToken, in.MaxResults, 100, emptyToNil(in.CrawlerNameList))
		if err != nil {
			return nil, err
		}
		ms, err := svc.CrawlerMetrics(ctx, in.CrawlerNameList, p.options(glue.ListOptions{}))
		if err != nil {
			return nil, err
		}
		ms, next := page(s, p, ms, func(m *glue.CrawlerMetrics) string { return m.CrawlerName })
		return &crawlerMetricsOut{CrawlerMetricsList: nonNil(ms), NextToken: next}, nil
	})
	handle(s, "ListCrawls", func(ctx context.Context, in *listCrawlsIn) (*listCrawlsOut, error) {
		if err := checkCrawlsFilters(in.Filters); err != nil {
			return nil, err
		}
		p, before, err := s.seqPager("ListCrawls", in.NextToken, in.MaxResults, 100, struct {
			N string
			F []crawlsFilter
		}{in.CrawlerName, in.Filters})
		if err != nil {
			return nil, err
		}
		crawls, err := s.listCrawls(ctx, svc, in, before, p.limit)
		if err != nil {
			return nil, err
		}
		hs, seqs := crawls.items, crawls.seqs
		hs, next := seqPage(s, p, hs, seqs)
		return &listCrawlsOut{Crawls: nonNil(hs), NextToken: next}, nil
	})
}

// seqPager reads the paging members of a listing ordered newest first by
// sequence number; the token carries the last sequence number returned.
func (s *Server) seqPager(op string, token *string, maxResults *int32, def int, filters any) (pager, int64, error) {
	p, err := s.newPager(op, token, maxResults, def, filters)
	if err != nil || p.after == "" {
		return p, 0, err
	}
	before, err := strconv.ParseInt(p.after, 10, 64)
	if err != nil {
		return p, 0, glue.Errorf(glue.InvalidInput, "NextToken is not a valid pagination token for %s", op)
	}
	return p, before, nil
}

func seqPage[T any](s *Server, p pager, items []*T, seqs []int64) ([]*T, *string) {
	if len(items) <= p.limit {
		return items, nil
	}
	tok := s.tokens.encode(p.op, strconv.FormatInt(seqs[p.limit-1], 10), p.filter)
	return items[:p.limit], &tok
}

func emptyToNil[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}
