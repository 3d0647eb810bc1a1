package glue_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/epoxy-run/epoxy/internal/glue"
)

var t0 = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// bmRun is a run of job j that completed at minute m.
func bmRun(id string, m int, state glue.JobRunState, bookmarked bool) *glue.JobRunRecord {
	return &glue.JobRunRecord{Bookmarked: bookmarked,
		JobRun: glue.JobRun{ID: id, JobName: "j", JobRunState: state, CompletedOn: glue.At(t0.Add(time.Duration(m) * time.Minute))}}
}

// Ensure the bookmark counts only SUCCEEDED runs with bookmarks enabled,
// completed since the job was created, in completion order.
func TestBookmark_CountsRuns(t *testing.T) {
	t.Parallel()
	runs := []*glue.JobRunRecord{
		bmRun("late", 5, glue.JobRunSucceeded, true), // inserted first, completed last
		bmRun("early", 2, glue.JobRunSucceeded, true),
		bmRun("failed", 3, glue.JobRunFailed, true),
		bmRun("plain", 4, glue.JobRunSucceeded, false),
		bmRun("old", -1, glue.JobRunSucceeded, true), // an earlier job of the same name
	}
	require.Nil(t, glue.Bookmark("j", t0, nil, nil))
	require.Nil(t, glue.Bookmark("j", t0, nil, runs[2:4]))
	require.Equal(t, &glue.JobBookmarkEntry{JobName: "j", Version: 2, Run: 2, RunID: "late", PreviousRunID: "early"},
		glue.Bookmark("j", t0, nil, runs))
	require.Equal(t, &glue.JobBookmarkEntry{JobName: "j", Version: 1, Run: 1, RunID: "early"}, glue.BookmarkAt("j", t0, nil, runs, "early"))
	require.Nil(t, glue.BookmarkAt("j", t0, nil, runs, "plain"))
}

// Ensure resets to a run and to nothing compose: each drops what it must
// and later runs count again.
func TestBookmark_Resets(t *testing.T) {
	t.Parallel()
	runs := []*glue.JobRunRecord{bmRun("a", 1, glue.JobRunSucceeded, true), bmRun("b", 2, glue.JobRunSucceeded, true),
		bmRun("c", 3, glue.JobRunSucceeded, true)}
	var rec *glue.JobBookmarkRecord
	rec, ok := rec.ResetTo("j", t0, runs, "a", t0.Add(10*time.Minute))
	require.True(t, ok)
	require.Equal(t, &glue.JobBookmarkEntry{JobName: "j", Version: 4, Run: 1, RunID: "a"}, glue.Bookmark("j", t0, rec, runs))

	runs = append(runs, bmRun("d", 11, glue.JobRunSucceeded, true))
	require.Equal(t, &glue.JobBookmarkEntry{JobName: "j", Version: 5, Run: 2, RunID: "d", PreviousRunID: "a"}, glue.Bookmark("j", t0, rec, runs))
	_, ok = rec.ResetTo("j", t0, runs, "b", t0.Add(12*time.Minute))
	require.False(t, ok, "b was reset away")

	rec, ok = rec.ResetTo("j", t0, runs, "", t0.Add(20*time.Minute))
	require.True(t, ok)
	require.Equal(t, &glue.JobBookmarkEntry{JobName: "j", Version: 6}, glue.Bookmark("j", t0, rec, runs))
	runs = append(runs, bmRun("e", 21, glue.JobRunSucceeded, true))
	require.Equal(t, &glue.JobBookmarkEntry{JobName: "j", Version: 7, Run: 1, RunID: "e"}, glue.Bookmark("j", t0, rec, runs))
}
