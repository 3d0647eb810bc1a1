package logsapi

import (
	"context"
	"slices"
	"strings"

	"github.com/epoxy-run/epoxy/internal/glue"
	"github.com/epoxy-run/epoxy/internal/store"
)

// StoreRuns finds log streams among the job runs of a store.
type StoreRuns struct {
	Store store.Store
}

// Streams returns the job runs of every job whose LogGroupName is base, in
// name order.
func (r StoreRuns) Streams(ctx context.Context, base string) ([]Stream, error) {
	var out []Stream
	err := r.Store.View(ctx, func(tx store.Tx) error {
		jobs, err := tx.Jobs().Names(ctx, glue.ListOptions{})
		if err != nil {
			return err
		}
		for _, job := range jobs {
			runs, err := tx.JobRuns().List(ctx, job, 0, 0)
			if err != nil {
				return err
			}
			for _, jr := range runs {
				if jr.JobRun.LogGroupName == base {
					out = append(out, Stream{Name: jr.JobRun.ID, Created: jr.JobRun.StartedOn.Time})
				}
			}
		}
		return nil
	})
	slices.SortFunc(out, func(a, b Stream) int { return strings.Compare(a.Name, b.Name) })
	return out, err
}
