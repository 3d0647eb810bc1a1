package glue

import (
	"cmp"
	"slices"
	"time"
)

// Job bookmark options, the values of the --job-bookmark-option argument.
const (
	BookmarkArgument = "--job-bookmark-option"
	BookmarkEnable   = "job-bookmark-enable"
	BookmarkDisable  = "job-bookmark-disable"
	BookmarkPause    = "job-bookmark-pause"
)

// JobBookmarkEntry is GetJobBookmark's and ResetJobBookmark's answer.
type JobBookmarkEntry struct {
	JobName       string `json:"JobName"`
	Version       int32  `json:"Version"`
	Run           int32  `json:"Run"`
	Attempt       int32  `json:"Attempt"`
	PreviousRunID string `json:"PreviousRunId,omitempty"`
	RunID         string `json:"RunId,omitempty"`
	JobBookmark   string `json:"JobBookmark,omitempty"`
}

// JobBookmarkRecord is what Epoxy stores of a job's bookmark: how it was
// reset. The bookmark itself follows from the job's runs (see Bookmark).
type JobBookmarkRecord struct {
	JobName string `json:"jobName"`
	// Resets counts ResetJobBookmark calls; each is a new Version.
	Resets int32 `json:"resets"`
	// Since is the last full reset: runs that completed before it no longer
	// count.
	Since Timestamp `json:"since,omitzero"`
	// Dropped are the spans of completion times that resets to a run took
	// out of the bookmark since then.
	Dropped []TimeSpan `json:"dropped,omitempty"`
}

// TimeSpan is the half-open span (After, Until] of time.
type TimeSpan struct {
	After Timestamp `json:"after"`
	Until Timestamp `json:"until"`
}

func (s TimeSpan) contains(t Timestamp) bool { return t.After(s.After.Time) && !t.After(s.Until.Time) }

// Bookmarked reports whether a run with these merged arguments advances its
// job's bookmark when it succeeds: --job-bookmark-option is
// job-bookmark-enable (job-bookmark-pause reads the bookmark without moving
// it, as in Glue).
func Bookmarked(args map[string]string) bool { return args[BookmarkArgument] == BookmarkEnable }

// Bookmark returns a job's bookmark: each SUCCEEDED run that had bookmarks
// enabled advances it, as a Glue script's job.commit() at its end does,
// unless a reset (rec, which may be nil) took it out. created is when the
// job was created, so that runs of an earlier job of the same name do not
// count. It returns nil when the job has no bookmark yet.
func Bookmark(job string, created time.Time, rec *JobBookmarkRecord, runs []*JobRunRecord) *JobBookmarkEntry {
	counted := bookmarkRuns(runs, created)
	if rec == nil && len(counted) == 0 {
		return nil
	}
	var resets int32
	if rec != nil {
		resets = rec.Resets
	}
	e := &JobBookmarkEntry{JobName: job, Version: int32(len(counted)) + resets}
	kept := rec.keep(counted)
	if n := len(kept); n > 0 {
		last := kept[n-1].JobRun
		e.Run, e.RunID, e.Attempt = int32(n), last.ID, last.Attempt
		if n > 1 {
			e.PreviousRunID = kept[n-2].JobRun.ID
		}
	}
	return e
}

// BookmarkAt returns the bookmark as it stood right after the run runID, or
// nil when that run is not part of the bookmark.
func BookmarkAt(job string, created time.Time, rec *JobBookmarkRecord, runs []*JobRunRecord, runID string) *JobBookmarkEntry {
	kept := rec.keep(bookmarkRuns(runs, created))
	i := slices.IndexFunc(kept, func(r *JobRunRecord) bool { return r.JobRun.ID == runID })
	if i < 0 {
		return nil
	}
	return Bookmark(job, created, &JobBookmarkRecord{}, kept[:i+1])
}

// ResetTo returns rec after a ResetJobBookmark at now: to nothing when
// runID is "", else to the state right after that run, which must be part
// of the bookmark (ok is false when it is not).
func (rec *JobBookmarkRecord) ResetTo(job string, created time.Time, runs []*JobRunRecord, runID string, now time.Time) (next *JobBookmarkRecord, ok bool) {
	next = &JobBookmarkRecord{JobName: job}
	if rec != nil {
		next.Resets, next.Since, next.Dropped = rec.Resets, rec.Since, slices.Clone(rec.Dropped)
	}
	next.Resets++
	if runID == "" {
		next.Since, next.Dropped = At(now), nil
		return next, true
	}
	kept := rec.keep(bookmarkRuns(runs, created))
	i := slices.IndexFunc(kept, func(r *JobRunRecord) bool { return r.JobRun.ID == runID })
	if i < 0 {
		return nil, false
	}
	next.Dropped = append(next.Dropped, TimeSpan{After: kept[i].JobRun.CompletedOn, Until: At(now)})
	return next, true
}

// bookmarkRuns returns the runs that advanced the bookmark, in the order
// they completed.
func bookmarkRuns(runs []*JobRunRecord, created time.Time) []*JobRunRecord {
	var out []*JobRunRecord
	for _, r := range runs {
		if r.Bookmarked && r.JobRun.JobRunState == JobRunSucceeded && !r.JobRun.CompletedOn.Before(created) {
			out = append(out, r)
		}
	}
	slices.SortStableFunc(out, func(a, b *JobRunRecord) int {
		return cmp.Or(a.JobRun.CompletedOn.Compare(b.JobRun.CompletedOn.Time), cmp.Compare(a.Seq, b.Seq))
	})
	return out
}

// keep returns the runs a reset has not taken out of the bookmark.
func (rec *JobBookmarkRecord) keep(runs []*JobRunRecord) []*JobRunRecord {
	if rec == nil {
		return runs
	}
	return slices.DeleteFunc(slices.Clone(runs), func(r *JobRunRecord) bool {
		done := r.JobRun.CompletedOn
		return !done.After(rec.Since.Time) || slices.ContainsFunc(rec.Dropped, func(s TimeSpan) bool { return s.contains(done) })
	})
}
