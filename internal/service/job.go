package service

import (
	"context"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// CreateJob stores a new job definition with Glue's defaults filled in.
func (s *Service) CreateJob(ctx context.Context, j *glue.Job, tags map[string]string) error {
	if err := validateJobConcurrency("", j); err != nil {
		return err
	}
	j.ApplyDefaults()
	if err := j.Validate(); err != nil {
		return err
	}
	now := s.now()
	j.CreatedOn, j.LastModifiedOn = glue.At(now), glue.At(now)
	return s.store.Update(ctx, func(tx store.Tx) error {
		if err := tx.Jobs().Insert(ctx, j.Name, j); err != nil {
			return err
		}
		return tx.AddTags(ctx, glue.Resource{Kind: glue.KindJob, Name: j.Name}, tags)
	})
}

// UpdateJob replaces a job's definition with update, as Glue does: members
// the update leaves out are reset to their defaults.
func (s *Service) UpdateJob(ctx context.Context, name string, update *glue.Job) error {
	update.Name = name
	if err := validateJobConcurrency("JobUpdate.", update); err != nil {
		return err
	}
	update.ApplyDefaults()
	if err := update.Validate(); err != nil {
		return err
	}
	return s.store.Update(ctx, func(tx store.Tx) error {
		old, err := tx.Jobs().Get(ctx, name)
		if err != nil {
			return err
		}
		update.CreatedOn, update.LastModifiedOn = old.CreatedOn, glue.At(s.now())
		return tx.Jobs().Replace(ctx, name, update)
	})
}

// validateJobConcurrency refuses a negative ExecutionProperty.MaxConcurrentRuns.
// 0 is what SDKs send for "not set" (the member is not nullable), so it
// takes the default of 1 like an absent value.
func validateJobConcurrency(prefix string, j *glue.Job) error {
	if j.ExecutionProperty == nil {
		return nil
	}
	return atLeast(prefix+"ExecutionProperty.MaxConcurrentRuns", j.ExecutionProperty.MaxConcurrentRuns, 0)
}

// DeleteJob deletes a job; deleting one that does not exist succeeds.
// Triggers that name the job are kept; starting it later yields a job run
// in ERROR, as in Glue.
func (s *Service) DeleteJob(ctx context.Context, name string) error {
	return s.store.Update(ctx, func(tx store.Tx) error {
		if _, err := tx.Jobs().Delete(ctx, name); err != nil {
			return err
		}
		return tx.JobBookmarks().Delete(ctx, name)
	})
}

// GetJobBookmark returns a job's bookmark, or with runID the bookmark as it
// stood right after that run. A job whose bookmark never moved (no run
// with job-bookmark-enable succeeded) and was never reset has none, and
// answers EntityNotFoundException as Glue does.
func (s *Service) GetJobBookmark(ctx context.Context, name, runID string) (*glue.JobBookmarkEntry, error) {
	var out *glue.JobBookmarkEntry
	err := s.store.View(ctx, func(tx store.Tx) error {
		job, rec, runs, err := bookmarkInputs(ctx, tx, name)
		if err != nil {
			return err
		}
		if runID != "" {
			out = glue.BookmarkAt(name, job.CreatedOn.Time, rec, runs, runID)
		} else {
			out = glue.Bookmark(name, job.CreatedOn.Time, rec, runs)
		}
		if out == nil {
			return noBookmark(name, runID)
		}
		return nil
	})
	return out, err
}

// ResetJobBookmark resets a job's bookmark: to nothing, or with runID to
// the state right after that run. It returns the bookmark after the reset.
func (s *Service) ResetJobBookmark(ctx context.Context, name, runID string) (*glue.JobBookmarkEntry, error) {
	var out *glue.JobBookmarkEntry
	err := s.store.Update(ctx, func(tx store.Tx) error {
		job, rec, runs, err := bookmarkInputs(ctx, tx, name)
		if err != nil {
			return err
		}
		if rec == nil && glue.Bookmark(name, job.CreatedOn.Time, nil, runs) == nil {
			return noBookmark(name, "")
		}
		next, ok := rec.ResetTo(name, job.CreatedOn.Time, runs, runID, s.now())
		if !ok {
			return noBookmark(name, runID)
		}
		out = glue.Bookmark(name, job.CreatedOn.Time, next, runs)
		return tx.JobBookmarks().Put(ctx, next)
	})
	return out, err
}

// bookmarkInputs reads what a job's bookmark follows from: the job, its
// reset record and its SUCCEEDED runs.
func bookmarkInputs(ctx context.Context, tx store.Tx, name string) (*glue.Job, *glue.JobBookmarkRecord, []*glue.JobRunRecord, error) {
	job, err := tx.Jobs().Get(ctx, name)
	if err != nil {
		return nil, nil, nil, err
	}
	rec, err := tx.JobBookmarks().Get(ctx, name)
	if err != nil {
		return nil, nil, nil, err
	}
	runs, err := tx.JobRuns().InStates(ctx, name, glue.JobRunSucceeded)
	return job, rec, runs, err
}

func noBookmark(job, runID string) error {
	if runID != "" {
		return glue.Errorf(glue.EntityNotFound, "Continuation for job %s not found: run %s is not part of its bookmark", job, runID)
	}
	return glue.Errorf(glue.EntityNotFound, "Continuation for job %s not found", job)
}

// GetJob returns one job.
func (s *Service) GetJob(ctx context.Context, name string) (*glue.Job, error) {
	var j *glue.Job
	err := s.store.View(ctx, func(tx store.Tx) error {
		var err error
		j, err = tx.Jobs().Get(ctx, name)
		return err
	})
	return j, err
}

// ListJobs returns a page of jobs in name order.
func (s *Service) ListJobs(ctx context.Context, opts glue.ListOptions) ([]*glue.Job, error) {
	var out []*glue.Job
	err := s.store.View(ctx, func(tx store.Tx) error {
		var err error
		out, err = tx.Jobs().List(ctx, opts)
		return err
	})
	return out, err
}

// BatchGetJobs returns the named jobs that exist and the names of those that
// do not.
func (s *Service) BatchGetJobs(ctx context.Context, names []string) ([]*glue.Job, []string, error) {
	return batchGet(ctx, names, func(tx store.Tx, n string) (*glue.Job, error) {
		return tx.Jobs().Get(ctx, n)
	}, s.store)
}
