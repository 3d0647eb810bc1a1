package store

import (
	"context"

	"github.com/epoxy-run/epoxy/internal/glue"
)

// Helpers over a Tx that the engine's transitions and the service's queries
// both need.

// RunMembers returns a run's job runs and crawls, including those a resumed
// run carries over from the run it resumed.
func RunMembers(ctx context.Context, tx Tx, run *glue.WorkflowRunRecord) ([]*glue.JobRunRecord, []*glue.CrawlRecord, error) {
	jobRuns, err := tx.JobRuns().OfWorkflowRun(ctx, run.Run.WorkflowRunID)
	if err != nil {
		return nil, nil, err
	}
	crawls, err := tx.Crawls().OfWorkflowRun(ctx, run.Run.WorkflowRunID)
	if err != nil {
		return nil, nil, err
	}
	cj, cc, err := CarriedMembers(ctx, tx, run)
	if err != nil {
		return nil, nil, err
	}
	return append(jobRuns, cj...), append(crawls, cc...), nil
}

// CarriedMembers loads the job runs and crawls a resumed run carries over.
func CarriedMembers(ctx context.Context, tx Tx, run *glue.WorkflowRunRecord) ([]*glue.JobRunRecord, []*glue.CrawlRecord, error) {
	var jobRuns []*glue.JobRunRecord
	var crawls []*glue.CrawlRecord
	for _, id := range run.CarriedJobRuns {
		r, err := tx.JobRuns().ByID(ctx, id)
		if err == nil {
			jobRuns = append(jobRuns, r)
		} else if !glue.IsCode(err, glue.EntityNotFound) {
			return nil, nil, err
		}
	}
	for _, id := range run.CarriedCrawls {
		c, err := tx.Crawls().Get(ctx, id)
		if err == nil {
			crawls = append(crawls, c)
		} else if !glue.IsCode(err, glue.EntityNotFound) {
			return nil, nil, err
		}
	}
	return jobRuns, crawls, nil
}
