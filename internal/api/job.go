package api

import (
	"context"

	"github.com/epoxy-run/epoxy/internal/glue"
)

// JobService is what the job definition operations need.
type JobService interface {
	CreateJob(ctx context.Context, j *glue.Job, tags map[string]string) error
	UpdateJob(ctx context.Context, name string, update *glue.Job) error
	DeleteJob(ctx context.Context, name string) error
	GetJob(ctx context.Context, name string) (*glue.Job, error)
	ListJobs(ctx context.Context, opts glue.ListOptions) ([]*glue.Job, error)
	JobNames(ctx context.Context, opts glue.ListOptions) ([]string, error)
	BatchGetJobs(ctx context.Context, names []string) ([]*glue.Job, []string, error)
	GetJobBookmark(ctx context.Context, name, runID string) (*glue.JobBookmarkEntry, error)
	ResetJobBookmark(ctx context.Context, name, runID string) (*glue.JobBookmarkEntry, error)
}

type jobBookmarkIn struct {
	JobName string
	RunID   string `json:"RunId"`
}

type jobBookmarkOut struct {
	JobBookmarkEntry *glue.JobBookmarkEntry `json:"JobBookmarkEntry"`
}

type createJobIn struct {
	glue.Job
	Tags map[string]string
}

type jobNameIn struct {
	JobName string
}

type jobNameOut struct {
	JobName string `json:"JobName"`
}

type updateJobIn struct {
	JobName   string
	JobUpdate glue.Job
}

type jobOut struct {
	Job *glue.Job `json:"Job"`
}

type listJobsIn struct {
	NextToken  *string
	MaxResults *int32
	Tags       map[string]string `json:",omitempty"`
}

type getJobsOut struct {
	Jobs      []*glue.Job `json:"Jobs"`
	NextToken *string     `json:"NextToken,omitempty"`
}

type listJobsOut struct {
	JobNames  []string `json:"JobNames"`
	NextToken *string  `json:"NextToken,omitempty"`
}

type batchGetJobsIn struct {
	JobNames []string
}

type batchGetJobsOut struct {
	Jobs         []*glue.Job `json:"Jobs"`
	JobsNotFound []string    `json:"JobsNotFound,omitempty"`
}

func jobName(j *glue.Job) string { return j.Name }

func (s *Server) registerJobs(svc JobService) {
	handle(s, "GetJobBookmark", func(ctx context.Context, in *jobBookmarkIn) (*jobBookmarkOut, error) {
		e, err := svc.GetJobBookmark(ctx, in.JobName, in.RunID)
		return &jobBookmarkOut{e}, err
	})
	handle(s, "ResetJobBookmark", func(ctx context.Context, in *jobBookmarkIn) (*jobBookmarkOut, error) {
		e, err := svc.ResetJobBookmark(ctx, in.JobName, in.RunID)
		return &jobBookmarkOut{e}, err
	})
	handle(s, "CreateJob", func(ctx context.Context, in *createJobIn) (*nameOut, error) {
		return &nameOut{in.Name}, svc.CreateJob(ctx, &in.Job, in.Tags)
	})
	handle(s, "UpdateJob", func(ctx context.Context, in *updateJobIn) (*jobNameOut, error) {
		return &jobNameOut{in.JobName}, svc.UpdateJob(ctx, in.JobName, &in.JobUpdate)
	})
	handle(s, "DeleteJob", func(ctx context.Context, in *jobNameIn) (*jobNameOut, error) {
		return &jobNameOut{in.JobName}, svc.DeleteJob(ctx, in.JobName)
	})
	handle(s, "GetJob", func(ctx context.Context, in *jobNameIn) (*jobOut, error) {
		j, err := svc.GetJob(ctx, in.JobName)
		return &jobOut{j}, err
	})
	handle(s, "GetJobs", func(ctx context.Context, in *listJobsIn) (*getJobsOut, error) {
		p, err := s.newPager("GetJobs", in.NextToken, in.MaxResults, 100, in.Tags)
		if err != nil {
			return nil, err
		}
		js, next, err := listPage(ctx, s, p, glue.ListOptions{Tags: in.Tags}, svc.ListJobs, jobName)
		return &getJobsOut{Jobs: nonNil(js), NextToken: next}, err
	})
	handle(s, "ListJobs", func(ctx context.Context, in *listJobsIn) (*listJobsOut, error) {
		p, err := s.newPager("ListJobs", in.NextToken, in.MaxResults, 100, in.Tags)
		if err != nil {
			return nil, err
		}
		ns, next, err := listPage(ctx, s, p, glue.ListOptions{Tags: in.Tags}, svc.JobNames, itself)
		return &listJobsOut{JobNames: nonNilNames(ns), NextToken: next}, err
	})
	handle(s, "BatchGetJobs", func(ctx context.Context, in *batchGetJobsIn) (*batchGetJobsOut, error) {
		found, missing, err := svc.BatchGetJobs(ctx, distinct(in.JobNames))
		return &batchGetJobsOut{Jobs: nonNil(found), JobsNotFound: missing}, err
	})
}
